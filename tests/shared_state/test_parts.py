"""shared_state's parts, in-process and on the real Redis: what one instance writes another reads,
buckets and locks hold across instances, and an outage is survived (unreachable Redis)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from shared_state import (
    LocalKeyValue,
    LocalLock,
    LocalTokenBuckets,
    RedisLock,
    SharedState,
    open_shared_state,
)
from shared_state.last_results import LastResult, LastResults
from views.keyboards import PageCB, QueryStore, decode_query, encode_query

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every call fails at once


@pytest.fixture
async def two(redis_url: str) -> AsyncIterator[tuple[SharedState, SharedState]]:
    """Two instances' shared state: two clients of one Redis database."""
    a, b = open_shared_state(redis_url, "t:"), open_shared_state(redis_url, "t:")
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()


async def test_local_key_value_is_a_bounded_lru_with_expiry() -> None:
    kv = LocalKeyValue(capacity=2)
    await kv.set("a", "1")
    await kv.set("b", "2")
    assert await kv.get("a") == "1"  # "a" is now the most recent
    await kv.set("c", "3")
    assert await kv.get("b") is None and await kv.get("a") == "1" and len(kv) == 2
    await kv.set("d", "4", ttl=0.05)
    await asyncio.sleep(0.08)
    assert await kv.get("d") is None


async def test_add_sets_a_key_once_across_instances(two: tuple[SharedState, SharedState]) -> None:
    a, b = two
    local = LocalKeyValue()
    assert await local.add("u:1", "1", ttl=60) is True and await local.add("u:1", "1", ttl=60) is False
    first, second = a.kv("update"), b.kv("update")
    results = await asyncio.gather(*(kv.add("u:1", "1", ttl=60) for kv in (first, second) * 5))
    assert results.count(True) == 1  # one instance of the ten attempts gets it
    assert await second.add("u:2", "1", ttl=0.05) is True
    await asyncio.sleep(0.08)
    assert await first.add("u:2", "1", ttl=60) is True  # forgotten after its TTL


async def test_a_query_stored_on_one_instance_is_read_on_the_other(two: tuple[SharedState, SharedState]) -> None:
    a, b = two
    store_a, store_b = QueryStore(a.kv("q", ttl=60)), QueryStore(b.kv("q", ttl=60))
    long_query = "Ханты-Мансийский автономный округ — Югра, очень длинный запрос: с двоеточием"
    q = await encode_query(store_a, long_query, PageCB(k="r", o=10))
    assert q.startswith("#")
    assert await decode_query(store_b, q) == long_query
    assert await decode_query(QueryStore(), q) is None  # a process of its own does not know it
    ttl = await b.redis.pttl(f"t:q:{q[1:]}")  # type: ignore[union-attr]
    assert 0 < ttl <= QueryStore.TTL * 1000  # Redis forgets it in time


async def test_last_results_are_shared_and_a_failing_store_costs_no_answer(
    two: tuple[SharedState, SharedState],
) -> None:
    a, b = two
    await LastResults(a.kv("last")).set(42, LastResult(kind="ids", ids=(3, 1, 2), title="сводка"))
    assert await LastResults(b.kv("last")).get(42) == LastResult(kind="ids", ids=(3, 1, 2), title="сводка")
    assert await LastResults(b.kv("last")).get(43) is None

    dead = open_shared_state(DEAD_REDIS, "t:")
    try:
        await LastResults(dead.kv("last")).set(42, LastResult(kind="r", query="Калужская"))  # no raise
        with pytest.raises(Exception):  # noqa: B017 - any redis error; the errors handler answers it
            await LastResults(dead.kv("last")).get(42)
    finally:
        await dead.close()


async def test_flood_control_is_one_bucket_across_instances(two: tuple[SharedState, SharedState]) -> None:
    a, b = two
    shared = [a.buckets(3, 0.01), b.buckets(3, 0.01)]
    results = [await shared[i % 2].take(7) for i in range(6)]  # updates alternate between instances
    assert results == [(True, False)] * 3 + [(False, True), (False, False), (False, False)]
    assert await shared[1].take(8) == (True, False)  # another user is unaffected
    local = LocalTokenBuckets(3, 0.01)
    assert [await local.take(7) for _ in range(6)] == results  # the same rule as in one process

    fast = [a.buckets(1, 20.0), b.buckets(1, 20.0)]
    assert await fast[0].take(9) == (True, False)
    assert (await fast[1].take(9))[0] is False
    await asyncio.sleep(0.12)  # refilled at 20 a second
    assert (await fast[1].take(9))[0] is True


@pytest.mark.parametrize("kind", ["local", "redis"])
async def test_the_lock_is_held_by_one_and_passes_on_when_released_or_expired(
    kind: str, redis_url: str
) -> None:
    clients: list[Redis] = []

    def lock(ttl: float) -> LocalLock | RedisLock:
        if kind == "local":
            return LocalLock("t:feeds", ttl)
        client = Redis.from_url(redis_url)
        clients.append(client)
        return RedisLock(client, "t:feeds", ttl)

    try:
        first, second = lock(5.0), lock(5.0)
        assert await first.acquire() is True
        assert await second.acquire() is False
        assert await first.acquire() is True  # the holder taking it again keeps it
        assert await first.refresh() is True and await second.refresh() is False
        await second.release()  # not the holder's: nothing happens
        assert await second.acquire() is False
        await first.release()
        assert await second.acquire() is True
        await second.release()

        short, other = lock(0.2), lock(0.2)
        assert await short.acquire() is True
        await asyncio.sleep(0.3)  # the holder died: the TTL frees the lock
        assert await other.acquire() is True
        assert await short.refresh() is False  # and the old holder knows it lost it
        await other.release()
    finally:
        for client in clients:
            await client.aclose()


async def test_a_lock_on_an_unreachable_redis_is_not_held() -> None:
    client = Redis.from_url(DEAD_REDIS, socket_connect_timeout=1)
    try:
        lock = RedisLock(client, "t:feeds", 5.0)
        assert await lock.acquire() is False
        assert await lock.refresh() is False
        await lock.release()  # no raise
    finally:
        await client.aclose()


async def test_fsm_storage_is_shared(two: tuple[SharedState, SharedState]) -> None:
    from aiogram.fsm.storage.base import StorageKey
    from aiogram.fsm.storage.memory import MemoryStorage

    a, b = two
    key = StorageKey(bot_id=1, chat_id=5, user_id=5)
    await a.fsm_storage().set_state(key, "Report:reason")
    await a.fsm_storage().set_data(key, {"agreement": 12})
    assert await b.fsm_storage().get_state(key) == "Report:reason"
    assert await b.fsm_storage().get_data(key) == {"agreement": 12}
    assert isinstance(SharedState().fsm_storage(), MemoryStorage)

    dead = open_shared_state(DEAD_REDIS, "t:")
    try:  # aiogram reads the state of every update: an outage reads as "no state", writes fail
        assert await dead.fsm_storage().get_state(key) is None
        assert await dead.fsm_storage().get_data(key) == {}
        with pytest.raises(Exception):  # noqa: B017
            await dead.fsm_storage().set_state(key, "Report:reason")
    finally:
        await dead.close()
    await a.fsm_storage().close()  # the dispatcher closes its storage on shutdown: the client stays open
    assert await a.fsm_storage().get_state(key) == "Report:reason"


async def test_ping_fails_on_an_unreachable_redis() -> None:
    await SharedState().ping()  # nothing to ask in one process
    dead = open_shared_state(DEAD_REDIS)
    try:
        with pytest.raises(Exception):  # noqa: B017
            await dead.ping(timeout=1.0)
    finally:
        await dead.close()
