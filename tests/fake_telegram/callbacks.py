"""Callback queries: users pressing (or forging) inline buttons, answerCallbackQuery."""

from __future__ import annotations

from typing import Any

from .calls import Call
from .errors import QUERY_TOO_OLD, _bad
from .markup import _button_datas


class CallbacksMixin:
    """Callback queries from users and the bot's answers to them."""

    async def press_button(
        self,
        user_id: int,
        message: dict[str, Any] | int | Call,
        callback_data: str | None = None,
        *,
        text: str | None = None,
    ) -> str:
        """Queue a callback_query for a button of a bot message (by data or by button text).

        Fails (ValueError) if the message, as it is now, holds no such button: a real user can
        only press what is shown. Returns the callback query id.
        """
        if isinstance(message, Call):
            message = message.result
        message_id = message if isinstance(message, int) else message["message_id"]
        current = self._messages.get((user_id, message_id))
        if current is None or (user_id, message_id) in self._deleted:
            raise ValueError(f"no message {message_id} in chat {user_id}")
        buttons = _button_datas(current)
        match = [
            d
            for t, d in buttons
            if (callback_data is None or d == callback_data) and (text is None or t == text)
        ]
        if not match or (callback_data is None and text is None):
            raise ValueError(
                f"message {message_id} has no button {callback_data or text!r}; buttons: {buttons}"
            )
        query_id = f"{self.bot_user['id']}{next(self._query_ids):08d}"
        self._queries[query_id] = user_id
        self._queue(
            "callback_query",
            {
                "id": query_id,
                "from": self.user(user_id),
                "message": current,
                "chat_instance": str(-user_id),
                "data": match[0],
            },
        )
        return query_id

    async def forge_callback(self, user_id: int, message: dict[str, Any] | int | Call, data: str) -> str:
        """Queue a callback_query with any `data` for a bot message, as a modified client may send
        (Telegram's servers pass callback data on unchecked). Returns the callback query id."""
        if isinstance(message, Call):
            message = message.result
        message_id = message if isinstance(message, int) else message["message_id"]
        current = self._messages.get((user_id, message_id))
        if current is None:
            raise ValueError(f"no message {message_id} in chat {user_id}")
        query_id = f"{self.bot_user['id']}{next(self._query_ids):08d}"
        self._queries[query_id] = user_id
        self._queue(
            "callback_query",
            {
                "id": query_id,
                "from": self.user(user_id),
                "message": current,
                "chat_instance": str(-user_id),
                "data": data,
            },
        )
        return query_id

    async def _m_answercallbackquery(self, params: dict, files: dict) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        if self._queries.pop(query_id, None) is None:
            raise _bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        return True
