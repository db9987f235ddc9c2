"""An alert survives a crash: `python bot.py` as a real process against the fake Bot API, killed with
SIGKILL after the agreement (and its outbox row) is stored and before the alert is sent. After a
restart the follower gets the alert, once, and /region answers with the agreement.

The kill point is made deterministic with ALERTS_HOLD=1 (a test-only setting: the first process
stores alerts but never sends them)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import select

from db.engine import make_engine, make_sessionmaker
from db.models.follows import PENDING, SENT, AlertOutbox
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
FOLLOWER, SENDER = 4242, 4343
ARTICLE = (
    "Правительство Калужской области и ООО «Тёплый дом» подписали соглашение о строительстве "
    "домостроительного комбината. Документ подписали губернатор Калужской области Владислав Шапша "
    "и генеральный директор ООО «Тёплый дом» Олег Кузнецов."
)
ALERT = "по вашей подписке"


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeTelegram, db: Path, seeds: Path, **env: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python bot.py` (long polling) until the block ends; then SIGINT, or SIGKILL if still running."""
    start = len(fake.calls)
    log = (db.parent / "bot.log").open("ab")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "bot.py",
        cwd=ROOT,
        env={
            **os.environ,
            "BOT_TOKEN": fake.token,
            "BOT_API_URL": fake.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
            "SEEDS_DIR": str(seeds),
            "EXTRACT_WORKERS": "1",
            "LOG_LEVEL": "WARNING",
            "ALERTS_POLL_INTERVAL": "0.2",
            "ALERTS_HOLD": "",
            **env,
        },
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log,  # a file: a pipe nobody reads would stall the bot once full
    )
    try:
        for _ in range(1200):  # polling has begun
            if any(c.method == "getUpdates" for c in fake.calls[start:]):
                break
            if proc.returncode is not None:
                raise AssertionError((db.parent / "bot.log").read_text(errors="replace")[-3000:])
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the bot did not start polling within 120 s")
        yield proc
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        log.close()


async def _statuses(db: Path) -> list[str]:
    engine = make_engine(f"sqlite+aiosqlite:///{db}")
    try:
        async with make_sessionmaker(engine)() as session:
            out = AlertOutbox.__table__
            return list((await session.execute(select(out.c.status).order_by(out.c.id))).scalars())
    finally:
        await engine.dispose()


def _alerts(fake: FakeTelegram) -> list[str]:
    return [c.text or "" for c in fake.calls_for(FOLLOWER, "sendMessage") if c.ok and ALERT in (c.text or "")]


async def test_alert_survives_sigkill_between_store_and_send(tmp_path: Path) -> None:
    db, seeds = tmp_path / "agreements.db", tmp_path / "seeds"
    seeds.mkdir()
    async with FakeTelegram() as fake:
        async with running_bot(fake, db, seeds, ALERTS_HOLD="1") as proc:
            await fake.send_command(FOLLOWER, "/follow Калужская")
            [reply] = await fake.wait_for(FOLLOWER, timeout=30)
            assert "Калужская область" in reply.text
            await fake.send_text(SENDER, ARTICLE)
            [stored] = await fake.wait_for(SENDER, timeout=90)
            assert "Нашёл соглашений: 1" in stored.text
            # the agreement and its alert row are in the base; the alert has not gone out
            assert await _statuses(db) == [PENDING]
            assert _alerts(fake) == []
            proc.kill()  # SIGKILL: no shutdown code runs
            await proc.wait()
            assert proc.returncode == -signal.SIGKILL

        async with running_bot(fake, db, seeds):
            [alert] = await fake.wait_for(
                FOLLOWER, timeout=60, predicate=lambda c: ALERT in (c.text or "")
            )
            assert "Тёплый дом" in alert.text and "Калужская область" in alert.text
            await asyncio.sleep(2.0)  # a duplicate would come in the sender's next rounds
            assert len(_alerts(fake)) == 1
            assert [c for c in fake.calls_for(SENDER, "sendMessage") if ALERT in (c.text or "")] == []
            await fake.send_command(FOLLOWER, "/region Калужская")
            [found] = await fake.wait_for(FOLLOWER, timeout=30)
            assert "Тёплый дом" in found.text
        assert await _statuses(db) == [SENT]
        assert not [c for c in fake.calls if c.status == 400], [c.description for c in fake.calls if c.status == 400]


async def test_a_feed_alert_survives_sigkill_between_store_and_send(tmp_path: Path) -> None:
    """The issue's whole path: an admin adds a local feed, a user follows a region, a new item about it
    appears; the bot is killed after the agreement is stored and before the alert goes out; after a
    restart the follower gets it once and /region answers with it."""
    from tests.feeds.samples import NO_AGREEMENT, Item, rss, story
    from tests.feeds.site import FeedSite

    admin = 4141
    news = story(8)  # Пензенская область
    db, seeds = tmp_path / "agreements.db", tmp_path / "seeds"
    seeds.mkdir()
    site = await FeedSite().start()
    env = {"ADMIN_IDS": str(admin), "ALLOW_PRIVATE_URLS": "1", "FEED_POLL_SECONDS": "1"}
    try:
        site.put("/rss.xml", rss([Item("old", site.url("/n/old"), "Урожай", full_text=NO_AGREEMENT)]))
        async with FakeTelegram() as fake:
            async with running_bot(fake, db, seeds, ALERTS_HOLD="1", **env) as proc:
                await fake.send_command(admin, f"/feed_add {site.url('/rss.xml')}")
                [added] = await fake.wait_for(admin, timeout=30)
                assert "добавлена" in (added.text or ""), added.text
                await fake.send_command(FOLLOWER, f"/follow {news.region}")
                [reply] = await fake.wait_for(FOLLOWER, timeout=30)
                assert "Пензенская область" in (reply.text or "")
                site.put("/rss.xml", rss([
                    Item("new", site.url("/n/new"), news.title, full_text=news.text),
                    Item("old", site.url("/n/old"), "Урожай", full_text=NO_AGREEMENT),
                ]))  # fmt: skip
                for _ in range(900):  # polled, extracted and stored with its alert row
                    if await _statuses(db) == [PENDING]:
                        break
                    await asyncio.sleep(0.1)
                assert await _statuses(db) == [PENDING]
                assert _alerts(fake) == []
                proc.kill()
                await proc.wait()

            async with running_bot(fake, db, seeds, **env):
                [alert] = await fake.wait_for(
                    FOLLOWER, timeout=60, predicate=lambda c: ALERT in (c.text or "")
                )
                assert news.company in (alert.text or "")
                await asyncio.sleep(3.0)  # another poll and the sender's next rounds: no second alert
                assert len(_alerts(fake)) == 1
                await fake.send_command(FOLLOWER, f"/region {news.region}")
                [found] = await fake.wait_for(FOLLOWER, timeout=30)
                assert news.company in (found.text or "")
            assert await _statuses(db) == [SENT]
    finally:
        await site.stop()
