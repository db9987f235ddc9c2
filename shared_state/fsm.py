"""aiogram's RedisStorage on the shared client, tolerant of an outage when reading.

aiogram reads the FSM state of every update before any handler runs: with plain RedisStorage a Redis
outage would fail every update, articles included. Here a read during an outage answers "no state"
(logged), so that everything that needs no state keeps working; writes still fail, and the errors
handler answers those in Russian.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class SharedRedisStorage(RedisStorage):
    """RedisStorage whose client belongs to shared_state (closed there, not by the dispatcher)."""

    def __init__(self, redis: Any, prefix: str) -> None:
        super().__init__(redis, key_builder=DefaultKeyBuilder(prefix=prefix))

    async def close(self) -> None:
        return None

    async def get_state(self, key: StorageKey) -> str | None:
        try:
            return await super().get_state(key)
        except RedisError:
            log.warning("FSM state unavailable (Redis); going on without it", exc_info=True)
            return None

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        try:
            return await super().get_data(key)
        except RedisError:
            log.warning("FSM data unavailable (Redis); going on without it", exc_info=True)
            return {}



