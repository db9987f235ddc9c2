"""The Redis client of shared_state against the fault proxy and the real Redis: each call ends within
its timeout, the breaker makes the calls after a failure fail at once, a pool far smaller than the
callers makes them wait rather than fail, and the client recovers by itself."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from shared_state.client import RedisLimits, open_redis
from tests.conftest import REDIS_HOST, REDIS_PORT, redis_db_url
from tests.faults.proxy import CUT, HANG, PASS, REFUSE, FaultProxy

REDIS_DB = 10
LIMITS = RedisLimits(timeout=0.5, connect_timeout=0.5, max_connections=5, pool_timeout=2.0, pause=1.0)


@pytest.fixture
async def proxy() -> AsyncIterator[FaultProxy]:
    async with redis_db_url(REDIS_DB), FaultProxy(REDIS_HOST, REDIS_PORT) as running:
        yield running


async def _timed(coro: object) -> tuple[object, float]:
    started = time.monotonic()
    try:
        result: object = await coro  # type: ignore[misc]
    except RedisError as exc:
        result = exc
    return result, time.monotonic() - started


@pytest.mark.parametrize("mode", [HANG, REFUSE, CUT])
async def test_a_failing_redis_costs_one_timeout_then_fails_fast_then_recovers(
    proxy: FaultProxy, mode: str
) -> None:
    client = open_redis(f"redis://127.0.0.1:{proxy.port}/{REDIS_DB}", LIMITS)
    try:
        assert await client.set("k", "v") is True
        proxy.mode = mode
        first, took = await _timed(client.get("k"))
        assert isinstance(first, RedisError) and took < 1.5, (first, took)
        second, took = await _timed(client.get("k"))
        assert isinstance(second, RedisConnectionError) and took < 0.1, (second, took)
        proxy.mode = PASS
        await asyncio.sleep(LIMITS.pause + 0.1)
        assert await client.get("k") == b"v"
    finally:
        proxy.mode = PASS
        await client.aclose()


async def test_a_small_pool_makes_many_callers_wait_not_fail() -> None:
    async with redis_db_url(REDIS_DB) as url:
        client = open_redis(url, LIMITS)
        try:
            results = await asyncio.gather(
                *(client.blpop([f"none-{n}"], timeout=0.05) for n in range(60)), return_exceptions=True
            )
            assert results == [None] * 60  # 60 callers, 5 connections, each held 50 ms: all served
        finally:
            await client.aclose()
