"""The bot as a real process against the fake Bot API: killed (SIGKILL) in the middle of a burst of
articles it leaves a consistent base and no extraction worker behind; stopped (SIGTERM) it finishes
and answers the article in flight first. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import make_engine
from tests.db.test_check import run_check
from tests.fake_telegram import FakeTelegram
from tests.procs import alive, extraction_workers

ROOT = Path(__file__).resolve().parents[2]
PARTNERS = [
    "Северный ветер", "Южный берег", "Восточный луч", "Западный мост", "Горная тропа", "Лесной край",
    "Речной порт", "Полярная звезда", "Степной простор", "Морской бриз", "Зелёная долина", "Синяя птица",
]
REGIONS = ["Томской", "Курской", "Калужской", "Тульской", "Рязанской", "Орловской"]


def article(i: int) -> str:
    region, partner = REGIONS[i % len(REGIONS)], PARTNERS[i % len(PARTNERS)]
    return (
        f"Правительство {region} области и ООО «{partner}» заключили соглашение о строительстве завода "
        f"номер {i}. Соглашение подписали губернатор {region} области Иван Петров и генеральный директор "
        f"компании Пётр Сидоров."
    )


async def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)


class BotProcess:
    def __init__(self, proc: asyncio.subprocess.Process, fake: FakeTelegram, log: Path) -> None:
        self.proc, self.fake, self.log = proc, fake, log

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    async def ready(self, workers: int) -> list[int]:
        """Wait until it polls for updates and its extraction workers run; return their pids."""
        await until(lambda: any(c.method == "getUpdates" for c in self.fake.calls), 120, "polling")
        found: list[int] = []

        def enough() -> bool:
            found[:] = [p for p in extraction_workers(self.pid) if "spawn_main" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")]
            return len(found) >= workers

        await until(enough, 60, f"{workers} extraction workers")
        return list(found)


@pytest.fixture
async def start_bot(db_url: str, tmp_path: Path) -> AsyncIterator[Callable[..., object]]:
    """Starts `python bot.py` (long polling) on `db_url` against a fake Bot API; kills what is left."""
    seeds = tmp_path / "no-seeds"
    seeds.mkdir()
    started: list[asyncio.subprocess.Process] = []
    async with FakeTelegram() as fake:

        async def start(workers: int = 2, **env: str) -> BotProcess:
            log = tmp_path / f"bot{len(started)}.log"
            environment = {
                **os.environ,
                "BOT_TOKEN": fake.token,
                "BOT_API_URL": fake.base_url,
                "DATABASE_URL": db_url,
                "SEEDS_DIR": str(seeds),
                "EXTRACT_WORKERS": str(workers),
                "LOG_LEVEL": "INFO",
                "BURST_WINDOW": "0.1",
                "PYTHONPATH": str(ROOT),
                **env,
            }
            with log.open("wb") as out:
                proc = await asyncio.create_subprocess_exec(
                    sys.executable, str(ROOT / "bot.py"), cwd=tmp_path, env=environment, stdout=out, stderr=out
                )
            started.append(proc)
            return BotProcess(proc, fake, log)

        try:
            yield start
        finally:
            for proc in started:
                if proc.returncode is None:
                    for child in extraction_workers(proc.pid):
                        os.kill(child, signal.SIGKILL)
                    proc.kill()
                    await proc.wait()


async def _stored_articles(db_url: str) -> list[str]:
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(text("SELECT text FROM article WHERE source = 'user'"))).scalars())
    finally:
        await engine.dispose()


async def test_sigkill_mid_burst_leaves_a_consistent_base_and_no_workers(
    start_bot: Callable[..., object], db_url: str
) -> None:
    bot: BotProcess = await start_bot(workers=2)  # type: ignore[misc]
    workers = await bot.ready(2)
    users = list(range(50_000, 50_012))
    for i, uid in enumerate(users):
        await bot.fake.send_text(uid, article(i))

    def answered() -> list[int]:
        return [u for u in users if any(c.method == "sendMessage" and c.ok for c in bot.fake.calls_for(u))]

    await until(lambda: len(answered()) >= 2, 120, "the first answers")
    os.kill(bot.pid, signal.SIGKILL)
    await bot.proc.wait()
    done = answered()
    assert len(done) < len(users), "the burst was over before the kill: nothing was in flight"
    # the workers notice their parent is gone and end
    await until(lambda: not any(alive(p) for p in workers), 5, f"workers {workers} to end")
    res = run_check(db_url)
    assert res.returncode == 0, res.stdout + res.stderr
    stored = await _stored_articles(db_url)
    for uid in done:  # what was answered was stored
        assert article(users.index(uid)) in stored
    # restarted, the bot reads on; the base stays consistent
    again: BotProcess = await start_bot(workers=1)  # type: ignore[misc]
    await again.ready(1)
    await again.fake.send_text(60_000, article(3))
    await until(lambda: any(c.method == "sendMessage" for c in again.fake.calls_for(60_000)), 60, "an answer")
    again.proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(again.proc.wait(), 60) == 0, again.output()
    assert run_check(db_url).returncode == 0


async def test_sigterm_finishes_the_article_in_flight(start_bot: Callable[..., object], db_url: str) -> None:
    bot: BotProcess = await start_bot(workers=1)  # type: ignore[misc]
    workers = await bot.ready(1)
    uid = 51_000
    await bot.fake.send_text(uid, article(5))
    # the bot has taken the article and started reading it
    await until(lambda: any(c.method == "sendChatAction" for c in bot.fake.calls_for(uid)), 60, "typing")
    bot.proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(bot.proc.wait(), 90) == 0, bot.output()
    replies = [c.text or "" for c in bot.fake.calls_for(uid, "sendMessage") if c.ok]
    if not any("Лесной край" in r for r in replies):
        pytest.fail(f"no answer after SIGTERM: {replies}\n{bot.output()}")
    assert article(5) in await _stored_articles(db_url)
    assert not any(alive(p) for p in workers)
    assert run_check(db_url).returncode == 0
