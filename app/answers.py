"""Which callback and inline queries of the current update were answered, so that the error handler
answers the rest: no button keeps spinning and no inline menu stays empty after a failure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.methods import AnswerCallbackQuery, AnswerInlineQuery
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject

# the ids of the queries answered while handling the current update (None outside an update)
_ANSWERED: ContextVar[set[str] | None] = ContextVar("answered_queries", default=None)


class AnsweredQueries(BaseMiddleware):
    """Update middleware: a fresh set of answered query ids per update, as `answered` in handler data
    (and so in the error handler's)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        answered: set[str] = set()
        data["answered"] = answered
        token = _ANSWERED.set(answered)
        try:
            return await handler(event, data)
        finally:
            _ANSWERED.reset(token)


async def track_answers(make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: Any) -> Any:
    """Request middleware: notes each callback or inline query answered within an update."""
    response = await make_request(bot, method)
    answered = _ANSWERED.get()
    if answered is not None:
        if isinstance(method, AnswerCallbackQuery):
            answered.add(method.callback_query_id)
        elif isinstance(method, AnswerInlineQuery):
            answered.add(method.inline_query_id)
    return response
