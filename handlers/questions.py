"""Plain questions: a short message that is not news ("Калуга", "МТС", "какие соглашения подписала
Калужская область?", "что подписали на ПМЭФ?") is answered as /region, /partner or /search would,
with buttons for the other readings when it has several. News-like text goes on to articles."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.types import Message

from app.settings import Settings
from app.startup import is_seeding
from db.read.readings import readings
from fetching import collect_urls
from handlers.lookup import show
from intake.plain import is_question
from views.keyboards import PARTNER, REGION, SEARCH, readings_keyboard

router = Router(name="questions")

OTHER_READINGS = "Можно понять и иначе — нажмите на кнопку:"
QUESTION_HINT = (
    "Я понял сообщение как вопрос к базе. Спросите о регионе или партнёре (например, «Калуга» или "
    "«МТС»), а если это новость — пришлите её полный текст: я найду в нём соглашения."
)


async def _is_question(message: Message, settings: Settings) -> bool:
    """Async on purpose: aiogram runs sync filters in threads, which would reorder a user's messages."""
    text = message.text
    if not text or message.forward_origin is not None or message.forward_date is not None:
        return False  # a forward is news someone passes on: read it as an article
    if collect_urls(text, message.entities, max_links=settings.max_links):
        return False
    return is_question(text)


@router.message(_is_question)
async def on_question(message: Message, bot: Bot, **data: Any) -> None:
    text = " ".join((message.text or "").split())
    session = data["session"]
    found = await readings(session, text)
    options = [(f"Регион: {n}", REGION, n) for n in found.regions]
    options += [(f"Партнёр: {n}", PARTNER, n) for n in found.partners]
    rest = " ".join(found.words)
    user_id = message.from_user.id if message.from_user else message.chat.id
    common = {"qstore": data["qstore"], "last_results": data["last_results"], "seeding": is_seeding(data)}
    if not options:
        await show(bot, message.chat.id, user_id, session, SEARCH, rest or text, 0, hint=QUESTION_HINT, **common)
        return
    _, kind, query = options[0]
    await show(bot, message.chat.id, user_id, session, kind, query, 0, **common)
    others = options[1:]
    if rest:
        others.append((f"Искать «{rest[:40]}» по тексту", SEARCH, rest))
    if others:
        await bot.send_message(
            message.chat.id, OTHER_READINGS, reply_markup=await readings_keyboard(others, data["qstore"])
        )
