"""The bot's messages: sending, editing, deleting and forwarding them, with Telegram's checks."""

from __future__ import annotations

import time
from typing import Any

from .errors import CHAT_ACTIONS, MAX_CAPTION, MAX_TEXT, NOT_MODIFIED, ApiError, _bad
from .html import format_text, utf16_len
from .markup import check_reply_markup
from .users import _Chat


class MessagesMixin:
    """The message methods of the Bot API and the checks they share."""

    def _target_chat(self, params: dict[str, Any]) -> _Chat:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise _bad("chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            if self.strict_chats or not isinstance(chat_id, int):
                raise _bad("chat not found")
            self.user(chat_id)
            chat = self._chats[chat_id]
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _reply_to(self, chat_id: int, params: dict[str, Any]) -> dict[str, Any]:
        reply = params.get("reply_parameters")
        message_id = reply.get("message_id") if isinstance(reply, dict) else params.get("reply_to_message_id")
        if message_id is None:
            return {}
        target = self._messages.get((chat_id, message_id))
        if target is None or (chat_id, message_id) in self._deleted:
            allow = (reply or {}).get("allow_sending_without_reply") if isinstance(reply, dict) else None
            if allow or params.get("allow_sending_without_reply"):
                return {}
            raise _bad("message to be replied not found")
        return {"reply_to_message": {k: v for k, v in target.items() if k != "reply_to_message"}}

    def _existing_message(
        self, params: dict[str, Any], action: str = "edit"
    ) -> tuple[int, int, dict[str, Any]]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._target_chat(params)
        chat_id = chat.user["id"]
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise _bad(f"message to {action} not found")
        message = self._messages.get((chat_id, message_id))
        if message is None or (chat_id, message_id) in self._deleted:
            raise _bad(f"message to {action} not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise _bad(f"message can't be {'edited' if action == 'edit' else 'deleted'}")
        return chat_id, message_id, message

    def _formatted(self, params: dict[str, Any], key: str, entities_key: str) -> dict[str, Any]:
        text, entities = format_text(params.get(key), params.get("parse_mode"), params.get(entities_key))
        if key == "text":
            if not text:
                raise _bad("message text is empty")
            if utf16_len(text) > MAX_TEXT:
                raise _bad("message is too long")
        elif utf16_len(text) > MAX_CAPTION:
            raise _bad("message caption is too long")
        content: dict[str, Any] = {}
        if text:
            content[key] = text
            if entities:
                content[entities_key] = entities
        return content

    def _send(self, chat: _Chat, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        chat_id = chat.user["id"]
        markup = check_reply_markup(params.get("reply_markup"))
        content = {**self._reply_to(chat_id, params), **content}
        if markup is not None:
            content["reply_markup"] = markup
        return self._new_message(chat_id, self.bot_user, **content)

    async def _m_sendmessage(self, params: dict, files: dict) -> Any:
        chat = self._target_chat(params)
        content = self._formatted(params, "text", "entities")
        if isinstance(params.get("link_preview_options"), dict):
            content["link_preview_options"] = params["link_preview_options"]
        return self._send(chat, params, content)

    async def _m_sendchataction(self, params: dict, files: dict) -> Any:
        self._target_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    async def _m_editmessagetext(self, params: dict, files: dict) -> Any:
        chat_id, message_id, message = self._existing_message(params)
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        content = self._formatted(params, "text", "entities")
        markup = check_reply_markup(params.get("reply_markup"))
        if (
            content.get("text") == message.get("text")
            and content.get("entities") == message.get("entities")
            and markup == message.get("reply_markup")
        ):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        return self._apply_edit(chat_id, message_id, message, content, markup, ("text", "entities"))

    async def _m_editmessagecaption(self, params: dict, files: dict) -> Any:
        chat_id, message_id, message = self._existing_message(params)
        if "text" in message:
            raise _bad("there is no caption in the message to edit")
        content = self._formatted(params, "caption", "caption_entities")
        markup = check_reply_markup(params.get("reply_markup"))
        if (
            content.get("caption") == message.get("caption")
            and content.get("caption_entities") == message.get("caption_entities")
            and markup == message.get("reply_markup")
        ):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        return self._apply_edit(
            chat_id, message_id, message, content, markup, ("caption", "caption_entities")
        )

    async def _m_editmessagereplymarkup(self, params: dict, files: dict) -> Any:
        chat_id, message_id, message = self._existing_message(params)
        markup = check_reply_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        return self._apply_edit(chat_id, message_id, message, {}, markup, ())

    def _apply_edit(
        self,
        chat_id: int,
        message_id: int,
        message: dict[str, Any],
        content: dict[str, Any],
        markup: dict[str, Any] | None,
        replaced: tuple[str, ...],
    ) -> dict[str, Any]:
        edited = {k: v for k, v in message.items() if k not in replaced and k != "reply_markup"}
        edited.update(content)
        if markup is not None:
            edited["reply_markup"] = markup
        edited["edit_date"] = int(time.time())
        self._messages[(chat_id, message_id)] = edited
        return edited

    async def _m_deletemessage(self, params: dict, files: dict) -> Any:
        chat = self._target_chat(params)
        key = (chat.user["id"], params.get("message_id"))
        if key not in self._messages or key in self._deleted:
            raise _bad("message to delete not found")
        self._deleted.add(key)
        return True

    async def _m_forwardmessage(self, params: dict, files: dict) -> Any:
        chat = self._target_chat(params)
        source = self._messages.get((params.get("from_chat_id"), params.get("message_id")))
        if source is None:
            raise _bad("message to forward not found")
        content = {
            k: v for k, v in source.items() if k in ("text", "entities", "caption", "photo", "document")
        }
        content.update(self._forward(None, None, source["from"]["id"]))
        return self._new_message(chat.user["id"], self.bot_user, **content)
