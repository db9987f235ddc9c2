"""Name indexes fresh on every instance: a stored region or partner is announced over Redis pub/sub.

Each instance listens on one channel; a local change (db.cache.invalidate after an ingest, reload,
hide, delete or restore) is published, and every other instance drops its cached indexes at once
instead of up to db.cache.MAX_AGE_S later. After a lost connection the listener reconnects and drops
its indexes too (it may have missed a message).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import TYPE_CHECKING, Any

from db import cache

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)


class NameIndexSync:
    """Publishes this instance's changes of the base and applies the other instances' to `engine`."""

    POLL = 1.0  # seconds a read of the channel waits before the listener checks whether to stop

    def __init__(self, redis: Redis, channel: str, engine: Any, *, retry_delay: float = 1.0) -> None:
        self.redis = redis
        self.channel = channel
        self.engine = engine
        self.retry_delay = retry_delay
        self.instance = uuid.uuid4().hex
        self.received = 0  # other instances' changes applied here (tests, logs)
        self._listener: asyncio.Task[None] | None = None
        self._unregister: Any = None
        self._publishing: set[asyncio.Task[None]] = set()
        self._subscribed = asyncio.Event()
        self._stopping = False

    async def start(self, timeout: float = 5.0) -> None:
        """Subscribe (waits until the subscription holds, at most `timeout` seconds) and start
        publishing local changes."""
        self._unregister = cache.on_invalidate(self.engine, self._changed_here)
        self._listener = asyncio.create_task(self._listen(), name="name-index sync")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), timeout)
        if not self._subscribed.is_set():
            log.warning("not subscribed to %s yet: other instances' names show with a delay", self.channel)

    async def close(self) -> None:
        if self._unregister is not None:
            self._unregister()
            self._unregister = None
        if self._publishing:
            await asyncio.gather(*self._publishing, return_exceptions=True)
        if self._listener is not None:
            # The listener polls, and sees the flag within a second. Cancelling it in the middle of a
            # read is not reliable (redis-py may swallow the cancellation), so it is the last resort.
            self._stopping = True
            listener, self._listener = self._listener, None
            _, pending = await asyncio.wait({listener}, timeout=self.POLL + 2.0)
            if pending:
                listener.cancel()
                await asyncio.wait({listener}, timeout=1.0)

    def _changed_here(self) -> None:
        task = asyncio.get_running_loop().create_task(self.publish())
        self._publishing.add(task)
        task.add_done_callback(self._publishing.discard)

    async def publish(self) -> None:
        """Tell the other instances that names changed (a lost message costs them only freshness)."""
        try:
            await self.redis.publish(self.channel, self.instance)
        except Exception:
            log.warning("could not announce a change of names on %s", self.channel, exc_info=True)

    async def _listen(self) -> None:
        delay = self.retry_delay
        while not self._stopping:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                if self._subscribed.is_set():  # a reconnection: whatever came meanwhile was missed
                    cache.invalidate(self.engine, notify=False)
                self._subscribed.set()
                delay = self.retry_delay
                while not self._stopping:
                    message = await pubsub.get_message(timeout=self.POLL)
                    if message is None or message.get("type") != "message":
                        continue
                    sender = message.get("data")
                    if isinstance(sender, bytes):
                        sender = sender.decode(errors="replace")
                    if sender != self.instance:
                        cache.invalidate(self.engine, notify=False)
                        self.received += 1
            except asyncio.CancelledError:
                raise
            except Exception:
                if self._stopping:
                    return
                log.warning("name-index channel %s lost; reconnecting in %.0f s", self.channel, delay, exc_info=True)
                await asyncio.sleep(delay)
                delay = min(30.0, delay * 2)  # a long outage: a line every half minute, not every second
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
