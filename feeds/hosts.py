"""At most one request at a time per host: the poller is a polite reader of every site."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from yarl import URL


def host_of(url: str) -> str:
    """The host a URL is fetched from (lower case; the whole URL when it has none)."""
    try:
        return (URL(url).host or url).lower()
    except (ValueError, TypeError):
        return url


class HostLocks:
    """One lock per host, kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, url: str) -> AsyncIterator[None]:
        host = host_of(url)
        lock, users = self._locks.get(host, (asyncio.Lock(), 0))
        self._locks[host] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[host]
            if users <= 1:
                del self._locks[host]
            else:
                self._locks[host] = (lock, users - 1)

    def busy(self) -> int:
        """Hosts being fetched from or waited for."""
        return len(self._locks)
