"""Update middlewares (DB session, throttling) and the RetryAfter request middleware."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

THROTTLED_TEXT = "Слишком много сообщений, подождите немного."

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DbSessionMiddleware(BaseMiddleware):
    """One AsyncSession per update, as `session` in handler data; closed when the update is done.

    The session connects lazily, so updates that never touch the base cost nothing; handlers that
    are done with the base before talking to Telegram call `release` to free the connection early.
    """

    def __init__(self, sessionmaker: Any) -> None:
        self.sessionmaker = sessionmaker

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.sessionmaker() as session:
            data["session"] = session
            return await handler(event, data)


async def release(session: AsyncSession) -> None:
    """Hand the session's connection back to the pool now, before slow Telegram calls.

    Otherwise every update holds a pooled connection while its replies go out, and many
    concurrent users overflow the pool (a new SQLite connection and thread each time).
    The session stays usable: it reconnects if a handler queries again.
    """
    await session.close()


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float
    notified_at: float = float("-inf")


def is_article(update: TelegramObject) -> bool:
    """A message that is no command: forwards, texts, captions, documents (and stickers and the like,
    answered in the same queue). Flood control never drops these: the article queue takes them."""
    if not isinstance(update, Update) or update.message is None:
        return False
    text = update.message.text
    return text is None or not text.lstrip().startswith("/")


class ThrottlingMiddleware(BaseMiddleware):
    """Per-user token bucket for commands and buttons: `burst` updates at once, refilled at `rate`
    per second. Articles pass (`exempt`): the article queue paces them and never drops one.

    The first update over the limit gets one notice; the rest are dropped silently, and no
    other notice comes for `cooldown` seconds (the time to refill the whole bucket, at least 5 s).
    Users are independent; the table is a bounded LRU.
    """

    def __init__(
        self,
        burst: int = 5,
        rate: float = 1.0,
        capacity: int = 100_000,
        exempt: Callable[[TelegramObject], bool] | None = is_article,
    ) -> None:
        self.exempt = exempt
        self.burst = max(1, burst)
        self.rate = max(0.01, rate)
        self.cooldown = max(5.0, self.burst / self.rate)
        self.capacity = capacity
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()

    def allow(self, user_id: int, now: float | None = None) -> tuple[bool, bool]:
        """(allowed, notify) for one update of `user_id`."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(tokens=float(self.burst), stamp=now)
            if len(self._buckets) > self.capacity:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(user_id)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True, False
        notify = now - bucket.notified_at >= self.cooldown
        if notify:
            bucket.notified_at = now
        return False, notify

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or (self.exempt is not None and self.exempt(event)):
            return await handler(event, data)
        allowed, notify = self.allow(user.id)
        if allowed:
            return await handler(event, data)
        bot: Bot = data["bot"]
        if notify:
            try:
                if isinstance(event, Update) and isinstance(event.callback_query, CallbackQuery):
                    await event.callback_query.answer(THROTTLED_TEXT)
                else:
                    chat = data.get("event_chat")
                    await bot.send_message(chat.id if chat else user.id, THROTTLED_TEXT)
            except Exception:  # the notice is best effort; never fail the update over it
                log.warning("could not send throttling notice to %s", user.id, exc_info=True)
        return None


class RetryAfterMiddleware(BaseRequestMiddleware):
    """Wait out Telegram's flood control (429 retry_after) and retry, a bounded number of times; send
    a request once more when the connection dropped before an answer (a kept-alive connection the
    server had closed, the long poll torn down on shutdown), so that an answer is not lost to it."""

    def __init__(self, max_retries: int = 3, max_wait: float = 60.0, network_retries: int = 1) -> None:
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.network_retries = network_retries

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        attempt = 0
        dropped = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramNetworkError:
                # getUpdates has its own backoff in the polling loop
                dropped += 1
                if dropped > self.network_retries or method.__api_method__ == "getUpdates":
                    raise
                log.info("connection dropped on %s: sending it again", method.__api_method__)
                await asyncio.sleep(0.2)
            except TelegramRetryAfter as exc:
                attempt += 1
                if attempt > self.max_retries or exc.retry_after > self.max_wait:
                    raise
                log.info("flood control on %s: waiting %ss", method.__api_method__, exc.retry_after)
                await asyncio.sleep(exc.retry_after)
