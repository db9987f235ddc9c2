"""The shared send limiter on the real Redis (127.0.0.1:6379, database 12, flushed): two limiters,
as two bot instances would hold, keep one pace together. Skips when Redis is unreachable, fails in CI."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator

import pytest

from alerts.limiter import RedisSendLimiter
from tests.ci import skip_or_fail

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        await client.aclose()
        message = f"Redis at {REDIS_URL} is unreachable ({type(exc).__name__}: {exc})"
        skip_or_fail(message)
    await client.flushdb()
    try:
        yield REDIS_URL
    finally:
        await client.flushdb()
        await client.aclose()


async def test_two_instances_share_one_pace(redis_url: str) -> None:
    one, two = (
        RedisSendLimiter(redis_url, rate=20, per_chat=0.3),
        RedisSendLimiter(redis_url, rate=20, per_chat=0.3),
    )
    started = time.monotonic()
    stamps: list[tuple[int, float]] = []

    async def send(limiter: RedisSendLimiter, chat: int) -> None:
        await limiter.acquire(chat)
        stamps.append((chat, time.monotonic() - started))

    try:
        chats = [1, 1, 2, 3, 4, 5, 1, 6, 7, 8, 9, 10]
        await asyncio.gather(*(send(one if i % 2 else two, chat) for i, chat in enumerate(chats)))
        # measured on waking, so a late wake-up can squeeze one gap: the spans tell the pace
        every = sorted(t for _, t in stamps)
        assert every[-1] - every[0] >= (len(every) - 1) * 0.05 - 0.02  # 20 a second between both
        chat_one = sorted(t for c, t in stamps if c == 1)
        assert chat_one[-1] - chat_one[0] >= 2 * 0.3 - 0.02  # 0.3 s apart to one chat, across both
        await one.pause(0.5)  # a 429 seen by one instance holds the other too
        paused = time.monotonic()
        await two.acquire(99)
        assert time.monotonic() - paused >= 0.45
    finally:
        await one.close()
        await two.close()
