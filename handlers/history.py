"""«Что было дальше» under a full card: the agreement's later news, page by page."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.types import CallbackQuery

from db.history.read import news_page
from db.read.cards import MAX_ID
from views.history import news_page_text
from views.keyboards import NewsCB, news_keyboard

router = Router(name="history")
PAGE = 10


@router.callback_query(NewsCB.filter())
async def on_news(callback: CallbackQuery, callback_data: NewsCB, bot: Bot, **data: Any) -> None:
    agreement_id, offset = callback_data.id, max(0, callback_data.o)
    items, total = ([], 0) if not 0 < agreement_id <= MAX_ID else await news_page(
        data["session"], agreement_id, offset, PAGE
    )
    if not items:
        await callback.answer("Новостей об этом соглашении больше нет.", show_alert=True)
        return
    await callback.answer()
    chat_id = callback.message.chat.id if callback.message is not None else callback.from_user.id
    await bot.send_message(
        chat_id, news_page_text(agreement_id, items, offset, total),
        reply_markup=news_keyboard(agreement_id, offset, len(items), total),
    )
