"""Errors and limits of the fake Bot API: ApiError, Telegram's limits and fixed error texts."""

from __future__ import annotations

from typing import Any

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
