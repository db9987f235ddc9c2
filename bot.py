"""The Telegram bot: `python bot.py` (long polling), `--webhook`, or `--console` (no token, no network)."""

from __future__ import annotations

import time

STARTED = time.monotonic()  # first thing: start-up times in the log count from here

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import gc  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
from collections.abc import AsyncIterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

from app.settings import Settings  # noqa: E402

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.base import BaseSession
    from aiohttp import web
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

    from alerts.sender import AlertSender
    from feeds.poller import FeedPoller
    from intake.pool import ExtractPool
    from intake.worker import ArticleWorkers
    from shared_state import SharedState

# Heavy imports (aiogram, aiohttp) live inside the functions: extraction workers are spawned
# processes that re-import this module as __mp_main__, and they should start fast. main() starts
# those workers before it imports aiogram (7-9 s on a slow machine), so natasha loads meanwhile.

__all__ = ["Settings", "app_context", "build_dispatcher", "main", "make_webhook_app"]

log = logging.getLogger("bot")


def build_dispatcher(settings: Settings, shared: SharedState | None = None) -> Dispatcher:
    """The dispatcher with every router and update middleware (no I/O here). `shared` holds what
    several instances share (FSM, stored queries, last results, flood control); in-process without it."""
    from aiogram import Dispatcher

    from app.answers import AnsweredQueries
    from app.middlewares import DuplicateUpdateMiddleware, ThrottlingMiddleware
    from handlers import commands, fresh_routers
    from intake.bursts import BurstReplies
    from intake.queue import LocalArticleQueue
    from shared_state import SharedState
    from shared_state.last_results import LastResults
    from views.keyboards import QueryStore

    shared = shared if shared is not None else SharedState()
    dp = Dispatcher(storage=shared.fsm_storage())
    dp["settings"] = settings
    dp["shared"] = shared
    dp["qstore"] = QueryStore(shared.kv("q", ttl=QueryStore.TTL))
    dp["last_results"] = LastResults(shared.kv("last", ttl=LastResults.TTL))
    dp["article_queue"] = LocalArticleQueue(settings.queue_limits())
    dp["replies"] = BurstReplies(
        dp["last_results"], window=settings.burst_window, progress_interval=settings.burst_progress_interval
    )
    dp.update.outer_middleware(AnsweredQueries())  # the error handler answers what a failure left
    dp.update.outer_middleware(DuplicateUpdateMiddleware(shared.kv("update", capacity=100_000)))
    if settings.throttle_burst > 0:  # 0 turns throttling off (console mode: one local user)
        buckets = shared.buckets(settings.throttle_burst, settings.throttle_rate)
        dp.update.outer_middleware(ThrottlingMiddleware(buckets=buckets))
    dp.include_routers(*fresh_routers())

    menu: set[asyncio.Task[None]] = set()

    async def set_menu(bot: Bot) -> None:
        try:
            await commands.set_commands(bot, settings.admin_ids, settings.web_public_url)
        except Exception:  # the menu is a convenience: the bot works without it
            log.warning("could not register the command menu", exc_info=True)

    async def on_startup(bot: Bot) -> None:
        # a few Bot API round trips the first answer need not wait for
        task = asyncio.create_task(set_menu(bot))
        menu.add(task)
        task.add_done_callback(menu.discard)

    async def on_shutdown() -> None:
        for task in list(menu):
            task.cancel()
        await asyncio.gather(*menu, return_exceptions=True)

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return dp


def make_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    """A Bot for Telegram, a self-hosted Bot API server (BOT_API_URL), or the given session."""
    from aiogram import Bot
    from aiogram.client.default import DefaultBotProperties
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.enums import ParseMode

    from app.answers import track_answers
    from app.middlewares import RetryAfterMiddleware
    from app.response_models import pin_response_models

    pin_response_models()  # pydantic holds Response[T] weakly: rebuilding it after each GC is costly
    if session is None:
        api = TelegramAPIServer.from_base(settings.bot_api_url) if settings.bot_api_url else None
        session = AiohttpSession(api=api) if api else AiohttpSession()
    session.middleware(RetryAfterMiddleware())
    session.middleware(track_answers)
    token = settings.bot_token
    if token is None:
        from app.console import CONSOLE_TOKEN

        token = CONSOLE_TOKEN
    return Bot(
        token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


async def warm_up_lookups(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Load what the first lookups need (gazetteer, name indexes; pymorphy2 only when its answers
    are not memoized on disk yet) before the first user comes, instead of stalling the event loop
    on their query."""
    from db.morph import save_lemmas
    from db.read import queries

    try:
        async with sessionmaker() as session:
            await queries.by_region(session, "Калужская")
            await queries.by_partner(session, "МТС")
    except Exception:  # a cold cache is slower, not broken: start anyway
        log.warning("lookup warm-up failed", exc_info=True)
    save_lemmas()  # the next start builds the indexes from the memo


async def migrate(engine: AsyncEngine, url: str | None) -> None:
    """Migrate the base; on PostgreSQL without the per-call timeout (an index on a big table may take
    longer than a user should ever wait), on an engine of its own."""
    from db.engine import is_postgres, make_engine
    from db.migrate import upgrade

    if not is_postgres(engine):
        await upgrade(engine)
        return
    unlimited = make_engine(url, timeout=None)
    try:
        await upgrade(unlimited)
    finally:
        await unlimited.dispose()


def _mark(step: str) -> None:
    log.debug(
        "start-up: %s after %.2f s (%.2f s of CPU)", step, time.monotonic() - STARTED, time.process_time()
    )


def start_pool(settings: Settings, log_file: Path | None = None) -> ExtractPool:
    """The extraction pool with its workers already loading their models (call it early);
    `log_file`: where the workers log (console mode), else stderr."""
    from intake.pool import ExtractPool

    pool = ExtractPool(settings.extract_workers, log_file=log_file, log_level=settings.log_level)
    pool.start()
    return pool


@contextlib.asynccontextmanager
async def app_context(
    settings: Settings,
    session: BaseSession | None = None,
    pool: ExtractPool | None = None,
    *,
    wait_for_seeds: bool = False,
) -> AsyncIterator[tuple[Bot, Dispatcher]]:
    """Everything wired: engine + migrations, extraction pool, fetcher, routers and middlewares, the
    feed poller and the alert sender. Yields (bot, dp) as soon as commands can be answered: the
    extraction models load in the background (articles wait for them), and so do the seeds of an empty
    base, unless `wait_for_seeds` (tests and benchmarks that query them). `pool` (from `start_pool`) is
    taken over and closed on exit. Tears it all down on exit."""
    if pool is None:
        pool = start_pool(settings)
    pool.start()
    _mark("wiring starts")
    from alerts.sender import make_sender
    from app.middlewares import DbSessionMiddleware
    from app.startup import ModelsNotice, Seeding, SeedsMiddleware, announce_models, start_seeding
    from db.engine import make_engine, make_sessionmaker
    from feeds.feeds_file import add_feeds_from_file
    from feeds.lock import make_poller_lock
    from feeds.poller import FAIR_KEY, FeedPoller
    from fetching import Fetcher
    from handlers.articles import Reader, process_job
    from intake.queue import FairGate
    from intake.worker import ArticleWorkers
    from shared_state import open_shared_state
    from views.cards import set_show_confidence

    set_show_confidence(settings.show_confidence)
    engine = make_engine(settings.database_url, timeout=settings.database_timeout)
    shared = open_shared_state(settings.redis_url, settings.redis_prefix, settings.redis_limits())
    fetcher = Fetcher(settings.fetch_limits(), shared=shared.fetches)
    bot: Bot | None = None
    workers: ArticleWorkers | None = None
    sender: AlertSender | None = None
    poller: FeedPoller | None = None
    seeding = Seeding()
    frozen = False
    models = asyncio.create_task(announce_models(pool, STARTED))
    _mark("modules imported")
    try:
        await migrate(engine, settings.database_url)
        _mark("base migrated")
        sessionmaker = make_sessionmaker(engine)
        await shared.sync_names(engine)  # before seeding: other instances hear of the seeds too
        dp = build_dispatcher(settings, shared)
        dp["sessionmaker"] = sessionmaker
        dp["pool"] = pool
        dp["fetcher"] = fetcher
        dp["seeding"] = seeding
        # before the session opens: a query of the first minute waits for the seeds, then reads them
        dp.update.outer_middleware(SeedsMiddleware(settings.seeds_wait, settings.seeds_progress_after))
        dp.update.outer_middleware(DbSessionMiddleware(sessionmaker))
        _mark("routers built")
        bot = make_bot(settings, session)
        _mark("bot made")
        reader = Reader(
            bot, sessionmaker, pool, fetcher, settings,
            gate=FairGate(settings.extract_workers), notice=ModelsNotice(pool, settings.models_notice_after),
        )  # fmt: skip
        dp["replies"].bind(bot)
        dp["article_reader"] = reader

        # alerts to followers: read from the outbox the ingest writes, so a restart sends what is left
        sender = make_sender(bot, sessionmaker, settings)
        sender.start()
        dp["alert_sender"] = sender

        async def process(job: Any) -> Any:
            outcome = await process_job(job, reader)
            if outcome.new:
                sender.wake()
            return outcome

        workers = ArticleWorkers(dp["article_queue"], dp["replies"], process, settings.article_consumers)
        workers.start()
        dp["article_workers"] = workers

        async def ingest_feed_item(article: Any) -> Any:
            # the same path as a user's article; the poller takes its turn at the workers as one user
            result = (await reader.ingestor.ingest_article(article, fair_key=FAIR_KEY)).result
            if result.alerts:  # the outbox rows are in: no need to wait for the sender's next look
                sender.wake()
            return result

        await add_feeds_from_file(sessionmaker, settings.feeds_file)
        poller = FeedPoller(
            sessionmaker,
            fetcher,
            ingest_feed_item,
            lock=make_poller_lock(engine, shared),
            settings=settings.poller_settings(),
        )
        poller.start()
        dp["feed_poller"] = poller
        seeding.task = start_seeding(sessionmaker, settings.seeds_dir, pool).task
        if wait_for_seeds:
            await seeding.wait()
        _mark("dispatcher built")
        await warm_up_lookups(sessionmaker)
        _mark("lookups warm")
        # Everything loaded so far (gazetteer, name indexes, SQLAlchemy and aiogram models) lives as
        # long as the bot: keep it out of the cyclic GC's full collections, which otherwise re-scan
        # it all several times a minute under load.
        gc.freeze()
        frozen = True
        gc.enable()  # main() turned it off for the start
        log.info(
            "answering %.1f s after start; extraction models %s",
            time.monotonic() - STARTED, "ready" if pool.ready else "still loading in the background",
        )  # fmt: skip
        yield bot, dp
    finally:
        if frozen:
            gc.unfreeze()
        await seeding.stop(settings.drain_timeout)
        if poller is not None:  # an item being read is read again after the restart
            await poller.stop()
        if workers is not None:  # read what was accepted before the pool and the base go away
            await workers.stop(settings.drain_timeout)
        if sender is not None:  # after the workers: their last articles' alerts are in the outbox
            await sender.stop()
        models.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await models
        if bot is not None:
            await bot.session.close()
        await fetcher.close()
        await shared.close()
        await asyncio.to_thread(pool.close)
        await engine.dispose()


async def run_polling(settings: Settings, pool: ExtractPool | None = None) -> None:
    from web.server import serving

    async with app_context(settings, pool=pool) as (bot, dp), serving(settings, dp["sessionmaker"], dp["shared"]):
        await bot.delete_webhook(drop_pending_updates=False)
        log.info("long polling started")
        await dp.start_polling(bot, close_bot_session=False)


async def health_problem(dp: Dispatcher, timeout: float = 3.0) -> str | None:
    """Why this instance cannot serve (the base or Redis does not answer), or None when it can."""
    from sqlalchemy import text

    sessionmaker = dp.get("sessionmaker")
    if sessionmaker is not None:
        try:
            async with sessionmaker() as session:
                await asyncio.wait_for(session.execute(text("SELECT 1")), timeout)
        except Exception as exc:
            log.warning("health check: the database does not answer", exc_info=True)
            return f"database: {type(exc).__name__}"
    shared = dp.get("shared")
    if shared is not None:
        try:
            await shared.ping(timeout)
        except Exception as exc:
            log.warning("health check: Redis does not answer", exc_info=True)
            return f"redis: {type(exc).__name__}"
    return None


def make_webhook_app(bot: Bot, dp: Dispatcher, settings: Settings) -> web.Application:
    """An aiohttp app that takes Telegram's updates on WEBHOOK_PATH, checking the secret token, and
    answers the load balancer's `GET /healthz` (200, or 503 with a short JSON reason)."""
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
    from aiohttp import web

    async def healthz(request: web.Request) -> web.Response:
        problem = await health_problem(dp)
        if problem is None:
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "unavailable", "reason": problem}, status=503)

    from web.server import add_web, api_buckets

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    add_web(app, dp["sessionmaker"], settings.bot_token, api_buckets(dp.get("shared")))
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=settings.webhook_secret).register(
        app, path=settings.webhook_path
    )
    setup_application(app, dp, bot=bot)
    return app


async def run_webhook(settings: Settings, pool: ExtractPool | None = None) -> None:
    """Serve updates pushed by Telegram; several instances can share one PostgreSQL base and one
    Redis (REDIS_URL) behind a load balancer (TLS is the proxy's job)."""
    from aiohttp import web

    async with app_context(settings, pool=pool) as (bot, dp):
        app = make_webhook_app(bot, dp, settings)
        if settings.webhook_url:
            url = settings.webhook_url.rstrip("/") + settings.webhook_path
            await bot.set_webhook(url, secret_token=settings.webhook_secret, drop_pending_updates=False)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        await site.start()
        log.info("webhook on %s:%s%s", settings.webhook_host, settings.webhook_port, settings.webhook_path)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows' loop
                loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
            log.info("stopping the webhook")
        finally:
            await runner.cleanup()


async def run_console(settings: Settings, pool: ExtractPool | None = None, log_file: Path | None = None) -> None:
    from app.console import CONSOLE_USER_ID, ConsoleSession, run_console

    settings.bot_token = None
    settings.throttle_burst = 0
    settings.admin_ids = frozenset({*settings.admin_ids, CONSOLE_USER_ID})  # the console user may /reload
    session = ConsoleSession()
    from web.server import serving

    async with (
        app_context(settings, session=session, pool=pool) as (bot, dp),
        serving(settings, dp["sessionmaker"], dp["shared"]) as address,
    ):
        if address:
            session.out.write(f"Веб-страница с картой: {address}\n")
        await run_console(dp, bot, session, log_file=log_file)


def setup_logging(settings: Settings, console: bool) -> Path | None:
    """Logs go to stderr; in console mode to `CONSOLE_LOG_FILE` instead, so that they never land
    between the bot's answers in the terminal. Returns that file (None: stderr)."""
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    if not console:
        logging.basicConfig(level=settings.log_level, format=fmt, stream=sys.stderr)
        return None
    path = settings.console_log_file
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:  # an unwritable place: warnings only, on stderr, as before
        print(f"Не удалось открыть файл журнала {path}: {exc}", file=sys.stderr)
        logging.basicConfig(level=logging.WARNING, format=fmt, stream=sys.stderr)
        return None
    handler.setFormatter(logging.Formatter(fmt))
    logging.basicConfig(level=settings.log_level, handlers=[handler])
    logging.captureWarnings(True)  # Python's warnings (a library's deprecations) go there too
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Telegram bot about regions' cooperation agreements")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--webhook", action="store_true", help="serve a webhook instead of long polling")
    mode.add_argument("--console", action="store_true", help="chat in the terminal: no token, no network")
    args = parser.parse_args(argv)
    # No cyclic GC until the bot answers (app_context freezes what was loaded, then turns it back
    # on): importing aiogram alone runs full collections over its ever-growing pydantic schemas, a
    # fifth of its import time, and a collection right after it costs most of a second. A start
    # leaves a few thousand objects of garbage, frozen with the rest.
    gc.disable()
    settings = Settings.from_env()
    console = args.console or settings.bot_token is None
    if args.webhook and not console and not settings.webhook_secret:
        print(
            "WEBHOOK_SECRET не задан: без секрета webhook принимал бы обновления от кого угодно.",
            file=sys.stderr,
        )
        return 2
    log_file = setup_logging(settings, console)
    # The workers load natasha while this process imports aiogram and opens the base.
    pool = start_pool(settings, log_file)
    if console:
        if not args.console:
            print(
                "BOT_TOKEN не задан (.env) — запускаю консольный режим: тот же бот прямо в терминале.",
                file=sys.stderr,
            )
        runner = run_console(settings, pool, log_file)
    elif args.webhook:
        runner = run_webhook(settings, pool)
    else:
        runner = run_polling(settings, pool)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(runner)
    finally:
        pool.close()  # app_context closes it; this covers a failure before it took the pool over
    return 0


if __name__ == "__main__":
    sys.exit(main())
