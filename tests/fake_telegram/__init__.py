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

from .calls import Call
from .errors import (
    CHAT_ACTIONS,
    DEFAULT_TOKEN,
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_DOWNLOAD,
    MAX_INLINE_RESULTS,
    MAX_NEXT_OFFSET_BYTES,
    MAX_RESULT_ID_BYTES,
    MAX_TEXT,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
)
from .files import StoredFile
from .html import detect_entities, format_text, parse_html, utf16_len
from .markup import check_reply_markup
from .polling import run_polling
from .server import FakeTelegram

__all__ = [
    "CHAT_ACTIONS",
    "DEFAULT_TOKEN",
    "MAX_CALLBACK_DATA",
    "MAX_CAPTION",
    "MAX_DOWNLOAD",
    "MAX_INLINE_RESULTS",
    "MAX_NEXT_OFFSET_BYTES",
    "MAX_RESULT_ID_BYTES",
    "MAX_TEXT",
    "NOT_MODIFIED",
    "QUERY_TOO_OLD",
    "ApiError",
    "Call",
    "FakeTelegram",
    "StoredFile",
    "check_reply_markup",
    "detect_entities",
    "format_text",
    "parse_html",
    "run_polling",
    "utf16_len",
]
