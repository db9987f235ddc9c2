"""Telegram WebApp `initData`: checked with the bot token (HMAC-SHA256, Telegram's WebApp spec, by
aiogram's implementation) and no older than a day."""

from __future__ import annotations

import time

from aiogram.utils.web_app import safe_parse_webapp_init_data

MAX_AGE = 24 * 3600.0  # seconds
MAX_INIT_DATA = 4096  # characters: Telegram's are a few hundred


def user_of(init_data: str | None, bot_token: str | None, now: float | None = None) -> int | None:
    """The Telegram user id `init_data` vouches for, or None when it is missing, forged, malformed,
    stale (auth_date over MAX_AGE ago) or the bot has no token to check it with."""
    if not init_data or not bot_token or len(init_data) > MAX_INIT_DATA:
        return None
    try:
        data = safe_parse_webapp_init_data(bot_token, init_data)
    except (ValueError, TypeError):
        return None
    now = time.time() if now is None else now
    age = now - data.auth_date.timestamp()
    if not -60 <= age <= MAX_AGE or data.user is None:
        return None
    return data.user.id
