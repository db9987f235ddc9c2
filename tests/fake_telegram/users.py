"""The users' side of the chats: registering users and queueing their messages to the bot."""

from __future__ import annotations

import mimetypes
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .files import _TINY_PNG
from .html import detect_entities


@dataclass
class _Chat:
    user: dict[str, Any]
    next_message_id: int = 1
    blocked: bool = False


class UsersMixin:
    """Users, their private chats with the bot and the messages they send."""

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str = "ru",
    ) -> dict[str, Any]:
        """Register (or update) a user; returns the Telegram User object."""
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"Пользователь {user_id}",
            "language_code": language_code,
        }
        if username:
            user["username"] = username
        chat = self._chats.get(user_id)
        if chat is None:
            self._chats[user_id] = _Chat(user)
        elif first_name or username:
            chat.user = user
        return self._chats[user_id].user

    def block(self, user_id: int, blocked: bool = True) -> None:
        """Make the user block the bot: sends to them answer 403 as Telegram does."""
        self.user(user_id)
        self._chats[user_id].blocked = blocked

    def _chat_obj(self, user_id: int) -> dict[str, Any]:
        user = self.user(user_id)
        chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
        if "username" in user:
            chat["username"] = user["username"]
        return chat

    def _new_message(self, chat_id: int, sender: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = self._chats[chat_id]
        message = {
            "message_id": chat.next_message_id,
            "from": sender,
            "chat": self._chat_obj(chat_id),
            "date": int(time.time()),
            **content,
        }
        chat.next_message_id += 1
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _user_message(self, user_id: int, **content: Any) -> dict[str, Any]:
        message = self._new_message(user_id, self.user(user_id), **content)
        return self._queue("message", message)

    async def send_message(self, user_id: int, **content: Any) -> dict[str, Any]:
        """Queue a message of any other kind from a user, e.g. ``sticker={...}`` or ``voice={...}``."""
        return self._user_message(user_id, **content)

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        forward_date: datetime | None = None,
        forward_from_chat_title: str | None = None,
        forward_from_user: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Queue a text message from a user (a forwarded post when forward_date is given)."""
        content: dict[str, Any] = {"text": text}
        found = detect_entities(text) if entities is None else entities
        if found:
            content["entities"] = found
        if forward_date is not None or forward_from_chat_title is not None or forward_from_user is not None:
            content.update(self._forward(forward_date, forward_from_chat_title, forward_from_user))
        return self._user_message(user_id, **content)

    def _forward(self, date: datetime | None, title: str | None, from_user: int | None) -> dict[str, Any]:
        ts = int((date or datetime.now()).timestamp())
        if from_user is not None:
            sender = {"id": from_user, "is_bot": False, "first_name": f"Автор {from_user}"}
            return {
                "forward_origin": {"type": "user", "sender_user": sender, "date": ts},
                "forward_from": sender,
                "forward_date": ts,
            }
        title = title or "Новости регионов"
        channel = {"id": -1001000000000 - (abs(hash(title)) % 1000000), "type": "channel", "title": title}
        post_id = 100 + len(self._updates)
        return {
            "forward_origin": {"type": "channel", "chat": channel, "message_id": post_id, "date": ts},
            "forward_from_chat": channel,
            "forward_from_message_id": post_id,
            "forward_date": ts,
        }

    async def send_command(self, user_id: int, command: str) -> dict[str, Any]:
        """Queue a command such as "/region Калужская", with its bot_command entity."""
        if not command.startswith("/"):
            raise ValueError("a command starts with '/'")
        return await self.send_text(user_id, command)

    async def send_photo(
        self,
        user_id: int,
        caption: str | None = None,
        *,
        data: bytes | None = None,
        caption_entities: list[dict[str, Any]] | None = None,
        forward_date: datetime | None = None,
        forward_from_chat_title: str | None = None,
    ) -> dict[str, Any]:
        """Queue a photo message (three sizes, as Telegram sends) with an optional caption."""
        data = data or _TINY_PNG
        sizes = []
        for w, h in ((90, 60), (320, 213), (1280, 853)):
            stored = self._store_file(data, "photos", "jpg", None, "image/jpeg")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": w,
                    "height": h,
                    "file_size": len(data),
                }
            )
        content: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
            found = detect_entities(caption) if caption_entities is None else caption_entities
            if found:
                content["caption_entities"] = found
        if forward_date is not None or forward_from_chat_title is not None:
            content.update(self._forward(forward_date, forward_from_chat_title, None))
        return self._user_message(user_id, **content)

    async def send_document(
        self,
        user_id: int,
        data: bytes,
        filename: str,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        """Queue a document from a user; the bot can getFile and download its bytes."""
        mime_type = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
        stored = self._store_file(data, "documents", ext, filename, mime_type)
        content: dict[str, Any] = {"document": self._document_obj(stored)}
        if caption is not None:
            content["caption"] = caption
        return self._user_message(user_id, **content)
