"""Bot throughput: /region queries from many users through the fake Bot API server.

Drives N `/region <name>` queries from U users (each user waits for the reply before the next
query: U concurrent conversations) over real HTTP through `tests.fake_telegram.FakeTelegram`
against the real bot (`bot.app_context`, SQLite in a temp dir, seeds loaded) and, the same way
in the same process, against a bare aiogram echo bot (run before and after the bot; the mean is
the baseline). Prints replies per second and p50/p99 latency (update queued -> first reply's
sendMessage recorded) of both and their ratio, and the process's CPU time per reply (the bot, the
fake server and the simulated users share one process and event loop; on a shared machine the CPU
ratio is steadier than the wall-clock one). The last line is one JSON object of the figures.

    .venv/bin/python bench/bot.py [--queries 2000] [--users 50]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import logging
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, F, Router, html
from aiogram.client.default import DefaultBotProperties
from aiogram.types import Message

ROOT = Path(__file__).resolve().parent.parent
# `python bench/bot.py` puts bench/ first on sys.path, where `bot` would be this very file.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

USER_BASE = 500_000
FALLBACK_NAMES = ("Калужская", "Оренбуржье", "Татарстан", "Сахалин", "Подмосковье", "Кубань", "Югра")
# Names that match nothing: the bot answers with suggestions, which is work too.
MISSES = ("Калужскя", "Оренбургскя", "Атлантида", "Нижегородскя обл.", "Сахалинн")


@dataclass
class RunResult:
    """Figures of one run."""

    replies: int
    seconds: float
    latencies_ms: list[float]
    messages: int
    errors: int
    throttled: int
    with_buttons: int
    cpu_seconds: float = 0.0  # this process's CPU time (all threads) during the run

    @property
    def per_second(self) -> float:
        return self.replies / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_reply(self) -> float:
        return 1000 * self.cpu_seconds / self.replies if self.replies else float("nan")

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def region_queries(count: int, seed: int = 7) -> list[str]:
    """`count` varied /region queries: names, short forms, capitals, inflections, typos."""
    try:
        from extraction.finders.gazetteer import REGIONS

        names = [n for r in REGIONS for n in (r.name, *r.aliases[:2], r.capital) if n]
    except ImportError:
        names = list(FALLBACK_NAMES)
    pool = names + list(MISSES)
    rng = random.Random(seed)
    return [f"/region {rng.choice(pool)}" for _ in range(count)]


def echo_dispatcher() -> Dispatcher:
    """The baseline: a bare aiogram bot echoing every text back, HTML-escaped."""
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(html.quote(message.text or ""))

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def drive(
    fake: Any, queries: list[str], users: int, think: float = 0.0, timeout: float = 60.0
) -> RunResult:
    """Run `users` conversations over `queries`; each waits for its reply before asking again,
    and at least `think` seconds between two queries."""
    latencies: list[float] = []
    replies: list[Any] = []
    per_user = [queries[i::users] for i in range(users)]
    throttled_text = _throttled_text()

    async def conversation(user_id: int, texts: list[str]) -> None:
        last = -think
        for text in texts:
            await asyncio.sleep(max(0.0, last + think - time.monotonic()))
            start = len(fake.calls)
            queued = last = time.monotonic()
            await fake.send_command(user_id, text)
            [reply] = await fake.wait_for(
                user_id, "sendMessage", timeout=timeout, ok=None, predicate=lambda c, i=start: c.index >= i
            )
            latencies.append((reply.at - queued) * 1000)
            replies.append(reply)

    for i in range(users):
        fake.user(USER_BASE + i, first_name=f"Читатель {i}")
    calls_before = len(fake.calls)
    started, cpu_started = time.monotonic(), time.process_time()
    await asyncio.gather(*(conversation(USER_BASE + i, texts) for i, texts in enumerate(per_user)))
    seconds, cpu_seconds = time.monotonic() - started, time.process_time() - cpu_started
    sent = [c for c in fake.calls[calls_before:] if c.method == "sendMessage"]
    return RunResult(
        replies=len(latencies),
        seconds=seconds,
        latencies_ms=latencies,
        messages=len(sent),
        errors=sum(not c.ok for c in fake.calls[calls_before:]),
        throttled=sum(c.params.get("text") == throttled_text for c in sent),
        with_buttons=sum(bool(r.buttons) for r in replies),
        cpu_seconds=cpu_seconds,
    )


def _throttled_text() -> str | None:
    with contextlib.suppress(ImportError, AttributeError):
        return importlib.import_module("app.middlewares").THROTTLED_TEXT
    return None


async def measure(
    make: Callable[[Any], contextlib.AbstractAsyncContextManager[tuple[Bot, Dispatcher]]],
    queries: list[str],
    users: int,
    warmup: int,
    think: float = 0.0,
) -> RunResult:
    """Start a fake server and the bot made by `make`, warm up, then drive the queries."""
    from tests.fake_telegram import FakeTelegram, run_polling

    async with FakeTelegram() as fake, make(fake) as (bot, dp), run_polling(dp, bot, polling_timeout=10):
        if warmup:
            await drive(fake, queries[:warmup], min(users, warmup), think)
        return await drive(fake, queries, users, think)


@contextlib.asynccontextmanager
async def echo_app(fake: Any) -> AsyncIterator[tuple[Bot, Dispatcher]]:
    yield fake.make_bot(default=DefaultBotProperties(parse_mode="HTML")), echo_dispatcher()


def bot_app_factory(workdir: Path, throttle: tuple[int, float] | None) -> Callable[[Any], Any]:
    """The real bot on a fresh SQLite file, talking to the fake server."""
    bot_module = importlib.import_module("bot")

    def make(fake: Any) -> contextlib.AbstractAsyncContextManager[tuple[Bot, Dispatcher]]:
        settings = bot_module.Settings(
            bot_token=fake.token,
            bot_api_url=fake.base_url,
            database_url=f"sqlite+aiosqlite:///{workdir / 'bench.db'}",
        )
        if throttle is not None:
            settings.throttle_burst, settings.throttle_rate = throttle
        return bot_module.app_context(settings, wait_for_seeds=True)

    return make


def _echo_figures(figures: dict[str, Any], runs: list[RunResult]) -> float:
    """Put the echo baseline (mean of its runs) into `figures`; return its replies per second."""
    rate = sum(r.per_second for r in runs) / len(runs)
    figures.update(
        echo_replies_per_s=round(rate, 1),
        echo_p50_ms=round(sum(r.percentile(50) for r in runs) / len(runs), 2),
        echo_p99_ms=round(sum(r.percentile(99) for r in runs) / len(runs), 2),
        echo_runs_replies_per_s=[round(r.per_second, 1) for r in runs],
        echo_cpu_ms_per_reply=round(sum(r.cpu_ms_per_reply for r in runs) / len(runs), 3),
    )
    return rate


def report(name: str, result: RunResult) -> None:
    print(
        f"{name:>5}: {result.replies} replies in {result.seconds:.2f} s = {result.per_second:.1f} replies/s; "
        f"latency p50 {result.percentile(50):.1f} ms, p99 {result.percentile(99):.1f} ms; "
        f"{result.messages} sendMessage ({result.with_buttons} replies with buttons), "
        f"{result.errors} API errors, {result.throttled} throttle notices; "
        f"CPU {result.cpu_ms_per_reply:.2f} ms per reply (whole process: bot, fake server and clients)"
    )


def throttle_plan(
    args: argparse.Namespace,
) -> tuple[int | None, float | None, tuple[int, float] | None, float]:
    """(default burst, default rate, throttle the bench sets or None to keep it, think seconds)."""
    try:
        default = importlib.import_module("bot").Settings()
    except ImportError:
        return None, None, None, 0.0
    burst, rate = getattr(default, "throttle_burst", None), getattr(default, "throttle_rate", None)
    if rate is None:
        return burst, rate, None, 0.0
    if args.keep_throttle:
        # Every simulated user asks at most at the bot's rate, as a patient person would.
        return burst, rate, None, 1.05 / rate
    # Each simulated user asks its questions back to back, far faster than a person does; at
    # the default rate the bench would measure the limiter, not the bot. The middleware still
    # runs on every update, only with room for the whole conversation.
    return burst, rate, (max(burst or 1, args.queries // args.users + args.warmup), 1000.0), 0.0


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    queries = region_queries(args.queries)
    figures: dict[str, Any] = {"queries": args.queries, "users": args.users}
    burst, rate, throttle, think = throttle_plan(args)
    if rate is not None:
        plan = f"bench runs it at burst={throttle[0]}, rate={throttle[1]:.0f}/s" if throttle else "kept"
        print(
            f"throttle: bot default burst={burst}, rate={rate}/s per user; {plan}; think time {think:.2f} s"
        )
        figures.update(
            bot_default_throttle_burst=burst,
            bot_default_throttle_rate=rate,
            bench_throttle_burst=throttle[0] if throttle else burst,
            bench_throttle_rate=throttle[1] if throttle else rate,
            think_s=round(think, 3),
        )

    echo = await measure(echo_app, queries, args.users, args.warmup, think)
    report("echo", echo)
    _echo_figures(figures, [echo])
    try:
        importlib.import_module("bot")
    except ImportError as e:
        print(f"  bot: not measured, bot.py cannot be imported yet ({e})")
        return figures

    with tempfile.TemporaryDirectory(prefix="bench-bot-") as tmp:
        started = time.monotonic()
        bot_result = await measure(
            bot_app_factory(Path(tmp), throttle), queries, args.users, args.warmup, think
        )
        figures["bot_total_s_incl_setup"] = round(time.monotonic() - started, 1)
    report("bot", bot_result)
    # The echo baseline again after the bot, so a change of machine load in between shows.
    echo_after = await measure(echo_app, queries, args.users, args.warmup, think)
    report("echo", echo_after)
    echo_rate = _echo_figures(figures, [echo, echo_after])
    ratio = bot_result.per_second / echo_rate if echo_rate else 0.0
    print(f"ratio bot/echo replies per second: {ratio:.2f} (echo = mean of its two runs; target >= 0.5)")
    # Wall-clock rates swing with other load on a shared machine; CPU time per reply much less so.
    cpu_ratio = figures["echo_cpu_ms_per_reply"] / bot_result.cpu_ms_per_reply if bot_result.replies else 0.0
    print(f"ratio by CPU time per reply (echo/bot, steadier under outside load): {cpu_ratio:.2f}")
    print("bot: no reply or result cache; every query runs the lookup against the base")
    figures.update(
        bot_replies_per_s=round(bot_result.per_second, 1),
        bot_p50_ms=round(bot_result.percentile(50), 2),
        bot_p99_ms=round(bot_result.percentile(99), 2),
        bot_messages=bot_result.messages,
        bot_replies_with_buttons=bot_result.with_buttons,
        bot_api_errors=bot_result.errors,
        bot_throttle_notices=bot_result.throttled,
        bot_cpu_ms_per_reply=round(bot_result.cpu_ms_per_reply, 3),
        bot_result_cache=False,
        ratio=round(ratio, 3),
        cpu_ratio=round(cpu_ratio, 3),
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=50, help="queries before measuring (not counted)")
    parser.add_argument(
        "--keep-throttle",
        action="store_true",
        help="keep the bot's default throttle and pace every user at its rate (caps both bots' rate)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    figures = asyncio.run(main_async(args))
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
