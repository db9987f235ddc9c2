"""A named lock with a time to live, taken without waiting: "only one instance polls the feeds".

The holder calls `refresh()` well within the TTL to keep it, and `release()` when done; a holder that
dies loses the lock after the TTL, and another instance's `acquire()` then gets it.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)


class Lock(Protocol):
    name: str
    ttl: float

    async def acquire(self) -> bool:
        """Take the lock if it is free (never waits); True when this holder has it now."""
        ...

    async def refresh(self) -> bool:
        """Extend the TTL; False when this holder no longer has the lock (expired, taken over)."""
        ...

    async def release(self) -> None:
        """Give the lock up (nothing happens when this holder does not have it)."""
        ...


# name -> (holder token, monotonic expiry): the locks of this process
_LOCAL: dict[str, tuple[str, float]] = {}


class LocalLock:
    """`Lock` within one process: holders of the same name exclude each other; no Redis needed."""

    def __init__(self, name: str, ttl: float) -> None:
        self.name = name
        self.ttl = ttl
        self._token = uuid.uuid4().hex

    def _holder(self) -> str | None:
        entry = _LOCAL.get(self.name)
        if entry is None or entry[1] <= time.monotonic():
            return None
        return entry[0]

    async def acquire(self) -> bool:
        holder = self._holder()
        if holder not in (None, self._token):
            return False
        _LOCAL[self.name] = (self._token, time.monotonic() + self.ttl)
        return True

    async def refresh(self) -> bool:
        if self._holder() != self._token:
            return False
        _LOCAL[self.name] = (self._token, time.monotonic() + self.ttl)
        return True

    async def release(self) -> None:
        if self._holder() == self._token:
            del _LOCAL[self.name]


class RedisLock:
    """`Lock` shared by every instance, on redis-py's lock (a key set NX with a TTL and a token).

    A Redis outage is no lock: `acquire` and `refresh` answer False (better nobody polls for a
    while than everybody), and are logged.
    """

    def __init__(self, redis: Redis, key: str, ttl: float) -> None:
        self.name = key
        self.ttl = ttl
        # thread_local=False: the token belongs to this object, whichever task calls it
        self._lock = redis.lock(key, timeout=ttl, blocking=False, thread_local=False)

    async def acquire(self) -> bool:
        try:
            if self._lock.local.token is not None and await self._lock.owned():
                return await self.refresh()  # already ours: as LocalLock, taking it again keeps it
            return bool(await self._lock.acquire(blocking=False))
        except Exception:
            log.warning("could not take the lock %s", self.name, exc_info=True)
            return False

    async def refresh(self) -> bool:
        from redis.exceptions import LockError

        try:
            await self._lock.reacquire()
        except LockError:  # not ours any more (or never taken)
            return False
        except Exception:
            log.warning("could not refresh the lock %s", self.name, exc_info=True)
            return False
        return True

    async def release(self) -> None:
        from redis.exceptions import LockError

        try:
            await self._lock.release()
        except LockError:  # expired or taken over meanwhile: nothing to give up
            pass
        except Exception:
            log.warning("could not release the lock %s", self.name, exc_info=True)
