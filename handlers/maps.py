"""/map (the tile map of the regions, by count or sum), /event (an event's agreements and totals),
/events (the events in the base), and their buttons."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from app.middlewares import release
from app.settings import Settings
from db.read import aggregates, events
from db.read.aggregates import Filters
from db.read.queries import region_targets
from views.cards import fit_plain, pack, plural, q, short_card, user_query
from views.keyboards import EventCB, MapCB, QueryStore, decode_query, event_keyboard, map_keyboard
from views.map_image import COUNT, SUM, money, render_map

router = Router(name="maps")

MAX_QUERY_CHARS = 200
PAGE_SIZE = 5
MAX_CAPTION_LINES = 10
MAX_CAPTION_CHARS = 1000  # Telegram's limit is 1024 characters of text
_SUM_WORDS = re.compile(r"(?i)(?<!\w)(?:сумм[аеуы]|по\s+сумме|sum)(?!\w)")
_YEAR_WORD = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
EVENT_USAGE = (
    "Укажите событие после команды, например: <code>/event ПМЭФ-2024</code>, <code>/event ВЭФ</code> "
    "или <code>/event Иннопром</code>. Список событий — /events."
)


def parse_map_args(text: str) -> tuple[str, int | None, str]:
    """(mode, year, the rest: a partner, a country or a region) of what follows /map."""
    text = user_query(text, MAX_QUERY_CHARS)
    mode = SUM if _SUM_WORDS.search(text) else COUNT
    text = _SUM_WORDS.sub(" ", text)
    found = _YEAR_WORD.search(text)
    year = int(found[1]) if found else None
    rest = _YEAR_WORD.sub(" ", text) if found else text
    return mode, year, " ".join(rest.split())


def _count_line(n: int) -> str:
    return plural(n, ("соглашение", "соглашения", "соглашений"))


async def send_map(
    bot: Bot, chat_id: int, session: Any, args: str, qstore: QueryStore, settings: Settings,
    mode: str | None = None, private: bool = True, region: bool = False,
) -> None:  # fmt: skip
    """Answer /map `args` with the picture, its caption and the count/sum switch; `region`: `args`
    names a region (outlined on the map of all), not a partner."""
    asked_mode, year, rest = parse_map_args(args)
    mode = mode or asked_mode
    filters = Filters(year=year, partner="" if region else rest)
    selection = await aggregates.select_by(session, filters)
    highlight: str | None = None
    what = ", ".join(selection.matched.get("partner", []))
    if rest and (selection.nothing or region):  # not a partner: a region is shown among all the others
        names, targets, suggestions = await region_targets(session, rest)
        if not targets:
            await release(session)
            near = ", ".join(q(s, 80) for s in (suggestions or selection.suggestions)[:5])
            text = f"Не нашёл партнёра, страну или регион «{q(rest, 100)}»."
            await bot.send_message(chat_id, text + (f"\nВозможно: {near}." if near else ""))
            return
        highlight, what = names[0], ""
        selection = await aggregates.select_by(session, Filters(year=year))
    totals = await aggregates.region_totals(session, selection)
    agreements = await aggregates.count(session, selection)
    await release(session)
    values = {t.name: float(t.count if mode == COUNT else t.total) for t in totals}
    ranked = sorted((t for t in totals if values[t.name] > 0), key=lambda t: (-values[t.name], t.name))[:10]
    top = [f"{i}. {t.name} — {t.count if mode == COUNT else money(t.total)}" for i, t in enumerate(ranked, 1)]
    title = "Соглашения регионов" + (f": {what}" if what else "") + (f", {year}" if year else "")
    title += " — по сумме" if mode == SUM else ""
    image = await asyncio.to_thread(render_map, values, mode, fit_plain(title, 90), top, highlight)
    regions = sum(1 for t in totals if t.count)
    where = "регионе" if regions % 10 == 1 and regions % 100 != 11 else "регионах"
    lines = [f"<b>{q(title, 200)}</b>", f"{_count_line(agreements)} в {regions} {where}."]
    if highlight:
        mine = next((t for t in totals if t.name == highlight), None)
        lines.append(f"{q(highlight, 100)}: {mine.count if mine else 0}, выделен на карте.")
    caption = "\n".join(lines)
    for line in top[:MAX_CAPTION_LINES]:  # as many of the top ten as a caption holds
        if len(caption) + len(line) + 1 > MAX_CAPTION_CHARS:
            break
        caption += "\n" + q(line, 120)
    markup = await map_keyboard(
        mode, args, qstore, settings.web_public_url if private else None, "r" if region else ""
    )
    await bot.send_photo(
        chat_id, BufferedInputFile(image.png, filename="map.png"), caption=caption, reply_markup=markup
    )


def _private(message: Message | None) -> bool:
    return message is not None and message.chat.type == "private"


@router.message(Command("map"))
async def cmd_map(message: Message, command: CommandObject, bot: Bot, **data: Any) -> None:
    await send_map(
        bot, message.chat.id, data["session"], command.args or "", data["qstore"], data["settings"],
        private=_private(message),
    )  # fmt: skip


@router.callback_query(MapCB.filter())
async def on_map(callback: CallbackQuery, callback_data: MapCB, bot: Bot, **data: Any) -> None:
    query = await decode_query(data["qstore"], callback_data.q)
    if query is None or callback_data.m not in ("c", "s"):
        await callback.answer("Эта кнопка устарела, повторите /map.", show_alert=True)
        return
    await callback.answer()
    message = callback.message if isinstance(callback.message, Message) else None
    chat_id = message.chat.id if message else callback.from_user.id
    mode = COUNT if callback_data.m == "c" else SUM
    query = _SUM_WORDS.sub(" ", query).strip()
    await send_map(
        bot, chat_id, data["session"], query, data["qstore"], data["settings"], mode, _private(message),
        region=callback_data.k == "r",
    )  # fmt: skip


async def send_event(
    bot: Bot, chat_id: int, session: Any, text: str, offset: int, qstore: QueryStore
) -> None:
    """Answer /event `text`: totals, the top regions and partners, a page of agreements."""
    text = user_query(text, MAX_QUERY_CHARS)
    found = await events.find(session, text)
    if found is None:
        await release(session)
        await bot.send_message(
            chat_id, f"Событие «{q(text, 100)}» в базе не нашлось. Список событий — /events."
        )
        return
    selection = await aggregates.select_by(session, Filters(event=text))
    line = await aggregates.totals(session, selection)
    page = await aggregates.agreements(session, selection, offset, PAGE_SIZE)
    regions = [t for t in await aggregates.region_totals(session, selection) if t.count][:5]
    partners = await aggregates.partner_totals(session, selection, 5)
    await release(session)
    header = [f"<b>{q(found.title, 150)}</b>", f"{_count_line(line.count)}" + (
        f" на сумму {money(line.total)}." if line.total else ".")]  # fmt: skip
    years: list[str] = []
    if found.year is None and len(found.years) > 1:
        header.append("По годам: " + ", ".join(f"{y or 'год неизвестен'} — {n}" for y, n in found.years))
        years = [f"{found.name} {y}" for y, _ in found.years if y]
    if regions:
        header.append("Регионы: " + ", ".join(f"{q(t.name, 60)} — {t.count}" for t in regions))
    if partners:
        header.append("Партнёры: " + ", ".join(f"{q(t.name, 60)} — {t.count}" for t in partners))
    if page.total > len(page.items) or page.offset:
        header.append(
            f"Показаны {page.offset + 1}–{page.offset + len(page.items)} из {page.total}, сначала новые."
        )
    if not page.items:
        await bot.send_message(chat_id, "Больше соглашений нет.")
        return
    parts = ["\n".join(header), *(short_card(item) for item in page.items)]
    markup = await event_keyboard(page, text, qstore, years if not offset else None)
    chunks = pack(parts)
    for i, chunk in enumerate(chunks):
        await bot.send_message(chat_id, chunk, reply_markup=markup if i == len(chunks) - 1 else None)


@router.message(Command("event"))
async def cmd_event(message: Message, command: CommandObject, bot: Bot, **data: Any) -> None:
    if not (command.args or "").strip():
        await message.answer(EVENT_USAGE)
        return
    await send_event(bot, message.chat.id, data["session"], command.args or "", 0, data["qstore"])


@router.callback_query(EventCB.filter())
async def on_event(callback: CallbackQuery, callback_data: EventCB, bot: Bot, **data: Any) -> None:
    query = await decode_query(data["qstore"], callback_data.q)
    if query is None:
        await callback.answer("Эта кнопка устарела, повторите /event.", show_alert=True)
        return
    await callback.answer()
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    await send_event(bot, chat_id, data["session"], query, max(0, callback_data.o), data["qstore"])


@router.message(Command("events"))
async def cmd_events(message: Message, session: Any) -> None:
    listed = await events.catalog(session)
    await release(session)
    if not listed:
        await message.answer("В базе пока нет соглашений, подписанных на форумах и других событиях.")
        return
    by_key: dict[str, list[events.EventTotal]] = {}
    for item in listed:
        by_key.setdefault(item.key, []).append(item)
    lines = ["<b>События</b> (соглашений; подробнее — <code>/event название</code>)"]
    for group in sorted(by_key.values(), key=lambda g: -sum(t.count for t in g))[:40]:
        years = sorted(group, key=lambda t: -(t.year or 0))
        detail = ", ".join(f"{t.year or 'год неизвестен'}: {t.count}" for t in years[:6])
        lines.append(f"{q(group[0].name, 80)} — {sum(t.count for t in group)} ({detail})")
    for chunk in pack(lines, sep="\n"):
        await message.answer(chunk)
