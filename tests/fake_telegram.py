"""A fake Telegram Bot API server for end-to-end tests of the bot.

It speaks the Bot API over real HTTP on 127.0.0.1 (aiogram's own client talks to it through
``TelegramAPIServer.from_base(fake.base_url)``), queues updates for ``getUpdates`` long polling,
records every call, and answers 400 where Telegram would: text too long (counted in UTF-16 code
units after HTML parsing), bad HTML, bad inline keyboards, edits that change nothing, stale
callback queries.

Usage::

    async with FakeTelegram() as fake, run_polling(dp, fake.make_bot()):
        await fake.send_command(42, "/region Калужская")
        [call] = await fake.wait_for(42)
        assert "Калужская" in call.text
"""

from __future__ import annotations

import asyncio
import contextlib
import html.entities
import itertools
import json
import mimetypes
import re
import struct
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijklm"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DOWNLOAD = 20 * 1024 * 1024

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
# fmt: off
CHAT_ACTIONS = frozenset((
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
))
# Fields that are plain strings in the Bot API: never JSON-decode them ("123" stays a string).
_RAW_STRING_FIELDS = frozenset((
    "text", "caption", "parse_mode", "callback_query_id", "inline_message_id", "file_id", "url",
    "action", "language_code", "secret_token", "business_connection_id", "message_effect_id",
    "emoji", "title", "description", "photo", "document", "inline_query_id", "next_offset",
))
# fmt: on
_ALL_UPDATE_TYPES = (
    "message", "edited_message", "channel_post", "edited_channel_post", "callback_query", "inline_query",
)  # fmt: skip
MAX_INLINE_RESULTS = 50
MAX_RESULT_ID_BYTES = 64
MAX_NEXT_OFFSET_BYTES = 64


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description, optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


# --------------------------------------------------------------------------------------------
# Text measuring and HTML parsing (modelled on tdlib's parse_html, which the Bot API uses)
# --------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts message length and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL_RE = re.compile(r"[<&]")
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,9})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z][a-zA-Z0-9]*));")


class _ParseError(Exception):
    pass


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int]:
    """Decode the character entity at text[i] == '&'; strict: a bare '&' is an error."""
    m = _ENTITY_RE.match(text, i)
    if m is None:
        # Telegram's docs require every '&' outside an entity to be escaped as &amp;
        raise _ParseError(f'Character "&" must be escaped as "&amp;" at byte offset {_byte_offset(text, i)}')
    dec, hexa, name = m.groups()
    if name is not None:
        if name not in _NAMED_ENTITIES:
            known = (
                " (a valid HTML entity, but Telegram does not support it)"
                if (name in html.entities.name2codepoint)
                else ""
            )
            raise _ParseError(
                f'Unsupported HTML entity "&{name};"{known} at byte offset {_byte_offset(text, i)}'
            )
        return _NAMED_ENTITIES[name], m.end()
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise _ParseError(f"Invalid character code {code} at byte offset {_byte_offset(text, i)}")
    return chr(code), m.end()


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the visible text
    begin: int  # index in the source, for error messages


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (visible text, entities) of an HTML-formatted message or raise _ParseError."""
    out: list[str] = []
    out_len = 0  # UTF-16 length of the visible text so far
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    i, n = 0, len(text)
    while i < n:
        special = _SPECIAL_RE.search(text, i)
        stop = special.start() if special else n
        if stop > i:  # a run of plain text
            chunk = text[i:stop]
            out.append(chunk)
            out_len += utf16_len(chunk)
            i = stop
            continue
        if text[i] == "&":
            ch, i = _decode_entity(text, i)
            out.append(ch)
            out_len += utf16_len(ch)
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            i += 1
            if not stack:
                raise _ParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            j = i
            while i < n and not text[i].isspace() and text[i] != ">":
                i += 1
            name = text[j:i].lower()
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != ">":
                raise _ParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            i += 1
            tag = stack.pop()
            if name and name != tag.name:
                raise _ParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{tag.name}>", found "</{name}>"'
                )
            entity = _make_entity(tag, out_len - tag.start, stack)
            if entity is not None:
                entities.append(entity)
            continue
        j = i
        while i < n and not text[i].isspace() and text[i] != ">":
            i += 1
        if i >= n:
            raise _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        name = text[j:i].lower()
        if name not in _HTML_TAGS:
            raise _ParseError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}')
        attrs, i = _parse_attributes(text, i, name, begin)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _ParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, begin)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise _ParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {_byte_offset(text, begin)}'
            )
        stack.append(_OpenTag(name, attrs, out_len, begin))
    if stack:
        raise _ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _parse_attributes(text: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    attrs: dict[str, str] = {}
    n = len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] == ">":
            return attrs, i + 1
        j = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[j:i].lower()
        if not name:
            raise _ParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] != "=" and tag == "blockquote" and name == "expandable":
            attrs[name] = ""
            continue
        if i >= n or text[i] != "=":
            raise _ParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {_byte_offset(text, begin)}"
            )
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        value: list[str] = []
        if text[i] in "'\"":
            quote = text[i]
            i += 1
            while i < n and text[i] != quote:
                if text[i] == "&":
                    ch, i = _decode_entity(text, i)
                    value.append(ch)
                else:
                    value.append(text[i])
                    i += 1
            if i >= n:
                raise _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            i += 1
        else:
            while i < n and not text[i].isspace() and text[i] != ">":
                value.append(text[i])
                i += 1
        attrs[name] = "".join(value)


def _make_entity(tag: _OpenTag, length: int, outer: list[_OpenTag]) -> dict[str, Any] | None:
    if length <= 0:
        return None  # Telegram drops empty entities
    kind = _HTML_TAGS[tag.name]
    entity: dict[str, Any] = {"type": kind, "offset": tag.start, "length": length}
    if kind == "text_link":
        entity["url"] = tag.attrs.get("href", "")
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    elif kind == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "code" and outer and outer[-1].name == "pre":
        language = tag.attrs.get("class", "")
        if language.startswith("language-"):
            outer[-1].attrs["language"] = language.removeprefix("language-")
        return None  # <pre><code class=...> is one pre entity
    elif kind == "pre" and tag.attrs.get("language"):
        entity["language"] = tag.attrs["language"]
    return entity


def _strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace as Telegram does, moving and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    limit = utf16_len(stripped)
    result = []
    for e in entities:
        start = max(e["offset"] - shift, 0)
        end = min(e["offset"] - shift + e["length"], limit)
        if end > start:
            result.append({**e, "offset": start, "length": end - start})
    return stripped, result


def format_text(text: Any, parse_mode: Any, entities: Any, *, what: str = "text") -> tuple[str, list]:
    """Parse a text or caption like Telegram: (visible text, entities) or an ApiError."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        text = str(text)
    mode = (parse_mode or "").lower() if isinstance(parse_mode, str) else ""
    if mode == "html":
        try:
            visible, found = parse_html(text)
        except _ParseError as e:
            raise _bad(f"can't parse entities: {e}") from None
    elif mode in ("", "markdown", "markdownv2"):
        visible, found = text, list(entities) if isinstance(entities, list) else []
    else:
        raise _bad(f"unsupported parse_mode {parse_mode!r}")
    return _strip_text(visible, found)


_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")


def detect_entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram's clients attach on their own: bot commands, URLs, mentions."""
    found = []
    for kind, regex in (("bot_command", _COMMAND_RE), ("url", _URL_RE), ("mention", _MENTION_RE)):
        for m in regex.finditer(text):
            found.append(
                {"type": kind, "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
            )
    found.sort(key=lambda e: e["offset"])
    return found


# --------------------------------------------------------------------------------------------
# Reply markup
# --------------------------------------------------------------------------------------------

_BUTTON_KINDS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip


def _valid_button_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    if parts.scheme == "tg":
        return bool(parts.netloc or parts.path)
    return parts.scheme in ("http", "https") and ("." in host or host == "localhost")


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup like Telegram; return the inline keyboard to echo (or None)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise _bad("can't parse reply keyboard markup JSON object")
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for row in rows:
        for button in row:
            if not isinstance(button, dict):
                raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
            text = button.get("text")
            if not isinstance(text, str):
                raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
            if not text.strip():
                raise _bad("BUTTON_TEXT_INVALID")
            kinds = [k for k in _BUTTON_KINDS if k in button]
            if not kinds:
                raise _bad(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str):
                    raise _bad(
                        'can\'t parse inline keyboard button: Field "callback_data" must be of type String'
                    )
                if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                    raise _bad("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str):
                    raise _bad('can\'t parse inline keyboard button: Field "url" must be of type String')
                if not _valid_button_url(url):
                    raise _bad("BUTTON_URL_INVALID")
    return {"inline_keyboard": rows}


def _button_datas(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row if "callback_data" in b]


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


@dataclass
class StoredFile:
    """A file the fake holds: uploaded by the bot or sent by a user."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF or WEBP image, or None if it is no image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return (512, 512)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker, size = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return (w, h)
            i += 2 + size
        return (640, 480)
    return None


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


@dataclass
class Call:
    """One recorded Bot API request and the fake's answer."""

    index: int
    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    chat_id: int | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        return self.response.get("description")

    @property
    def text(self) -> str | None:
        """Visible text (or caption) of the message the call produced, else the raw parameter."""
        if isinstance(self.result, dict) and ("text" in self.result or "caption" in self.result):
            return self.result.get("text", self.result.get("caption"))
        return self.params.get("text", self.params.get("caption"))

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback_data) of the inline buttons sent with this call."""
        return _button_datas(self.result) if isinstance(self.result, dict) else []


@dataclass
class _Chat:
    user: dict[str, Any]
    next_message_id: int = 1
    blocked: bool = False


class FakeTelegram:
    """The fake Bot API server. ``async with FakeTelegram() as fake: ...``"""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "agreements_test_bot",
        bot_name: str = "Соглашения (тест)",
        strict_chats: bool = True,
    ) -> None:
        self.token = token
        self.bot_user = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.strict_chats = strict_chats
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._bots: list[Bot] = []
        self._stopping = False
        self.reset()

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        self._stopping = True
        self._wake_pollers()
        for bot in self._bots:
            # Close the plain-HTTP client session directly: AiohttpSession.close() sleeps 250 ms
            # for TLS connections to settle, which only slows tests here.
            client = getattr(bot.session, "_session", None)
            if client is not None and not client.closed:
                await client.close()
            else:
                await bot.session.close()
        self._bots.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def api_server(self) -> TelegramAPIServer:
        return TelegramAPIServer.from_base(self.base_url)

    def make_bot(self, token: str | None = None, **kwargs: Any) -> Bot:
        """An aiogram Bot talking to this server (its session is closed by stop())."""
        bot = Bot(token or self.token, session=AiohttpSession(api=self.api_server()), **kwargs)
        self._bots.append(bot)
        return bot

    def reset(self) -> None:
        """Forget every update, call, message, file and rule; users, ids and the server stay.

        Update, message and callback ids keep counting up (as on Telegram), so a running
        dispatcher's getUpdates offset stays valid across a reset.
        """
        if not hasattr(self, "_chats"):
            self._chats: dict[int, _Chat] = {}
            self._update_ids = itertools.count(1)
            self._query_ids = itertools.count(1)
            self._file_ids = itertools.count(1)
            self._poll_generation = 0
            self._poll_event = asyncio.Event()
            self._chat_events: dict[int | None, asyncio.Event] = {}
        for event in self._chat_events.values():
            event.set()  # waiters re-check against the emptied state
        self._chat_events = {}
        self.calls: list[Call] = []
        self._chat_calls: dict[int | None, list[Call]] = {}
        self._consumed: set[int] = set()
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._deleted: set[tuple[int, int]] = set()
        self._updates: list[dict[str, Any]] = []
        self._allowed_updates: list[str] | None = None
        self._queries: dict[str, int] = {}
        self._inline_queries: dict[str, int] = {}
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self._files: dict[str, StoredFile] = {}
        self._paths: dict[str, str] = {}
        self._floods: list[list[Any]] = []
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] = {}
        self.queued_at: dict[int, float] = {}

    # ---- users and updates -----------------------------------------------------------------

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

    def _queue(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, kind: payload})
        self.queued_at[update_id] = time.monotonic()
        self._wake_pollers()
        return payload

    def _user_message(self, user_id: int, **content: Any) -> dict[str, Any]:
        message = self._new_message(user_id, self.user(user_id), **content)
        return self._queue("message", message)

    def take_updates(self) -> list[dict[str, Any]]:
        """Remove and return the updates not yet fetched: to deliver them to webhooks yourself."""
        taken, self._updates = self._updates, []
        return taken

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

    # ---- inspecting calls ------------------------------------------------------------------

    @property
    def errors(self) -> list[Call]:
        """Calls answered with a non-2xx status."""
        return [c for c in self.calls if not c.ok]

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages currently in the chat (after edits, without deleted ones)."""
        bot_id = self.bot_user["id"]
        return [
            m
            for (c, mid), m in sorted(self._messages.items())
            if c == chat_id and m["from"]["id"] == bot_id and (c, mid) not in self._deleted
        ]

    def calls_for(self, chat_id: int | None, method: str | None = None) -> list[Call]:
        """Every recorded call to `chat_id` (optionally of one method), consumed or not."""
        return [c for c in self._chat_calls.get(chat_id, []) if method is None or c.method == method]

    async def wait_for(
        self,
        chat_id: int,
        method: str | Iterable[str] | None = "sendMessage",
        count: int = 1,
        timeout: float = 10.0,
        predicate: Callable[[Call], bool] | None = None,
        *,
        ok: bool | None = True,
    ) -> list[Call]:
        """Wait for the next `count` not yet awaited calls to `chat_id` and return them.

        Each returned call is consumed: the next wait_for returns later calls. `ok=True` (default)
        matches only successful calls, False only failed ones, None both. Raises AssertionError
        with what was recorded when the calls do not come within `timeout` seconds.
        """
        methods = {method} if isinstance(method, str) else (set(method) if method is not None else None)

        def matching() -> list[Call]:
            found = []
            for c in self._chat_calls.get(chat_id, []):
                if c.index in self._consumed or (methods is not None and c.method not in methods):
                    continue
                if (ok is not None and c.ok != ok) or (predicate is not None and not predicate(c)):
                    continue
                found.append(c)
                if len(found) == count:
                    break
            return found

        deadline = time.monotonic() + timeout
        while True:
            found = matching()
            if len(found) >= count:
                self._consumed.update(c.index for c in found)
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            event = self._chat_events.setdefault(chat_id, asyncio.Event())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        seen = [
            (c.method, c.status, (c.text or c.description or "")[:80])
            for c in self._chat_calls.get(chat_id, [])
        ]
        errors = [(c.method, c.description) for c in self.errors]
        raise AssertionError(
            f"waited {timeout}s for {count} x {method} to chat {chat_id}, got {len(found)}; "
            f"calls to this chat: {seen}; errors: {errors}"
        )

    # ---- flood control ---------------------------------------------------------------------

    def flood_next(
        self, method: str, retry_after: int = 1, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Make the next `times` calls of `method` (to `chat_id`, if given) answer 429."""
        self._floods.append([method.lower(), chat_id, retry_after, times])

    def _flood_for(self, method: str, chat_id: int | None) -> int | None:
        for rule in self._floods:
            if rule[0] == method.lower() and rule[1] in (None, chat_id) and rule[3] > 0:
                rule[3] -= 1
                return rule[2]
        return None

    # ---- HTTP plumbing ---------------------------------------------------------------------

    def _wake_pollers(self) -> None:
        self._poll_event.set()
        self._poll_event = asyncio.Event()

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, tuple[str, bytes, str]]]:
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes, str]] = {}
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
        else:
            raw: dict[str, Any] = dict(request.query)
            if request.can_read_body:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = (value.filename, value.file.read(), value.content_type)
                    else:
                        raw[key] = value
            for key, value in raw.items():
                params[key] = value if key in _RAW_STRING_FIELDS else _maybe_json(value)
        return params, files

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        try:
            params, files = await self._read_params(request)
        except (ValueError, json.JSONDecodeError):
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: can't parse request"},
                status=400,
            )
        chat_id = params.get("chat_id") if isinstance(params.get("chat_id"), int) else None
        if method.lower() == "answercallbackquery":
            chat_id = self._queries.get(str(params.get("callback_query_id")))
        if method.lower() == "answerinlinequery":
            chat_id = self._inline_queries.get(str(params.get("inline_query_id")))
        handler = getattr(self, f"_m_{method.lower()}", None)
        try:
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            retry_after = self._flood_for(method, chat_id)
            if retry_after is not None:
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
                )
            result = await handler(params, files)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as e:
            status = e.status
            body = {"ok": False, "error_code": e.status, "description": e.description}
            if e.parameters:
                body["parameters"] = e.parameters
        if request.transport is not None and not request.transport.is_closing():
            # A long poll whose client has gone (a stopped dispatcher) saw nothing: don't record it.
            self._record(method, params, files, status, body, chat_id)
        return web.json_response(body, status=status)

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, tuple[str, bytes, str]],
        status: int,
        body: dict[str, Any],
        chat_id: int | None,
    ) -> None:
        call = Call(
            len(self.calls),
            method,
            params,
            status,
            body,
            chat_id,
            {name: data for name, data, _ in files.values()},
        )
        self.calls.append(call)
        self._chat_calls.setdefault(chat_id, []).append(call)
        event = self._chat_events.pop(chat_id, None)
        if event is not None:
            event.set()

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        file_id = self._paths.get(request.match_info["path"])
        if file_id is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        stored = self._files[file_id]
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")

    # ---- helpers for methods ---------------------------------------------------------------

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

    def _store_file(
        self, data: bytes, folder: str, ext: str, name: str | None, mime: str | None
    ) -> StoredFile:
        n = next(self._file_ids)
        stored = StoredFile(
            f"FAKE{folder[:3].upper()}{n:06d}AgADfake",
            f"AQAD{n:06d}",
            data,
            f"{folder}/file_{n}.{ext}",
            name,
            mime,
        )
        self._files[stored.file_id] = stored
        self._paths[stored.file_path] = stored.file_id
        return stored

    @staticmethod
    def _document_obj(stored: StoredFile) -> dict[str, Any]:
        doc = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        if stored.file_name:
            doc["file_name"] = stored.file_name
        if stored.mime_type:
            doc["mime_type"] = stored.mime_type
        return doc

    def _input_file(
        self, params: dict[str, Any], files: dict[str, tuple[str, bytes, str]], key: str
    ) -> tuple[bytes, str | None, str | None, StoredFile | None]:
        """(bytes, filename, content type, already stored file) of a media parameter."""
        value = params.get(key)
        if key in files and value is None:
            name, data, ctype = files[key]
        elif isinstance(value, str) and value.startswith("attach://"):
            part = files.get(value.removeprefix("attach://"))
            if part is None:
                raise _bad("wrong file identifier/HTTP URL specified")
            name, data, ctype = part
        elif isinstance(value, str) and value in self._files:
            stored = self._files[value]
            return stored.data, stored.file_name, stored.mime_type, stored
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            raise _bad("failed to get HTTP URL content")
        else:
            raise _bad(
                "wrong file identifier/HTTP URL specified" if value else f"there is no {key} in the request"
            )
        if not data:
            raise _bad("file must be non-empty")
        return data, name, ctype, None

    def _send(self, chat: _Chat, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        chat_id = chat.user["id"]
        markup = check_reply_markup(params.get("reply_markup"))
        content = {**self._reply_to(chat_id, params), **content}
        if markup is not None:
            content["reply_markup"] = markup
        return self._new_message(chat_id, self.bot_user, **content)

    # ---- Bot API methods -------------------------------------------------------------------

    async def _m_getme(self, params: dict, files: dict) -> Any:
        return self.bot_user

    async def _m_getupdates(self, params: dict, files: dict) -> Any:
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = params["allowed_updates"] or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # an older long poll ends with 409, as on Telegram
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if isinstance(offset, int) and offset:
                self._confirm(offset)
            allowed = self._allowed_updates or _ALL_UPDATE_TYPES
            self._updates = [u for u in self._updates if any(k in u for k in allowed)]
            remaining = deadline - time.monotonic()
            if self._updates or remaining <= 0 or self._stopping:
                return self._updates[:limit]
            event = self._poll_event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        else:
            self._updates = self._updates[offset:]

    async def _m_setwebhook(self, params: dict, files: dict) -> Any:
        url = params.get("url") or ""
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {"url": url, "secret_token": params.get("secret_token")}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_deletewebhook(self, params: dict, files: dict) -> Any:
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_getwebhookinfo(self, params: dict, files: dict) -> Any:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        return json.dumps(
            [params.get("scope") or {"type": "default"}, params.get("language_code") or ""], sort_keys=True
        )

    async def _m_setmycommands(self, params: dict, files: dict) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad(
                "can't parse commands JSON object" if not isinstance(commands, list) else "too many commands"
            )
        for item in commands:
            command = item.get("command") if isinstance(item, dict) else None
            description = item.get("description") if isinstance(item, dict) else None
            if not isinstance(command, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", command):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = commands
        return True

    async def _m_getmycommands(self, params: dict, files: dict) -> Any:
        return self.commands.get(self._commands_key(params), [])

    async def _m_deletemycommands(self, params: dict, files: dict) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _m_setmydescription(self, params: dict, files: dict) -> Any:
        return True

    _m_setmyshortdescription = _m_setmydescription
    _m_setchatmenubutton = _m_setmydescription

    async def _m_sendmessage(self, params: dict, files: dict) -> Any:
        chat = self._target_chat(params)
        content = self._formatted(params, "text", "entities")
        if isinstance(params.get("link_preview_options"), dict):
            content["link_preview_options"] = params["link_preview_options"]
        return self._send(chat, params, content)

    async def _m_sendphoto(self, params: dict, files: dict) -> Any:
        chat = self._target_chat(params)
        content = self._formatted(params, "caption", "caption_entities")
        data, _, _, stored = self._input_file(params, files, "photo")
        size = _image_size(data)
        if size is None:
            raise _bad("IMAGE_PROCESS_FAILED")
        stored = stored or self._store_file(data, "photos", "jpg", None, "image/jpeg")
        w, h = size
        content["photo"] = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": w,
                "height": h,
                "file_size": len(data),
            }
        ]
        return self._send(chat, params, content)

    async def _m_senddocument(self, params: dict, files: dict) -> Any:
        chat = self._target_chat(params)
        content = self._formatted(params, "caption", "caption_entities")
        data, name, ctype, stored = self._input_file(params, files, "document")
        if stored is None:
            ext = name.rsplit(".", 1)[-1] if name and "." in name else "bin"
            mime = mimetypes.guess_type(name or "")[0] or ctype or "application/octet-stream"
            stored = self._store_file(data, "documents", ext, name, mime)
        content["document"] = self._document_obj(stored)
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

    async def _m_answercallbackquery(self, params: dict, files: dict) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        if self._queries.pop(query_id, None) is None:
            raise _bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        return True

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

    async def _m_getfile(self, params: dict, files: dict) -> Any:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise _bad("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD:
            raise _bad("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

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


def _maybe_json(value: str) -> Any:
    if value[:1] in ("{", "[") or value in ("true", "false", "null") or re.fullmatch(r"-?\d+(\.\d+)?", value):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


# 1x1 transparent PNG, the default picture of a user's photo message.
_TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d00000000"
    "49454e44ae426082"
)


@contextlib.asynccontextmanager
async def run_polling(
    dp: Dispatcher, bot: Bot, *, polling_timeout: int = 1, startup_timeout: float = 60.0, **kwargs: Any
) -> AsyncIterator[Bot]:
    """Run ``dp.start_polling(bot)`` in a task for the block, then stop it cleanly.

    Enters once the dispatcher's startup handlers have run (a failing startup raises here,
    not as a timeout later). Exceptions of the polling task are re-raised on exit; the bot's
    session stays open (the fake's stop() or the caller closes it). Yields the bot.
    """
    kwargs.setdefault("close_bot_session", False)
    started = asyncio.Event()

    async def mark_started() -> None:
        started.set()

    dp.startup.register(mark_started)  # runs after the bot's own startup handlers
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, polling_timeout=polling_timeout, **kwargs)
    )
    try:
        waiter = asyncio.ensure_future(started.wait())
        await asyncio.wait({task, waiter}, timeout=startup_timeout, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if task.done():
            task.result()  # raises the startup error
            raise RuntimeError("polling ended as soon as it started")
        if not started.is_set():
            raise TimeoutError(f"dispatcher startup took more than {startup_timeout} s")
        yield bot
    finally:
        dp.startup.handlers[:] = [h for h in dp.startup.handlers if h.callback is not mark_started]
        # stop_polling() needs start_polling's lock taken; aiogram exposes no public flag for it.
        if not task.done() and dp._running_lock.locked():
            try:
                await asyncio.wait_for(dp.stop_polling(), timeout=10)
            except (RuntimeError, TimeoutError):
                task.cancel()
        elif not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
