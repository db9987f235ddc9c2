"""The aiohttp side of the page: the page and its static files from this package, the JSON API,
security headers on every answer, and flood control of the API per Telegram user or address (the
chat's token buckets, shared through Redis when REDIS_URL is set)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from web.api import Api, client_key

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from app.settings import Settings
    from shared_state import SharedState
    from shared_state.buckets import TokenBuckets

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
TELEGRAM_JS = "https://telegram.org"
CSP = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' {TELEGRAM_JS}",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
API_BURST, API_RATE = 30, 10.0  # requests at once, per second after that


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(HEADERS)
        raise
    except Exception:  # a database outage: a short Russian answer, never a trace
        log.exception("web request %s failed", request.path)
        response = web.json_response({"error": "Временная ошибка, попробуйте ещё раз."}, status=503)
    response.headers.update(HEADERS)
    return response


def flood_control(
    buckets: TokenBuckets, bot_token: str | None
) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/api/"):
            try:
                allowed, _ = await buckets.take(client_key(request, bot_token))
            except Exception:  # protection, not a gate: an outage of Redis lets requests pass
                log.warning("web flood control unavailable", exc_info=True)
                allowed = True
            if not allowed:
                return web.json_response(
                    {"error": "Слишком много запросов, подождите несколько секунд."},
                    status=429,
                    headers={"Retry-After": "5"},
                )
        return await handler(request)

    return middleware


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


def add_web(
    app: web.Application,
    sessionmaker: async_sessionmaker[AsyncSession],
    bot_token: str | None,
    buckets: TokenBuckets,
) -> web.Application:
    """Add the page, its files and the API to `app` (the webhook's app, or one of its own)."""
    app.middlewares.append(security_headers)
    app.middlewares.append(flood_control(buckets, bot_token))
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC, show_index=False, follow_symlinks=False)
    app.add_routes(Api(sessionmaker, bot_token).routes())
    return app


def make_web_app(
    sessionmaker: async_sessionmaker[AsyncSession], bot_token: str | None, buckets: TokenBuckets
) -> web.Application:
    """An app with the page and the API only (polling and console mode, tests)."""
    return add_web(web.Application(client_max_size=64 * 1024), sessionmaker, bot_token, buckets)


async def start_web(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], buckets: TokenBuckets
) -> web.AppRunner | None:
    """Serve the page on WEB_HOST:WEB_PORT (None when WEB_PORT=0 or the port is taken: the bot runs
    on without its page); the caller cleans the runner up."""
    if not settings.web_enabled:
        return None
    runner = web.AppRunner(make_web_app(sessionmaker, settings.bot_token, buckets), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.web_host, settings.web_port).start()
    except OSError as exc:
        log.warning(
            "the web page is off: %s:%s is not available (%s)", settings.web_host, settings.web_port, exc
        )
        await runner.cleanup()
        return None
    log.info("web page on http://%s:%s/", settings.web_host, settings.web_port)
    return runner


@contextlib.asynccontextmanager
async def serving(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], shared: SharedState | None
) -> AsyncIterator[str | None]:
    """The page on its own port (polling and console mode) while the block runs; yields its local
    address, or None when it is off."""
    runner = await start_web(settings, sessionmaker, api_buckets(shared))
    try:
        yield local_address(settings) if runner is not None else None
    finally:
        if runner is not None:
            await runner.cleanup()


def local_address(settings: Settings) -> str:
    host = settings.web_host if settings.web_host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    return f"http://{host}:{settings.web_port}/"


def api_buckets(shared: SharedState | None) -> TokenBuckets:
    """The API's token buckets (API_BURST at once, API_RATE a second): in Redis when the chat's are,
    under keys of their own, so that a page's requests never use up the chat's."""
    from shared_state.buckets import LocalTokenBuckets, RedisTokenBuckets

    if shared is None or shared.redis is None:
        return LocalTokenBuckets(API_BURST, API_RATE)
    return RedisTokenBuckets(shared.redis, f"{shared.prefix}webthrottle:", API_BURST, API_RATE)
