"""The Redis client: a pool sized for the load that waits briefly for a free connection, short
timeouts on every call, and a breaker that makes calls fail at once while Redis does not answer.

A hung Redis (it accepts connections and never answers) would otherwise cost every update a
timeout per call, several calls an update; with the breaker (db.breaker) only one call every few
seconds waits, the others fail at once (updates go on without the shared state where they can, and the
errors handler answers in Russian where they cannot), and one call after the pause tries Redis
again: recovery needs no restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from db.breaker import Breaker

NO_FREE_CONNECTION = "No connection available."  # BlockingConnectionPool's: load, not an outage


@dataclass(frozen=True, slots=True)
class RedisLimits:
    """Timeouts (seconds) and the pool's size; see docs/reliability.md."""

    timeout: float = 1.0  # one command's answer
    connect_timeout: float = 1.0
    max_connections: int = 256  # the pool: updates handled at once each hold one for a command
    pool_timeout: float = 2.0  # wait this long for a free connection before failing
    pause: float = 3.0  # after a failure, calls fail at once this long, then Redis is tried again


class GuardedRedis(Redis):
    """A Redis client whose commands go through a `Breaker`."""

    breaker: Breaker

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        if not self.breaker.allow():
            raise RedisConnectionError("Redis did not answer a moment ago; trying again shortly")
        try:
            result = await super().execute_command(*args, **options)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            if str(exc) != NO_FREE_CONNECTION:
                self.breaker.trip(exc)
            raise
        self.breaker.close()
        return result


def open_redis(url: str, limits: RedisLimits | None = None) -> GuardedRedis:
    """A client for `url` (it connects on first use)."""
    limits = limits or RedisLimits()
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=limits.max_connections,
        timeout=limits.pool_timeout,
        socket_timeout=limits.timeout,
        socket_connect_timeout=limits.connect_timeout,
        health_check_interval=30,
        # a connection the server closed is tried once more; a timeout is not (it would double the wait)
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    )
    client = GuardedRedis(connection_pool=pool)
    client.breaker = Breaker("Redis", limits.pause)
    return client
