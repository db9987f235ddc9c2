"""/region, /partner, /search, /recent, /agreement and their paging / card / suggestion buttons."""

from __future__ import annotations

import re
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, MagicData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.text_decorations import html_decoration as hd

from app.middlewares import release
from app.startup import SEEDING_NOTE, is_seeding
from db.read import aggregates, queries
from db.read.aggregates import Filters
from db.read.fulltext import RANK_LIMIT
from shared_state.last_results import LastResult, LastResults
from views.cards import full_card, pack, plural, q, short_card, user_query
from views.keyboards import (
    PARTNER,
    RECENT,
    REGION,
    SEARCH,
    CardCB,
    PageCB,
    QueryStore,
    SuggestCB,
    decode_query,
    full_card_keyboard,
    on_map_button,
    page_keyboard,
    readings_keyboard,
    suggestions_keyboard,
)
from views.map_image import money

router = Router(name="lookup")

PAGE_SIZE = 5
MAX_QUERY_CHARS = 200
SUMMARY_FROM = 3  # more agreements than this get a line of totals


def summary_line(t: aggregates.Totals) -> str:
    """"Всего 12 соглашений, 2019–2024 гг., на сумму 1,5 млрд ₽." """
    line = f"Всего {plural(t.count, ('соглашение', 'соглашения', 'соглашений'))}"
    if t.first_year and t.last_year:
        line += f", {t.first_year} г." if t.first_year == t.last_year else f", {t.first_year}–{t.last_year} гг."
    line += f", на сумму {money(t.total)}." if t.total else ", суммы не названы."
    return line

USAGE = {
    REGION: "Укажите регион после команды, например: <code>/region Калужская</code> "
    "или <code>/region Оренбуржье</code>.",
    PARTNER: "Укажите партнёра после команды, например: <code>/partner МТС</code> "
    "или <code>/partner Цифровая экономика</code>.",
    SEARCH: "Напишите, что искать, например: <code>/search цифровая экономика</code> "
    "или <code>/search Берг</code>.",
}


async def _send(bot: Bot, chat_id: int, parts: list[str], markup: InlineKeyboardMarkup | None) -> None:
    chunks = pack(parts)
    for i, chunk in enumerate(chunks):
        await bot.send_message(chat_id, chunk, reply_markup=markup if i == len(chunks) - 1 else None)


def _range(offset: int, shown: int, total: int) -> str:
    if total <= shown and offset == 0:
        return ""
    return f" Показаны {offset + 1}–{offset + shown} из {total}."


async def show(
    bot: Bot,
    chat_id: int,
    user_id: int,
    session: Any,
    kind: str,
    query: str,
    offset: int,
    qstore: QueryStore,
    last_results: LastResults,
    seeding: bool = False,
    hint: str | None = None,
) -> None:
    """Run one lookup page and send it: header, short cards, card and paging buttons; `seeding`:
    the seeds are still being loaded (first start), which an empty answer then says; `hint`: what
    an empty search says instead of the usual advice."""
    offset = max(0, offset)
    query = user_query(query, MAX_QUERY_CHARS)
    on_map = None
    if kind in (REGION, PARTNER):
        finder = queries.by_region if kind == REGION else queries.by_partner
        lookup = await finder(session, query, offset=offset, limit=PAGE_SIZE)
        page = lookup.page
        if not page.items:
            await release(session)
            await _nothing_found(
                bot, chat_id, kind, query, lookup.matched, lookup.suggestions, qstore, offset, seeding
            )
            return
        what = "Регион" if kind == REGION else "Партнёр"
        names = ", ".join(lookup.matched) or query
        header = f"<b>{what}: {q(names, 300)}</b>\nСоглашений: {page.total}, сначала новые."
        if page.total > SUMMARY_FROM:
            filters = Filters(region=query) if kind == REGION else Filters(partner=query)
            header += "\n" + summary_line(await aggregates.totals(session, await aggregates.select_by(session, filters)))
        on_map = await on_map_button(lookup.matched[0] if kind == REGION and lookup.matched else query, qstore, kind == REGION)
    elif kind == SEARCH:
        page = await queries.search(session, query, offset=offset, limit=PAGE_SIZE)
        if not page.items:
            await release(session)
            text = f"По запросу «{q(query, 100)}» ничего не нашлось."
            if offset:
                text = "Больше результатов нет."
            if seeding and not offset:
                text += f"\n{SEEDING_NOTE}"
            elif not offset:
                text += "\n" + (hint or "Попробуйте другие слова или /help.")
            await bot.send_message(chat_id, text)
            return
        found = f"больше {page.total}" if page.more else str(page.total)
        header = f"<b>Поиск: «{q(query, 100)}»</b>\nНайдено соглашений: {found}"
        if page.more or page.total > RANK_LIMIT:
            header += ", сначала добавленные последними. Уточните запрос, чтобы увидеть лучшие совпадения."
        else:
            header += ", сначала лучшие совпадения."
    else:
        page = await queries.recent(session, offset=offset, limit=PAGE_SIZE)
        if not page.items:
            await release(session)
            text = "Больше соглашений нет — это был конец списка." if offset else "В базе пока нет соглашений."
            if seeding and not offset:
                text += f"\n{SEEDING_NOTE}"
            await bot.send_message(chat_id, text)
            return
        header = f"<b>Последние соглашения</b>\nВсего в базе: {page.total}. Сначала новые по дате подписания."
    await release(session)
    header += _range(page.offset, len(page.items), page.total)
    await last_results.set(user_id, LastResult(kind=kind, query=query))
    parts = [header, *(short_card(item) for item in page.items)]
    markup = await page_keyboard(page, kind, query, qstore)
    if on_map is not None:
        rows = markup.inline_keyboard if markup else []
        markup = InlineKeyboardMarkup(inline_keyboard=[*rows, [on_map]])
    await _send(bot, chat_id, parts, markup)


async def _nothing_found(
    bot: Bot,
    chat_id: int,
    kind: str,
    query: str,
    matched: list[str],
    suggestions: list[str],
    qstore: QueryStore,
    offset: int,
    seeding: bool = False,
) -> None:
    if offset:
        await bot.send_message(chat_id, "Больше результатов нет.")
        return
    note = f"\n{SEEDING_NOTE}" if seeding else ""
    if matched:
        names = ", ".join(matched)
        await bot.send_message(chat_id, f"<b>{q(names, 300)}</b>: соглашений в базе пока нет.{note}")
        return
    what = "регион" if kind == REGION else "партнёра"
    text = f"Не нашёл {what} «{q(query, 100)}»."
    markup = await suggestions_keyboard(kind, suggestions, qstore)
    if markup:
        text += "\nВозможно, вы имели в виду (нажмите на кнопку):"
    elif seeding:
        text += note
    else:
        whom = "регионов" if kind == REGION else "партнёров"
        text += (
            f"\nСреди {whom} в базе нет ничего похожего. Можно поискать эти слова во всём тексте "
            "соглашений (кнопка ниже) или посмотреть /stats — там список регионов и партнёров."
        )
        markup = await readings_keyboard([(f"Искать «{query[:40]}» по тексту", SEARCH, query)], qstore)
    await bot.send_message(chat_id, text, reply_markup=markup)


def _deps(data: dict[str, Any]) -> tuple[QueryStore, LastResults]:
    return data["qstore"], data["last_results"]


async def _command(message: Message, command: CommandObject, kind: str, bot: Bot, **data: Any) -> None:
    arg = (command.args or "").strip()
    if not arg:
        await message.answer(USAGE[kind])
        return
    qstore, last_results = _deps(data)
    user_id = message.from_user.id if message.from_user else message.chat.id
    await show(
        bot, message.chat.id, user_id, data["session"], kind, arg, 0, qstore, last_results,
        seeding=is_seeding(data),
    )  # fmt: skip


@router.message(Command("region", ignore_case=True))
async def cmd_region(message: Message, command: CommandObject, bot: Bot, **data: Any) -> None:
    await _command(message, command, REGION, bot, **data)


@router.message(Command("partner", ignore_case=True))
async def cmd_partner(message: Message, command: CommandObject, bot: Bot, **data: Any) -> None:
    await _command(message, command, PARTNER, bot, **data)


@router.message(Command("search", ignore_case=True))
async def cmd_search(message: Message, command: CommandObject, bot: Bot, **data: Any) -> None:
    await _command(message, command, SEARCH, bot, **data)


@router.message(Command("recent", ignore_case=True))
async def cmd_recent(message: Message, bot: Bot, **data: Any) -> None:
    qstore, last_results = _deps(data)
    user_id = message.from_user.id if message.from_user else message.chat.id
    await show(
        bot, message.chat.id, user_id, data["session"], RECENT, "", 0, qstore, last_results,
        seeding=is_seeding(data),
    )  # fmt: skip


_NUMBER = re.compile(r"[№#]?\s*([0-9]+)")
MAX_NUMBER_DIGITS = 30  # longer "numbers" are not worth converting (and surely no id)


def agreement_number(args: str | None) -> int | None:
    """The agreement number a command names ("5", "№5", "#5"), or None for anything else.

    Only ASCII digits count: "²" or "５" are digits to `str.isdigit` but no number a person means.
    A number beyond any id (64-bit or larger) is still a number: it is just not found.
    """
    found = _NUMBER.fullmatch((args or "").strip())
    if found is None or len(found.group(1)) > MAX_NUMBER_DIGITS:
        return None
    return int(found.group(1))


@router.message(Command("agreement", ignore_case=True))
async def cmd_agreement(message: Message, command: CommandObject, **data: Any) -> None:
    number = agreement_number(command.args)
    if number is None:
        await message.answer("Укажите номер соглашения цифрами, например: <code>/agreement 1</code>.")
        return
    view = await queries.get(data["session"], number)
    if view is None:
        await message.answer(f"Соглашение №{hd.quote(_short_number(number))} не найдено.")
        return
    user_id = message.from_user.id if message.from_user else message.chat.id
    await data["last_results"].set(user_id, LastResult(kind="ids", ids=(view.id,)))
    await message.answer(full_card(view), reply_markup=full_card_keyboard(view.id, view.history_total, len(view.history)))


def _short_number(number: int) -> str:
    text = str(number)
    return text if len(text) <= 20 else text[:20] + "…"


def _chat_id(callback: CallbackQuery) -> int:
    if callback.message is not None:
        return callback.message.chat.id
    return callback.from_user.id


@router.callback_query(PageCB.filter())
async def on_page(callback: CallbackQuery, callback_data: PageCB, bot: Bot, **data: Any) -> None:
    qstore, last_results = _deps(data)
    query = await decode_query(qstore, callback_data.q)
    if callback_data.k not in (REGION, PARTNER, SEARCH, RECENT) or query is None:
        await callback.answer("Этот результат устарел, повторите запрос.", show_alert=True)
        return
    await callback.answer()
    await show(
        bot, _chat_id(callback), callback.from_user.id, data["session"],
        callback_data.k, query, callback_data.o, qstore, last_results,
    )  # fmt: skip


@router.callback_query(SuggestCB.filter())
async def on_suggestion(callback: CallbackQuery, callback_data: SuggestCB, bot: Bot, **data: Any) -> None:
    qstore, last_results = _deps(data)
    query = await decode_query(qstore, callback_data.q)
    if callback_data.k not in (REGION, PARTNER, SEARCH) or query is None:
        await callback.answer("Эта подсказка устарела, повторите запрос.", show_alert=True)
        return
    await callback.answer()
    await show(
        bot,
        _chat_id(callback),
        callback.from_user.id,
        data["session"],
        callback_data.k,
        query,
        0,
        qstore,
        last_results,
    )


@router.callback_query(CardCB.filter())
async def on_card(callback: CallbackQuery, callback_data: CardCB, bot: Bot, **data: Any) -> None:
    view = await queries.get(data["session"], callback_data.id)
    if view is None:
        await callback.answer("Соглашение не найдено — возможно, база была перезагружена.", show_alert=True)
        return
    await callback.answer()
    await bot.send_message(_chat_id(callback), full_card(view), reply_markup=full_card_keyboard(view.id, view.history_total, len(view.history)))


@router.callback_query(MagicData(F.event.data))  # async: see handlers/articles.py
async def on_unknown_callback(callback: CallbackQuery) -> None:
    await callback.answer("Эта кнопка больше не работает, повторите запрос.", show_alert=True)
