"""Console mode: the same dispatcher and handlers, a terminal instead of Telegram.

`ConsoleSession` is an aiogram session whose requests never leave the process: messages are
printed as plain text, inline buttons become numbered choices. `run_console` turns stdin lines
into Updates fed to the dispatcher; typing a choice's number presses its button.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import logging
import re
import sys
import tempfile
import threading
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardMarkup, InputFile, Update

log = logging.getLogger(__name__)

CONSOLE_TOKEN = "1000000:console-mode-no-network"
CONSOLE_USER_ID = 1
CONSOLE_API = TelegramAPIServer(base="console://{token}/{method}", file="{path}")
BLOCK = '"""'

PASTE_GAP = 0.05  # seconds: lines arriving closer together than this were pasted at once
INTRO = (
    "Консольный режим: тот же бот, но без Telegram и без сети.\n"
    "Пишите команды (/help, /region Калужская, /partner МТС), вопросы («Калуга», «МТС») или текст статьи.\n"
    "Вставленная статья из нескольких строк читается как одно сообщение; можно и заключить её между "
    f"строками {BLOCK}. Файл отправьте командой /file путь.\n"
    "Кнопки показаны номерами [1], [2]…: чтобы нажать, введите номер. Выход — Ctrl+D.\n"
    "Здесь вы администратор бота: вам доступны и команды администратора (/reload, /feeds, /reports — см. /help)."
)
FILE_USAGE = "Укажите путь к файлу после команды, например: /file статья.txt (файлы .txt и .html)."
NO_BUTTONS = "Кнопок сейчас нет: номер нажимает кнопку из последнего ответа."


def html_to_text(text: str) -> str:
    """Telegram HTML as terminal text: links show their address, quotes are indented."""
    text = re.sub(
        r'<a href="([^"]*)">(.*?)</a>',
        lambda m: m.group(2) if m.group(1) == m.group(2) else f"{m.group(2)} ({m.group(1)})",
        text,
        flags=re.S,
    )
    text = re.sub(
        r"<blockquote[^>]*>(.*?)</blockquote>",
        lambda m: "\n".join("  │ " + line for line in m.group(1).split("\n")),
        text,
        flags=re.S,
    )
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)


class ConsoleSession(BaseSession):
    """Answers Bot API methods locally and prints what the bot sends."""

    def __init__(self, out: TextIO | None = None) -> None:
        super().__init__(api=CONSOLE_API)
        self.out = out or sys.stdout
        self.choices: list[tuple[str, str | None, int]] = []  # (label, callback data, message id)
        self.messages: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self.files_dir = Path(tempfile.gettempdir()) / "agreements-bot-console"

    async def close(self) -> None:
        return None

    def _print(self, text: str) -> None:
        self.out.write(text.rstrip() + "\n")
        self.out.flush()

    def _buttons(self, markup: Any, message_id: int) -> str:
        if not isinstance(markup, InlineKeyboardMarkup):
            return ""
        labels = []
        for row in markup.inline_keyboard:
            for button in row:
                if button.callback_data is not None:
                    self.choices.append((button.text, button.callback_data, message_id))
                    labels.append(f"[{len(self.choices)}] {button.text}")
                elif button.url:
                    labels.append(f"{button.text} ({button.url})")
        return ("\n" + "  ".join(labels)) if labels else ""

    def _message(self, bot: Bot, chat_id: int | str, **content: Any) -> Any:
        from aiogram.types import Message

        message_id = content.pop("message_id", None) or next(self._ids)
        data = {
            "message_id": message_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": int(chat_id), "type": "private"},
            "from": {"id": int(CONSOLE_TOKEN.split(":")[0]), "is_bot": True, "first_name": "Бот"},
            **content,
        }
        self.messages[message_id] = data
        return Message.model_validate(data, context={"bot": bot})

    def _save(self, file: Any, default_name: str) -> Path:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        name = getattr(file, "filename", None) or default_name
        path = self.files_dir / Path(name).name
        data = file.data if hasattr(file, "data") else b""
        path.write_bytes(data)
        return path

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        result: Any = True
        if isinstance(method, GetMe):
            from aiogram.types import User

            result = User(
                id=int(CONSOLE_TOKEN.split(":")[0]), is_bot=True, first_name="Бот", username="console_bot"
            )
        elif isinstance(method, SendMessage):
            result = self._message(bot, method.chat_id, text=html_to_text(method.text))
            self._print("\n" + result.text + self._buttons(method.reply_markup, result.message_id))
        elif isinstance(method, EditMessageText):
            result = self._message(
                bot, method.chat_id or 0, text=html_to_text(method.text), message_id=method.message_id
            )
            self._print("(обновлено) " + result.text + self._buttons(method.reply_markup, result.message_id))
        elif isinstance(method, EditMessageReplyMarkup):
            self._print(self._buttons(method.reply_markup, method.message_id or 0).strip())
        elif isinstance(method, SendPhoto | SendDocument):
            file = method.photo if isinstance(method, SendPhoto) else method.document
            caption = html_to_text(method.caption) if isinstance(method.caption, str) else ""
            if isinstance(file, InputFile):
                path = self._save(file, "photo.png" if isinstance(method, SendPhoto) else "document.bin")
                what = "Картинка сохранена" if isinstance(method, SendPhoto) else "Файл сохранён"
                self._print(f"\n[{what}: {path}] {caption}")
            result = self._message(bot, method.chat_id, caption=caption or None)
        elif isinstance(method, AnswerCallbackQuery):
            if method.text:
                self._print(f"({method.text})")
        elif isinstance(method, GetFile):
            from aiogram.types import File

            path = Path(method.file_id)
            result = File(file_id=method.file_id, file_unique_id=path.name, file_path=str(path))
        return result  # type: ignore[return-value]

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        # Console "downloads" are local files sent with /file.
        data = await asyncio.to_thread(Path(url).read_bytes)
        for i in range(0, len(data), chunk_size):
            yield data[i : i + chunk_size]


_UPDATE_IDS = itertools.count(1)
_MESSAGE_IDS = itertools.count(1_000_000)


class ConsoleChat:
    """Turns typed lines into Updates for the dispatcher."""

    def __init__(
        self, dp: Dispatcher, bot: Bot, session: ConsoleSession, user_id: int = CONSOLE_USER_ID
    ) -> None:
        self.dp = dp
        self.bot = bot
        self.session = session
        self.user = {"id": user_id, "is_bot": False, "first_name": "Вы", "language_code": "ru"}
        self.chat = {"id": user_id, "type": "private", "first_name": "Вы"}
        # ids unique in the process: updates are deduplicated by id, and a chat may start again
        self._update_ids = _UPDATE_IDS
        self._message_ids = _MESSAGE_IDS

    def _update(self, **payload: Any) -> Update:
        return Update.model_validate(
            {"update_id": next(self._update_ids), **payload}, context={"bot": self.bot}
        )

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": self.chat,
            "from": self.user,
            **content,
        }

    def update_for(self, line: str) -> Update | None:
        """The Update a typed line stands for (None for an unknown choice number, already explained)."""
        stripped = line.strip()
        if stripped.isdigit() and len(stripped) <= 3 and not self.session.choices:
            self.session._print(NO_BUTTONS)
            return None
        if stripped.isdigit() and self.session.choices:
            index = int(stripped) - 1
            if not 0 <= index < len(self.session.choices):
                count = len(self.session.choices)
                self.session._print(f"Нет кнопки с номером {stripped}: есть [1]–[{count}].")
                return None
            _, data, message_id = self.session.choices[index]
            message = self.session.messages.get(
                message_id, {"message_id": message_id, "date": 0, "chat": self.chat}
            )
            return self._update(
                callback_query={
                    "id": str(next(self._update_ids)),
                    "from": self.user,
                    "chat_instance": "console",
                    "data": data,
                    "message": message,
                }
            )
        if stripped == "/file" or stripped.startswith("/file "):
            if not stripped[5:].strip():
                self.session._print(FILE_USAGE)
                return None
            path = Path(stripped[5:].strip()).expanduser()
            if not path.is_file():
                self.session._print(f"Файл не найден: {path}")
                return None
            document = {
                "file_id": str(path.resolve()),
                "file_unique_id": path.name,
                "file_name": path.name,
                "file_size": path.stat().st_size,
            }
            return self._update(message=self._message(document=document))
        return self._update(message=self._message(text=line))

    async def feed_line(self, line: str) -> None:
        update = self.update_for(line)
        if update is None:  # explained already; the buttons on screen still work
            return
        self.session.choices.clear()
        try:
            await self.dp.feed_update(self.bot, update)
        except Exception:  # the error handler already answered; keep the chat going
            log.exception("console update failed")
        replies = self.dp.workflow_data.get("replies")
        if replies is not None:  # an article is read in the queue: answer it before the next line
            await replies.idle(self.chat["id"])


def _pump_lines(stream: TextIO, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str]) -> None:
    """Read `stream` in a thread, line by line, into `lines`; "" at the end."""
    while True:
        raw = stream.readline()
        loop.call_soon_threadsafe(lines.put_nowait, raw)
        if raw == "":
            return


async def _next_message(lines: asyncio.Queue[str], join_pastes: bool) -> list[str]:
    """The next line, with the lines that came right behind it when pastes are joined (a paste
    arrives at once; typed lines do not). [""] at the end of input."""
    first = await lines.get()
    batch = [first]
    while join_pastes and first != "":
        try:
            more = await asyncio.wait_for(lines.get(), PASTE_GAP)
        except TimeoutError:
            break
        if more == "":
            lines.put_nowait("")  # the end comes after this message
            break
        batch.append(more)
    return batch


async def run_console(
    dp: Dispatcher,
    bot: Bot,
    session: ConsoleSession,
    stdin: TextIO | None = None,
    log_file: Path | None = None,
    *,
    join_pastes: bool | None = None,
) -> None:
    """Read stdin until EOF; each line (or a block between lines of three quotes) is one message.
    `join_pastes` (by default when stdin is a terminal): lines that arrive together, as a pasted
    article does, are one message; piped input stays a line a message."""
    stdin = stdin or sys.stdin
    interactive = stdin.isatty()
    join = interactive if join_pastes is None else join_pastes
    chat = ConsoleChat(dp, bot, session)
    session._print(INTRO + (f"\nЖурнал работы бота пишется в файл {log_file}." if log_file else ""))
    await dp.emit_startup(bot=bot, **dp.workflow_data)
    lines: asyncio.Queue[str] = asyncio.Queue()
    threading.Thread(
        target=_pump_lines, args=(stdin, asyncio.get_running_loop(), lines), daemon=True, name="console-stdin"
    ).start()
    try:
        block: list[str] | None = None
        while True:
            if interactive:
                session.out.write("> " if block is None else "… ")
                session.out.flush()
            batch = await _next_message(lines, join and block is None)
            if batch == [""]:
                break
            pasted = [raw.rstrip("\n") for raw in batch]
            if len(pasted) > 1 and not any(p.strip() == BLOCK for p in pasted):
                text = "\n".join(pasted).strip()
                if text:
                    await chat.feed_line(text)
                continue
            for raw in batch:
                block = await _take_line(chat, raw.rstrip("\n"), block)
    finally:
        await dp.emit_shutdown(bot=bot, **dp.workflow_data)


async def _take_line(chat: ConsoleChat, line: str, block: list[str] | None) -> list[str] | None:
    """One typed line: opens or closes a block between lines of three quotes, joins one, or is a
    message of its own. Returns the block being collected (None: none)."""
    if line.strip() == BLOCK:
        if block is None:
            return []
        line, block = "\n".join(block), None
    elif block is not None:
        block.append(line)
        return block
    if line.strip():
        await chat.feed_line(line)
    return block
