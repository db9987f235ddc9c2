"""Pace of outgoing alerts: at most `rate` messages a second in all and one per `per_chat` seconds to
a chat (Telegram's limits: about 30 a second, one a second per chat), and a pause for everyone when
Telegram answers 429. `SendLimiter` is the interface; `LocalSendLimiter` keeps it in this process
(a shared implementation can replace it when several instances send)."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class SendLimiter(Protocol):
    async def acquire(self, chat_id: int) -> None:
        """Wait until one message may go to `chat_id`, and count it."""

    def pause(self, seconds: float) -> None:
        """Send nothing to anyone for `seconds` (Telegram's retry_after)."""


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

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + max(0.0, seconds))

    def _forget(self, now: float) -> None:
        self._chats = {chat: at for chat, at in self._chats.items() if at > now}
