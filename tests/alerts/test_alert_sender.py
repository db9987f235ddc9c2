"""The alert sender on both backends, against the fake Bot API: every follower gets one message, two
senders on one base (two bot instances) never send one twice, a stop hands unsent rows back, and the
limiter keeps its pace."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from alerts.limiter import LocalSendLimiter
from alerts.sender import AlertSender, backoff
from db import outbox
from db.models.follows import FOLLOW_REGION, PENDING, SENT, Follow
from db.write.ingest import ArticleIn, ingest
from tests.db.helpers import make_agreement
from tests.fake_telegram import FakeTelegram

Maker = async_sessionmaker[AsyncSession]
REGION = "Калужская область"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def _followers(sessionmaker: Maker, fake: FakeTelegram, users: list[int]) -> None:
    now = datetime.now(UTC)
    async with sessionmaker() as session:
        await session.execute(
            Follow.__table__.insert(),
            [{"user_id": u, "kind": FOLLOW_REGION, "key": REGION, "name": REGION, "paused": False, "created_at": now}
             for u in users],
        )  # fmt: skip
        await session.commit()
    for user in users:
        fake.user(user)


async def _news(sessionmaker: Maker, n: int) -> int:
    async with sessionmaker() as session:
        result = await ingest(
            session, ArticleIn(f"Новость {n}.", sent_by=1), [make_agreement([REGION], [f"ООО «Партнёр {n}»"])]
        )
    return result.alerts


async def _settled(sessionmaker: Maker, sent: int, timeout: float = 20.0) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        async with sessionmaker() as session:
            counts = await outbox.counts(session)
        if counts.get(SENT, 0) >= sent or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.05)


def _sent_to(fake: FakeTelegram) -> list[int]:
    return sorted(c.chat_id for c in fake.calls if c.method == "sendMessage" and c.ok)


async def test_two_senders_on_one_base_send_each_alert_once(sessionmaker: Maker, fake: FakeTelegram) -> None:
    users = list(range(9000, 9060))
    await _followers(sessionmaker, fake, users)
    bots = [fake.make_bot(), fake.make_bot()]
    senders = [
        AlertSender(bot, sessionmaker, LocalSendLimiter(0, 0), batch=7, poll_interval=0.05) for bot in bots
    ]
    for sender in senders:
        sender.start()
    try:
        assert await _news(sessionmaker, 1) == 60
        assert await _news(sessionmaker, 2) == 60
        counts = await _settled(sessionmaker, 120)
    finally:
        for sender in senders:
            await sender.stop()
    assert counts == {SENT: 120}
    assert _sent_to(fake) == sorted(users * 2)  # one message per follower per article
    # each alert went out through exactly one of them (how they shared the work depends on the machine's load)
    assert sum(s.sent for s in senders) == 120


async def test_stop_hands_unsent_rows_back_and_the_next_sender_sends_them(
    sessionmaker: Maker, fake: FakeTelegram
) -> None:
    users = [9101, 9102, 9103]
    await _followers(sessionmaker, fake, users)
    slow = AlertSender(
        fake.make_bot(), sessionmaker, LocalSendLimiter(rate=0.5, per_chat=0), poll_interval=0.05
    )
    slow.start()
    await _news(sessionmaker, 3)
    await _settled(sessionmaker, 1)
    await slow.stop()  # one went out; two wait for their turn in the limiter
    async with sessionmaker() as session:
        assert await outbox.counts(session) == {SENT: 1, PENDING: 2}
        # handed back, not left leased: the next sender takes them at once, not after the lease
        locks = await session.execute(select(outbox.OUT.c.locked_until).where(outbox.OUT.c.status == PENDING))
        assert list(locks.scalars()) == [None, None]
    sender = AlertSender(fake.make_bot(), sessionmaker, LocalSendLimiter(0, 0), poll_interval=0.05)
    sender.start()
    try:
        counts = await _settled(sessionmaker, 3)
    finally:
        await sender.stop()
    assert counts == {SENT: 3}
    assert _sent_to(fake) == users


async def test_limiter_keeps_the_pace() -> None:
    limiter = LocalSendLimiter(rate=20, per_chat=0.3)
    started = time.monotonic()
    stamps: dict[int, list[float]] = {}

    async def one(chat: int) -> None:
        await limiter.acquire(chat)
        stamps.setdefault(chat, []).append(time.monotonic() - started)

    await asyncio.gather(*(one(chat) for chat in [1, 1, 1, 2, 3, 4, 5, 6, 7, 8]))
    # measured on waking, so a late wake-up can squeeze one gap: the spans tell the pace
    every = sorted(t for ts in stamps.values() for t in ts)
    assert every[-1] - every[0] >= 9 * 0.05 - 0.02  # 20 a second in all
    assert stamps[1][-1] - stamps[1][0] >= 2 * 0.3 - 0.02  # 0.3 s apart to one chat
    await limiter.pause(0.4)
    paused = time.monotonic()
    await limiter.acquire(9)
    assert time.monotonic() - paused >= 0.39  # a 429 holds everyone


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n) for n in range(3)] == [2.0, 4.0, 8.0]
    assert backoff(50) == 600.0
