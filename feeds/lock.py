"""The poller's lock: with several bot instances only the one holding it polls the feeds.

`PollerLock` is the interface: `acquire()` takes the lock without waiting (False when another
instance holds it), `refresh()` keeps it (False when it was lost), `release()` gives it up.
`LocalLock` is the in-process default (one process on SQLite needs nothing shared);
`PgAdvisoryLock` a PostgreSQL session advisory lock; a Redis implementation of the same interface
fits when REDIS_URL is set.
"""

from __future__ import annotations

import logging
import time
import uuid
import zlib
from typing import ClassVar, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

POLLER_LOCK_NAME = "feeds-poller"
DEFAULT_TTL = 120.0  # seconds a holder that stopped refreshing keeps the lock
# the first half of a two-key advisory lock: ours, apart from the project's other advisory locks
_PG_NAMESPACE = 0x66656564  # "feed"


class PollerLock(Protocol):
    """A lock shared by the bot's instances, with a time to live."""

    async def acquire(self) -> bool: ...

    async def refresh(self) -> bool: ...

    async def release(self) -> None: ...


class LocalLock:
    """In-process lock with a TTL: lock objects of one name in one process exclude each other."""

    _holders: ClassVar[dict[str, tuple[str, float]]] = {}  # name -> (owner token, expires at)

    def __init__(self, name: str = POLLER_LOCK_NAME, ttl: float = DEFAULT_TTL) -> None:
        self.name = name
        self.ttl = ttl
        self.token = uuid.uuid4().hex

    async def acquire(self) -> bool:
        now = time.monotonic()
        holder = self._holders.get(self.name)
        if holder is not None and holder[0] != self.token and holder[1] > now:
            return False
        self._holders[self.name] = (self.token, now + self.ttl)
        return True

    async def refresh(self) -> bool:
        holder = self._holders.get(self.name)
        if holder is None or holder[0] != self.token:
            return False
        if holder[1] <= time.monotonic():  # expired: someone may have taken it meanwhile
            del self._holders[self.name]
            return False
        self._holders[self.name] = (self.token, time.monotonic() + self.ttl)
        return True

    async def release(self) -> None:
        holder = self._holders.get(self.name)
        if holder is not None and holder[0] == self.token:
            del self._holders[self.name]


class PgAdvisoryLock:
    """A PostgreSQL session-level advisory lock held on a connection of its own.

    Its time to live is the connection's: a crashed or cut-off instance loses the lock as soon as
    PostgreSQL drops its session. The key includes the schema, so bases in other schemas of one
    database (tests) do not block each other.
    """

    def __init__(self, engine: AsyncEngine, name: str = POLLER_LOCK_NAME) -> None:
        self.engine = engine
        self.name = name
        self._conn: AsyncConnection | None = None
        self._key: int | None = None

    async def _key_of(self, conn: AsyncConnection) -> int:
        schema = (await conn.execute(text("SELECT current_schema()"))).scalar_one()
        # a signed 32-bit int, as pg_try_advisory_lock(int, int) takes
        return zlib.crc32(f"{self.name}:{schema}".encode()) - 2**31

    async def acquire(self) -> bool:
        if self._conn is not None:
            return await self.refresh()
        conn = await self.engine.connect()
        try:
            # autocommit: the lock belongs to the session, not to a transaction left open
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            key = await self._key_of(conn)
            got = (
                await conn.execute(text("SELECT pg_try_advisory_lock(:ns, :k)"), {"ns": _PG_NAMESPACE, "k": key})
            ).scalar_one()
        except Exception:
            await conn.close()
            raise
        if not got:
            await conn.close()  # holds nothing: back to the pool
            return False
        self._conn, self._key = conn, key
        return True

    async def refresh(self) -> bool:
        """True while this session still holds the lock (the connection is alive)."""
        if self._conn is None:
            return False
        try:
            held = (
                await self._conn.execute(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                        "AND classid::int8 = :ns AND objid::int8 = :k AND objsubid = 2 AND granted"
                    ),
                    {"ns": _PG_NAMESPACE, "k": self._key % 2**32},
                )
            ).scalar_one()
        except Exception:
            log.warning("the feeds lock's connection is gone", exc_info=True)
            await self._drop()
            return False
        if not held:
            await self._drop()
        return bool(held)

    async def release(self) -> None:
        if self._conn is None:
            return
        try:
            await self._conn.execute(
                text("SELECT pg_advisory_unlock(:ns, :k)"), {"ns": _PG_NAMESPACE, "k": self._key}
            )
        except Exception:  # closing the connection frees it anyway
            log.debug("advisory unlock failed", exc_info=True)
        await self._drop()

    async def _drop(self) -> None:
        """Close the lock's connection for good (a pooled one would keep holding the lock)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.invalidate()
                await conn.close()
            except Exception:
                log.debug("closing the lock connection failed", exc_info=True)


def make_poller_lock(engine: AsyncEngine) -> PollerLock:
    """The lock for this base: a PostgreSQL advisory lock, else the in-process one.
    (When REDIS_URL is set, the shared store's lock of the same interface goes here.)"""
    if engine.dialect.name == "postgresql":
        return PgAdvisoryLock(engine)
    return LocalLock()
