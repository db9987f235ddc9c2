"""The error handler: log the failure and tell the user, in Russian, that something went wrong."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.types import ErrorEvent

from shared_state import is_outage

log = logging.getLogger(__name__)
router = Router(name="errors")

APOLOGY = (
    "Извините, что-то пошло не так. Попробуйте ещё раз чуть позже — а если ошибка повторится, сообщите нам."
)

# Several instances share state in Redis (paging buttons, /export): while it is down those answers wait.
OUTAGE = (
    "Извините, общее хранилище бота сейчас не отвечает, поэтому ответить на это не получилось. "
    "Попробуйте ещё раз через минуту."
)


@router.errors()
async def on_error(event: ErrorEvent, bot: Bot) -> bool:
    update = event.update
    log.error("update %s failed: %r", update.update_id, event.exception, exc_info=event.exception)
    text = OUTAGE if is_outage(event.exception) else APOLOGY
    try:
        # a message, not a callback answer: the failed handler may have answered the callback already
        if update.callback_query is not None:
            query = update.callback_query
            await bot.send_message(query.message.chat.id if query.message else query.from_user.id, text)
        elif update.message is not None:
            await bot.send_message(update.message.chat.id, text)
    except Exception:  # the apology is best effort; an error here must not loop
        log.warning("could not send the apology for update %s", update.update_id, exc_info=True)
    return True
