"""State that several bot instances share: in this process by default, in Redis with REDIS_URL.

`open_shared_state(redis_url, prefix)` is the one place that chooses. What it gives:
- `kv(namespace, capacity, ttl)`: small key-value stores (stored queries behind buttons, /export's
  last results);
- `buckets(burst, rate)`: flood control's token buckets;
- `lock(name, ttl)`: a non-blocking lock with a TTL ("only one instance polls the feeds");
- `fetches`: the fetch cache and in-flight de-duplication of links across instances (None: local);
- `fsm_storage()`: aiogram's FSM storage (MemoryStorage or RedisStorage);
- `sync_names(engine)`: other instances' new regions and partners reach this one's name indexes;
- `ping()`: the health check; `close()`: the client's end.
This package knows nothing of Telegram handlers or SQL beyond db.cache.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from shared_state.buckets import LocalTokenBuckets, RedisTokenBuckets, TokenBuckets
from shared_state.kv import KeyValue, LocalKeyValue, RedisKeyValue
from shared_state.lock import LocalLock, Lock, RedisLock

if TYPE_CHECKING:
    from aiogram.fsm.storage.base import BaseStorage
    from redis.asyncio import Redis

    from fetching.fetcher import SharedFetches
    from shared_state.client import RedisLimits
    from shared_state.names import NameIndexSync

__all__ = [
    "KeyValue",
    "LocalKeyValue",
    "LocalLock",
    "LocalTokenBuckets",
    "Lock",
    "RedisKeyValue",
    "RedisLock",
    "RedisTokenBuckets",
    "SharedState",
    "TokenBuckets",
    "is_outage",
    "open_shared_state",
]

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "agreements:"


class SharedState:
    """Factories for the shared parts; `redis` is None in the single-process default."""

    def __init__(self, redis: Redis | None = None, prefix: str = DEFAULT_PREFIX) -> None:
        self.redis = redis
        self.prefix = prefix
        self._syncs: list[NameIndexSync] = []

    @property
    def shared(self) -> bool:
        return self.redis is not None

    def kv(self, namespace: str, capacity: int = 50_000, ttl: float | None = None) -> KeyValue:
        """A key-value store of its own: a bounded LRU here, or keys `<prefix><namespace>:` in Redis
        (kept `ttl` seconds, so that Redis's memory stays bounded too)."""
        if self.redis is None:
            return LocalKeyValue(capacity)
        return RedisKeyValue(self.redis, f"{self.prefix}{namespace}:", default_ttl=ttl)

    def buckets(self, burst: int, rate: float) -> TokenBuckets:
        if self.redis is None:
            return LocalTokenBuckets(burst, rate)
        return RedisTokenBuckets(self.redis, f"{self.prefix}throttle:", burst, rate)

    def lock(self, name: str, ttl: float) -> Lock:
        if self.redis is None:
            return LocalLock(f"{self.prefix}lock:{name}", ttl)
        return RedisLock(self.redis, f"{self.prefix}lock:{name}", ttl)

    @property
    def fetches(self) -> SharedFetches | None:
        if self.redis is None:
            return None
        from shared_state.fetches import RedisFetches

        return RedisFetches(self.redis, f"{self.prefix}fetch:")

    def fsm_storage(self) -> BaseStorage:
        if self.redis is None:
            from aiogram.fsm.storage.memory import MemoryStorage

            return MemoryStorage()
        from shared_state.fsm import SharedRedisStorage

        return SharedRedisStorage(self.redis, f"{self.prefix}fsm")

    async def sync_names(self, engine: Any) -> None:
        """Keep `engine`'s name indexes fresh with the other instances' changes (nothing to do alone:
        db.cache already sees this process's own changes)."""
        if self.redis is None:
            return
        from shared_state.names import NameIndexSync

        sync = NameIndexSync(self.redis, f"{self.prefix}names-changed", engine)
        await sync.start()
        self._syncs.append(sync)

    async def ping(self, timeout: float = 2.0) -> None:
        """Raise when Redis (if any) does not answer within `timeout` seconds."""
        if self.redis is None:
            return
        import asyncio

        await asyncio.wait_for(self.redis.ping(), timeout)

    async def close(self) -> None:
        for sync in self._syncs:
            await sync.close()
        self._syncs.clear()
        if self.redis is not None:
            try:
                await self.redis.aclose()
            except Exception:  # shutting down: the rest of the teardown must still run
                log.warning("could not close the Redis client", exc_info=True)


def open_shared_state(
    redis_url: str | None, prefix: str = DEFAULT_PREFIX, limits: RedisLimits | None = None
) -> SharedState:
    """The in-process state without `redis_url`, else a Redis client (it connects on first use) with
    short timeouts and a pool sized by `limits` (`shared_state.client`)."""
    if not redis_url:
        return SharedState(None, prefix)
    from shared_state.client import open_redis

    return SharedState(open_redis(redis_url, limits), prefix)


def is_outage(exc: BaseException) -> bool:
    """Whether `exc` is the shared store or the base failing (down, unreachable, hung or too slow),
    not a bug: the user is told to try again in a minute."""
    from redis.exceptions import RedisError

    from db.engine import is_unavailable

    return isinstance(exc, RedisError) or is_unavailable(exc)
