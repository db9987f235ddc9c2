"""Fixing what is wrong: «Неверно?» reports from users; /reports, /delete, /restore for admins."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from db import moderation
from db.models import DELETED, HELD, HIDDEN, VISIBLE
from handlers.admin import IsAdmin
from handlers.lookup import agreement_number
from views.cards import full_card, pack, q
from views.keyboards import ModCB, ReasonCB, ReportCB, moderation_keyboard, reasons_keyboard

log = logging.getLogger(__name__)
router = Router(name="moderation")

REPORTS_PAGE = 10
ADMINS_ONLY = "Извините, эта команда доступна только администраторам бота."
STATE = {VISIBLE: "показывается", HIDDEN: "скрыто", DELETED: "удалено", HELD: "ждёт проверки в /review"}


def _chat_id(callback: CallbackQuery) -> int:
    return callback.message.chat.id if callback.message is not None else callback.from_user.id


async def _edit_or_send(bot: Bot, callback: CallbackQuery, text: str, markup: Any = None) -> None:
    """Replace the message the button was on (the question it asked), else send a new one."""
    message = callback.message
    if isinstance(message, Message):
        try:
            await bot.edit_message_text(
                text=text, chat_id=message.chat.id, message_id=message.message_id, reply_markup=markup
            )
            return
        except TelegramBadRequest as exc:  # deleted, too old, or unchanged: say it anew
            log.info("could not edit the report question: %s", exc)
    await bot.send_message(_chat_id(callback), text, reply_markup=markup)


# ---- users: «Неверно?» ---------------------------------------------------------------------


@router.callback_query(ReportCB.filter())
async def on_report(callback: CallbackQuery, callback_data: ReportCB, bot: Bot, session: Any) -> None:
    from db.read import queries

    view = await queries.get(session, callback_data.id)
    if view is None:
        await callback.answer("Соглашение не найдено — возможно, его уже убрали из базы.", show_alert=True)
        return
    await callback.answer()
    await bot.send_message(
        _chat_id(callback),
        f"Что не так с соглашением №{view.id}? Выберите, и администраторы проверят его.",
        reply_markup=reasons_keyboard(view.id, moderation.REASONS),
    )


@router.callback_query(ReasonCB.filter())
async def on_reason(callback: CallbackQuery, callback_data: ReasonCB, bot: Bot, session: Any) -> None:
    if callback_data.r == "cancel":
        await callback.answer("Хорошо, ничего не отправляю.")
        await _edit_or_send(bot, callback, f"Жалоба на соглашение №{callback_data.id} отменена.")
        return
    if callback_data.r not in moderation.REASONS:
        await callback.answer("Эта кнопка больше не работает, повторите запрос.", show_alert=True)
        return
    stored = await moderation.add_report(session, callback_data.id, callback.from_user.id, callback_data.r)
    if stored is None:
        await callback.answer("Соглашение не найдено — возможно, его уже убрали из базы.", show_alert=True)
        return
    await callback.answer("Спасибо!")
    reason = moderation.reason_text(callback_data.r)
    if stored:
        text = f"Спасибо! Сообщение «{q(reason)}» о соглашении №{callback_data.id} передано администраторам."
    else:
        text = f"Вы уже сообщали, что в соглашении №{callback_data.id}: {q(reason)}. Администраторы проверят."
    await _edit_or_send(bot, callback, text)


# ---- admins ----------------------------------------------------------------------------------


def _reports_page(groups: list[moderation.ReportGroup], total: int, offset: int) -> tuple[str, Any]:
    if not groups:
        return ("Открытых жалоб нет." if not offset else "Больше жалоб нет."), None
    lines = [f"<b>Жалобы</b> (соглашений с открытыми жалобами: {total})"]
    rows: list[list[InlineKeyboardButton]] = []
    for group in groups:
        reasons = ", ".join(f"{q(moderation.reason_text(r), 120)} ×{n}" for r, n in group.reasons.items())
        if group.agreement_id is None:
            lines.append(f"• соглашение уже удалено из базы: {reasons}")
            continue
        state = "" if group.hidden == VISIBLE else f" [{STATE[group.hidden]}]"
        who = f", пользователей: {group.users}" if group.users else ""
        lines.append(f"• <b>№{group.agreement_id}</b>{state} {q(group.title, 200)}\n  {reasons}{who}")
        keyboard = moderation_keyboard(group.agreement_id, hidden=group.hidden != VISIBLE)
        rows.extend(keyboard.inline_keyboard)
    nav = []
    if offset > 0:
        nav.append(
            InlineKeyboardButton(
                text="« Назад", callback_data=ModCB(a="p", id=max(0, offset - REPORTS_PAGE)).pack()
            )
        )
    if offset + len(groups) < total:
        nav.append(
            InlineKeyboardButton(text="Дальше »", callback_data=ModCB(a="p", id=offset + REPORTS_PAGE).pack())
        )
    if nav:
        rows.append(nav)
    text = pack(lines)[0]
    return text, InlineKeyboardMarkup(inline_keyboard=rows[:100]) if rows else None


@router.message(Command("reports", ignore_case=True), IsAdmin())
async def cmd_reports(message: Message, session: Any) -> None:
    groups, total = await moderation.open_reports(session, 0, REPORTS_PAGE)
    text, markup = _reports_page(groups, total, 0)
    await message.answer(text, reply_markup=markup)


@router.message(Command("delete", ignore_case=True), IsAdmin())
async def cmd_delete(message: Message, command: CommandObject, session: Any) -> None:
    number = agreement_number(command.args)
    if number is None:
        await message.answer(
            "Укажите номер соглашения: <code>/delete 12</code>. Я покажу его и спрошу, скрыть его "
            "(можно вернуть командой /restore) или удалить совсем."
        )
        return
    found = await moderation.admin_view(session, number)
    if found is None or found.hidden == DELETED:
        await message.answer(f"Соглашение №{q(str(number), 30)} не найдено.")
        return
    state = "" if found.hidden == VISIBLE else "\n<i>Сейчас оно скрыто.</i>"
    await message.answer(
        pack([full_card(found.view) + state, "Скрыть его или удалить совсем?"])[0],
        reply_markup=moderation_keyboard(found.view.id, hidden=found.hidden != VISIBLE, with_view=False),
    )


@router.message(Command("restore", ignore_case=True), IsAdmin())
async def cmd_restore(message: Message, command: CommandObject, session: Any) -> None:
    number = agreement_number(command.args)
    if number is None:
        await message.answer("Укажите номер скрытого соглашения: <code>/restore 12</code>.")
        return
    await message.answer(await _restore_text(session, number))


async def _restore_text(session: Any, number: int) -> str:
    before = await moderation.restore(session, number)
    if before is None:
        return f"Соглашение №{q(str(number), 30)} не найдено."
    if before == DELETED:
        return f"Соглашение №{number} удалено совсем, вернуть его нельзя."
    if before == VISIBLE:
        return f"Соглашение №{number} и так показывается."
    if before == HELD:
        return f"Соглашение №{number} ждёт проверки: показать или скрыть его можно в /review."
    return f"Соглашение №{number} снова показывается во всех ответах."


@router.message(Command("reports", "delete", "restore", ignore_case=True))
async def cmd_moderation_refused(message: Message) -> None:
    await message.answer(ADMINS_ONLY)


def _hidden_text(number: int, before: int, *, deleted: bool) -> str:
    """What hiding or deleting did, told from the state the agreement had: another admin may have
    acted on it first."""
    if before == DELETED:
        return f"Уже удалено: соглашение №{number} удалили раньше (другой администратор?), вернуть его нельзя."
    if deleted:
        return f"Соглашение №{number} удалено: его нет ни в одном ответе, и оно не вернётся при перезагрузке."
    if before == HIDDEN:
        return f"Уже скрыто: соглашение №{number} скрыли раньше. Вернуть: /restore {number}"
    return f"Соглашение №{number} скрыто из всех ответов. Вернуть: /restore {number}"


@router.callback_query(ModCB.filter(), IsAdmin())
async def on_moderation(callback: CallbackQuery, callback_data: ModCB, bot: Bot, session: Any) -> None:
    action, number = callback_data.a, callback_data.id
    admin = callback.from_user.id
    if action == "p":
        await callback.answer()
        groups, total = await moderation.open_reports(session, number, REPORTS_PAGE)
        text, markup = _reports_page(groups, total, number)
        await bot.send_message(_chat_id(callback), text, reply_markup=markup)
        return
    if action == "v":
        found = await moderation.admin_view(session, number)
        if found is None:
            await callback.answer("Соглашение не найдено.", show_alert=True)
            return
        await callback.answer()
        state = "" if found.hidden == VISIBLE else f"\n<i>Сейчас оно {STATE[found.hidden]}.</i>"
        await bot.send_message(_chat_id(callback), full_card(found.view) + state)
        return
    if action in ("h", "d"):
        before = await moderation.hide(session, number, admin, delete_it=action == "d")
        if before is None:
            await callback.answer("Соглашение не найдено.", show_alert=True)
            return
        text = _hidden_text(number, before, deleted=action == "d")
        await callback.answer("Уже сделано" if text.startswith("Уже") else "Готово")
        await bot.send_message(_chat_id(callback), text)
        return
    if action == "r":
        await callback.answer()
        await bot.send_message(_chat_id(callback), await _restore_text(session, number))
        return
    if action == "x":
        closed = await moderation.dismiss(session, number, admin)
        await callback.answer("Готово")
        await bot.send_message(
            _chat_id(callback), f"Жалобы на соглашение №{number} отклонены (закрыто: {closed})."
        )
        return
    await callback.answer("Отменено.")


@router.callback_query(ModCB.filter())
async def on_moderation_refused(callback: CallbackQuery) -> None:
    await callback.answer(ADMINS_ONLY, show_alert=True)
