"""A small key-value store: a bounded in-process LRU by default, Redis when instances share state."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis


class KeyValue(Protocol):
    """String values under string keys, each with an optional time to live (seconds)."""

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str, ttl: float | None = None) -> None: ...

    async def add(self, key: str, value: str, ttl: float | None = None) -> bool:
        """Set `key` only when it is absent (atomically); True when this call set it."""
        ...

    async def delete(self, key: str) -> None: ...


class LocalKeyValue:
    """`KeyValue` in this process's memory: a bounded LRU whose entries may expire."""

    def __init__(self, capacity: int = 50_000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()

    async def get(self, key: str) -> str | None:
        entry = self._items.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires <= time.monotonic():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        expires = time.monotonic() + ttl if ttl else float("inf")
        self._items[key] = (expires, value)
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    async def add(self, key: str, value: str, ttl: float | None = None) -> bool:
        if await self.get(key) is not None:
            return False
        await self.set(key, value, ttl)
        return True

    async def delete(self, key: str) -> None:
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)


class RedisKeyValue:
    """`KeyValue` in Redis under `prefix`; entries without a TTL get `default_ttl`, so that memory stays
    bounded (Redis has no per-namespace LRU)."""

    def __init__(self, redis: Redis, prefix: str, default_ttl: float | None = None) -> None:
        self.redis = redis
        self.prefix = prefix
        self.default_ttl = default_ttl

    async def get(self, key: str) -> str | None:
        value = await self.redis.get(self.prefix + key)
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        ttl = ttl or self.default_ttl
        await self.redis.set(self.prefix + key, value, px=int(ttl * 1000) if ttl else None)

    async def add(self, key: str, value: str, ttl: float | None = None) -> bool:
        ttl = ttl or self.default_ttl
        return bool(await self.redis.set(self.prefix + key, value, nx=True, px=int(ttl * 1000) if ttl else None))

    async def delete(self, key: str) -> None:
        await self.redis.delete(self.prefix + key)
