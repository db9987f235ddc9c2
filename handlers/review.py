"""/review for admins: agreements from news feeds held because extraction was not sure of them;
a button shows one (its followers are alerted then) or hides it."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from db import review
from db.models import HELD
from handlers.admin import IsAdmin
from handlers.moderation import ADMINS_ONLY, STATE, _edit_or_send
from views.cards import plural, short_card
from views.keyboards import ReviewCB, review_keyboard

router = Router(name="review")

REVIEW_PAGE = 5
AGREEMENTS = ("соглашение", "соглашения", "соглашений")


def _confidence(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


@router.message(Command("review"), IsAdmin())
async def cmd_review(message: Message, session: Any) -> None:
    views, total = await review.held(session, 0, REVIEW_PAGE)
    if not views:
        await message.answer("Проверки ничего не ждёт: все соглашения из лент показываются или уже разобраны.")
        return
    shown = f" Ниже первые {len(views)}; решите по ним и пришлите /review снова." if total > len(views) else ""
    await message.answer(
        f"<b>Ждут проверки</b>: {plural(total, AGREEMENTS)} из лент новостей, в которых извлечение не уверено. "
        f"Их не видно в ответах, и подписчики о них не знают, пока вы их не покажете.{shown}"
    )
    for view in views:
        await message.answer(
            f"{short_card(view)}\n<b>Уверенность:</b> {_confidence(view.confidence)}",
            reply_markup=review_keyboard(view.id),
        )


@router.message(Command("review"))
async def cmd_review_refused(message: Message) -> None:
    await message.answer(ADMINS_ONLY)


@router.callback_query(ReviewCB.filter(), IsAdmin())
async def on_review(callback: CallbackQuery, callback_data: ReviewCB, bot: Bot, session: Any) -> None:
    number, approve = callback_data.id, callback_data.a == "a"
    before = await (review.approve if approve else review.reject)(session, number)
    if before is None:
        await callback.answer("Соглашение не найдено.", show_alert=True)
        return
    await callback.answer("Готово" if before == HELD else "Уже решено")
    if before != HELD:
        text = f"Соглашение №{number} уже не ждёт проверки: сейчас оно {STATE.get(before, 'скрыто')}."
    elif approve:
        text = f"Соглашение №{number} показывается во всех ответах; подписчики получат уведомление."
    else:
        text = f"Соглашение №{number} скрыто из всех ответов. Вернуть: /restore {number}"
    await _edit_or_send(bot, callback, text)


@router.callback_query(ReviewCB.filter())
async def on_review_refused(callback: CallbackQuery) -> None:
    await callback.answer(ADMINS_ONLY, show_alert=True)

