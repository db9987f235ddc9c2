"""Update middlewares (DB session, throttling) and the RetryAfter request middleware."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession

from shared_state.buckets import LocalTokenBuckets, TokenBuckets
from shared_state.kv import KeyValue

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


def is_article(update: TelegramObject) -> bool:
    """A message that is no command: forwards, texts, captions, documents (and stickers and the like,
    answered in the same queue). Flood control never drops these: the article queue takes them."""
    if not isinstance(update, Update) or update.message is None:
        return False
    text = update.message.text
    return text is None or not text.lstrip().startswith("/")


def is_unthrottled(update: TelegramObject) -> bool:
    """Articles (see `is_article`) and inline queries: a query comes with every keystroke, is cheap
    to answer, and one dropped would leave the user's inline menu empty."""
    return is_article(update) or (isinstance(update, Update) and update.inline_query is not None)


class ThrottlingMiddleware(BaseMiddleware):
    """Per-user token bucket for commands and buttons: `burst` updates at once, refilled at `rate`
    per second. Articles pass (`exempt`): the article queue paces them and never drops one.

    The first update over the limit gets one notice; the rest are dropped silently, and no
    other notice comes for the bucket's cooldown (the time to refill it, at least 5 s). Users are
    independent. The buckets live in this process (`LocalTokenBuckets`, a bounded LRU) or in Redis
    (`shared_state`), shared by every instance; a failing shared store lets updates pass.
    """

    def __init__(
        self,
        burst: int = 5,
        rate: float = 1.0,
        exempt: Callable[[TelegramObject], bool] | None = is_unthrottled,
        buckets: TokenBuckets | None = None,
    ) -> None:
        self.exempt = exempt
        self.buckets = buckets if buckets is not None else LocalTokenBuckets(burst, rate)

    async def _take(self, user_id: int) -> tuple[bool, bool]:
        try:
            return await self.buckets.take(user_id)
        except Exception:  # flood control is protection, not a gate: an outage must not mute the bot
            log.warning("flood control unavailable; letting an update of %s pass", user_id, exc_info=True)
            return True, False

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or (self.exempt is not None and self.exempt(event)):
            return await handler(event, data)
        allowed, notify = await self._take(user.id)
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


class DuplicateUpdateMiddleware(BaseMiddleware):
    """Each update is handled once, by whichever instance gets it first.

    Telegram delivers an update again when a webhook did not acknowledge it (a timeout, a dropped
    connection), and behind a load balancer the second delivery may reach another instance: an article
    would be read twice and answered twice. The update ids seen in the last `ttl` seconds are kept in
    `seen` (in-process, or Redis shared by the instances); a failing store lets the update pass.
    """

    def __init__(self, seen: KeyValue, ttl: float = 3600.0) -> None:
        self.seen = seen
        self.ttl = ttl
        self.skipped = 0

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update):
            bot: Bot | None = data.get("bot")
            key = f"{bot.id if bot else 0}:{event.update_id}"
            try:
                first = await self.seen.add(key, "1", self.ttl)
            except Exception:  # better an article read twice than one not read
                log.warning("update ids unavailable; handling update %s", event.update_id, exc_info=True)
                first = True
            if not first:
                self.skipped += 1
                log.info("update %s was delivered again: handled already", event.update_id)
                return None
        return await handler(event, data)


# Set in a task that paces its own sends (the alert sender): a 429 is raised to it at once, so that
# it pauses every send, not only the one that was refused.
RAISE_RETRY_AFTER: ContextVar[bool] = ContextVar("raise_retry_after", default=False)


class RetryAfterMiddleware(BaseRequestMiddleware):
    """Wait out Telegram's flood control (429 retry_after) and retry, a bounded number of times; send
    a request once more when the connection dropped before an answer (a kept-alive connection the
    server had closed, the long poll torn down on shutdown), so that an answer is not lost to it.
    A task that paces and retries its own sends (`RAISE_RETRY_AFTER`) gets both errors at once."""

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
                if dropped > self.network_retries or method.__api_method__ == "getUpdates" \
                        or RAISE_RETRY_AFTER.get():
                    raise
                log.info("connection dropped on %s: sending it again", method.__api_method__)
                await asyncio.sleep(0.2)
            except TelegramRetryAfter as exc:
                attempt += 1
                if attempt > self.max_retries or exc.retry_after > self.max_wait or RAISE_RETRY_AFTER.get():
                    raise
                log.info("flood control on %s: waiting %ss", method.__api_method__, exc.retry_after)
                await asyncio.sleep(exc.retry_after)
