"""Inline mode: users' inline queries and answerInlineQuery with its checks of the results."""

from __future__ import annotations

from typing import Any

from .errors import (
    MAX_INLINE_RESULTS,
    MAX_NEXT_OFFSET_BYTES,
    MAX_RESULT_ID_BYTES,
    MAX_TEXT,
    QUERY_TOO_OLD,
    _bad,
)
from .html import format_text, utf16_len
from .markup import check_reply_markup


class InlineMixin:
    """Inline queries from users and the bot's answers to them."""

    async def send_inline_query(
        self, user_id: int, query: str, *, offset: str = "", chat_type: str = "sender"
    ) -> str:
        """Queue an inline_query (the user typed "@bot <query>" in some chat); returns its id.
        The bot's answerInlineQuery is recorded as a call to `user_id` and kept in `inline_answers`."""
        query_id = f"{self.bot_user['id']}9{next(self._query_ids):08d}"
        self._inline_queries[query_id] = user_id
        self._queue(
            "inline_query",
            {"id": query_id, "from": self.user(user_id), "query": query, "offset": offset, "chat_type": chat_type},
        )
        return query_id

    async def _m_answerinlinequery(self, params: dict, files: dict) -> Any:
        query_id = str(params.get("inline_query_id") or "")
        if query_id not in self._inline_queries:
            raise _bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        results = params.get("results")
        if not isinstance(results, list):
            raise _bad("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict):
                raise _bad("can't parse inline query result: InlineQueryResult must be an Object")
            result_id = result.get("id")
            if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= MAX_RESULT_ID_BYTES:
                raise _bad("RESULT_ID_INVALID")
            if result_id in seen:
                raise _bad("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            self._check_inline_result(result)
        next_offset = params.get("next_offset")
        if next_offset is not None and len(str(next_offset).encode()) > MAX_NEXT_OFFSET_BYTES:
            raise _bad("NEXT_OFFSET_INVALID")
        cache_time = params.get("cache_time")
        if cache_time is not None and (not isinstance(cache_time, int) or cache_time < 0):
            raise _bad("can't parse cache_time")
        del self._inline_queries[query_id]
        self.inline_answers[query_id] = params
        return True

    @staticmethod
    def _check_inline_result(result: dict[str, Any]) -> None:
        """An article result as Telegram checks it: a title, a message whose text parses, a keyboard."""
        kind = result.get("type")
        if kind != "article":
            if not isinstance(kind, str):
                raise _bad("RESULT_TYPE_INVALID")
            return  # other types are not modelled: the bot sends articles only
        title = result.get("title")
        if not isinstance(title, str) or not title.strip():
            raise _bad("RESULT_TITLE_EMPTY")
        content = result.get("input_message_content")
        if not isinstance(content, dict) or "message_text" not in content:
            raise _bad("SEND_MESSAGE_TYPE_INVALID")
        text, _ = format_text(content.get("message_text"), content.get("parse_mode"), content.get("entities"))
        if not text:
            raise _bad("MESSAGE_EMPTY")
        if utf16_len(text) > MAX_TEXT:
            raise _bad("MESSAGE_TOO_LONG")
        check_reply_markup(result.get("reply_markup"))
