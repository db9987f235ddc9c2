"""Pace of outgoing alerts: at most `rate` messages a second in all and one per `per_chat` seconds to
a chat (Telegram's limits: about 30 a second, one a second per chat), and a pause for everyone when
Telegram answers 429. `SendLimiter` is the interface; `LocalSendLimiter` keeps it in this process
and `RedisSendLimiter` shares it between bot instances (ALERTS_REDIS_URL): several instances
behind a load balancer still keep to one pace in all."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class SendLimiter(Protocol):
    async def acquire(self, chat_id: int) -> None:
        """Wait until one message may go to `chat_id`, and count it."""

    async def pause(self, seconds: float) -> None:
        """Send nothing to anyone for `seconds` (Telegram's retry_after)."""

    async def close(self) -> None:
        """Let go of what the limiter holds (connections)."""


class LocalSendLimiter:
    """Slots handed out in order: each message reserves the first moment that keeps both the global
    spacing (1/rate) and its chat's spacing; `rate` or `per_chat` <= 0 lifts that limit."""

    def __init__(self, rate: float = 25.0, per_chat: float = 1.0, capacity: int = 100_000) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.per_chat = max(0.0, per_chat)
        self.capacity = capacity
        self._next = 0.0
        self._paused_until = 0.0
        self._chats: dict[int, float] = {}

    async def acquire(self, chat_id: int) -> None:
        while True:
            now = time.monotonic()
            at = max(now, self._paused_until, self._next, self._chats.get(chat_id, 0.0))
            if self.interval:
                self._next = at + self.interval
            if self.per_chat:
                self._chats[chat_id] = at + self.per_chat
                if len(self._chats) > self.capacity:
                    self._forget(now)
            if at > now:
                await asyncio.sleep(at - now)
            if self._paused_until <= time.monotonic():
                return
            # a 429 came while this one waited: queue again behind the pause

    async def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + max(0.0, seconds))

    async def close(self) -> None:
        pass

    def _forget(self, now: float) -> None:
        self._chats = {chat: at for chat, at in self._chats.items() if at > now}


# One atomic step: the first moment (Redis server time, ms) that keeps the global spacing, the chat's
# spacing and any pause; both spacings are booked from it. Returns the milliseconds to wait.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = now
for i = 1, 3 do
  local v = tonumber(redis.call('GET', KEYS[i]) or '0')
  if v > at then at = v end
end
local interval, per_chat = tonumber(ARGV[1]), tonumber(ARGV[2])
if interval > 0 then redis.call('SET', KEYS[1], at + interval, 'PX', at - now + interval + 1000) end
if per_chat > 0 then redis.call('SET', KEYS[2], at + per_chat, 'PX', at - now + per_chat + 1000) end
return at - now
"""
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > v then redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1]) + 1000) end
return until_ms - now
"""


class RedisSendLimiter:
    """The same pace as `LocalSendLimiter`, booked in Redis (server time, one Lua script a message),
    so that every bot instance sending alerts shares it."""

    def __init__(
        self, url: str, rate: float = 25.0, per_chat: float = 1.0, prefix: str = "alerts:pace"
    ) -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)
        self.interval_ms = int(1000 / rate) if rate > 0 else 0
        self.per_chat_ms = int(per_chat * 1000)
        self.prefix = prefix
        self._reserve = self.redis.register_script(_RESERVE)
        self._pause = self.redis.register_script(_PAUSE)

    def _keys(self, chat_id: int) -> list[str]:
        return [f"{self.prefix}:next", f"{self.prefix}:chat:{chat_id}", f"{self.prefix}:paused"]

    async def acquire(self, chat_id: int) -> None:
        keys = self._keys(chat_id)
        while True:
            wait_ms = int(await self._reserve(keys=keys, args=[self.interval_ms, self.per_chat_ms]))
            if wait_ms > 0:
                await asyncio.sleep(wait_ms / 1000)
            paused = await self.redis.pttl(keys[2])
            if paused is None or paused <= 1000:  # the key outlives its pause by a second
                return

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[f"{self.prefix}:paused"], args=[int(max(0.0, seconds) * 1000)])

    async def close(self) -> None:
        await self.redis.aclose()
