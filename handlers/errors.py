"""The error handler: log the failure and tell the user, in Russian, that something went wrong; a
callback or inline query the failed handler left unanswered is answered here."""

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

# The base or Redis does not answer (down, hung, or too slow): a short timeout ends the wait.
OUTAGE = "Извините, база временно недоступна, попробуйте через минуту."
SHORT_APOLOGY = "Не получилось, попробуйте ещё раз чуть позже."
SHORT_OUTAGE = "База временно недоступна, попробуйте через минуту."


@router.errors()
async def on_error(event: ErrorEvent, bot: Bot, answered: set[str] | None = None) -> bool:
    update = event.update
    log.error("update %s failed: %r", update.update_id, event.exception, exc_info=event.exception)
    outage = is_outage(event.exception)
    text = OUTAGE if outage else APOLOGY
    answered = answered if answered is not None else set()
    try:
        if update.callback_query is not None:
            query = update.callback_query
            if query.id not in answered:  # the button stops spinning and says why
                await bot.answer_callback_query(query.id, SHORT_OUTAGE if outage else SHORT_APOLOGY)
            await bot.send_message(query.message.chat.id if query.message else query.from_user.id, text)
        elif update.inline_query is not None:
            if update.inline_query.id not in answered:  # an empty menu, asked again shortly
                await bot.answer_inline_query(update.inline_query.id, [], cache_time=0, is_personal=True)
        elif update.message is not None:
            await bot.send_message(update.message.chat.id, text)
    except Exception:  # the apology is best effort; an error here must not loop
        log.warning("could not send the apology for update %s", update.update_id, exc_info=True)
    return True
