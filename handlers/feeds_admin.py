"""News feeds for admins: /feed_add URL, /feeds (with a button to remove each), /feed_remove N."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from app.settings import Settings
from db import feeds as store
from feeds.offload import parse_off_loop
from feeds.parse import FeedParseError
from fetching import FetchError
from handlers.admin import IsAdmin
from handlers.lookup import agreement_number
from views.cards import MAX_MESSAGE, plural, q
from views.keyboards import RowId

log = logging.getLogger(__name__)
router = Router(name="feeds_admin")

MSK = timezone(timedelta(hours=3))
ADMINS_ONLY = "Извините, эта команда доступна только администраторам бота."
FEEDS_PER_MESSAGE = 10
ADD_USAGE = (
    "Укажите адрес ленты RSS или Atom: <code>/feed_add https://example.ru/rss.xml</code>. "
    "Я проверю, что она читается, и буду проверять её сам."
)
REMOVE_USAGE = "Укажите номер ленты из списка /feeds: <code>/feed_remove 3</code>."


class FeedCB(CallbackData, prefix="fd"):
    """An admin's button under /feeds: r(emove) feed `id`."""

    a: str
    id: RowId


def _moment(moment: datetime | None) -> str:
    if moment is None:
        return "ещё не было"
    return moment.astimezone(MSK).strftime("%d.%m.%Y %H:%M МСК")


def _span(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "меньше минуты"
    if minutes < 60:
        return plural(minutes, ("минуту", "минуты", "минут"))
    hours = round(minutes / 60)
    if hours < 48:
        return plural(hours, ("час", "часа", "часов"))
    return plural(round(hours / 24), ("день", "дня", "дней"))


def _next(moment: datetime, now: datetime) -> str:
    left = (moment - now).total_seconds()
    return "сейчас" if left <= 0 else f"через {_span(left)}"


def feed_card(feed: store.FeedStatus, now: datetime) -> str:
    """One feed of /feeds."""
    name = q(feed.title, 120) if feed.title else q(feed.url, 200)
    lines = [f"<b>№{feed.id}</b> {name}"]
    if feed.title:
        lines.append(q(feed.url, 300))
    lines.append(f"Последний опрос: {_moment(feed.last_poll_at)}")
    lines.append(
        f"Записей прочитано: {feed.items_seen}, соглашений найдено: {feed.agreements_found}"
        + (f", в ленте сейчас записей: {feed.items_in_feed}" if feed.last_poll_at else "")
    )
    if feed.items_retrying:
        lines.append(f"Ждут повторной попытки (сайт не ответил): {feed.items_retrying}")
    if feed.last_error:
        failing = f" (неудачных опросов подряд: {feed.failures})" if feed.failures else ""
        lines.append(f"⚠️ Ошибка{failing}: {q(feed.last_error, 400)}")
    lines.append(f"Следующий опрос: {_next(feed.next_poll_at, now)}")
    return "\n".join(lines)


def feeds_messages(feeds: list[store.FeedStatus], now: datetime) -> list[tuple[str, InlineKeyboardMarkup]]:
    """/feeds as few messages as fit Telegram's limit (at most FEEDS_PER_MESSAGE feeds each), with a
    remove button under each message for each of its feeds."""
    out: list[tuple[str, InlineKeyboardMarkup]] = []
    text, chunk = f"<b>Ленты новостей: {len(feeds)}</b>", []

    def flush() -> None:
        buttons = [
            [InlineKeyboardButton(text=f"Удалить ленту №{f.id}", callback_data=FeedCB(a="r", id=f.id).pack())]
            for f in chunk
        ]
        out.append((text, InlineKeyboardMarkup(inline_keyboard=buttons)))

    for feed in feeds:
        card = feed_card(feed, now)
        if chunk and (len(text) + 2 + len(card) > MAX_MESSAGE or len(chunk) >= FEEDS_PER_MESSAGE):
            flush()
            text, chunk = "", []
        text = f"{text}\n\n{card}" if text else card
        chunk.append(feed)
    flush()
    return out


@router.message(Command("feed_add", ignore_case=True), IsAdmin())
async def cmd_feed_add(
    message: Message, command: CommandObject, session: Any, fetcher: Any, settings: Settings, **data: Any
) -> None:
    url = (command.args or "").strip().split(maxsplit=1)[0] if (command.args or "").strip() else ""
    if not url:
        await message.answer(ADD_USAGE)
        return
    try:
        page = await fetcher.fetch_feed(url, max_bytes=settings.feed_max_bytes)
        content_type = f"application/xml; charset={page.charset}" if page.charset else None
        parsed = await parse_off_loop(page.body, page.url, content_type, seconds=settings.feed_parse_seconds)
    except FetchError as exc:
        await message.answer(f"Ленту не добавил. {q(exc.message_ru, 500)}")
        return
    except FeedParseError as exc:
        await message.answer(f"Ленту не добавил: по этому адресу {q(exc.message_ru, 300)}.")
        return
    feed_id, created = await store.add_feed(
        session, url, title=parsed.title, added_by=message.from_user.id if message.from_user else None,
        items_in_feed=len(parsed.entries),
    )  # fmt: skip
    if not created:
        await message.answer(f"Эта лента уже есть в списке (№{feed_id}). Список лент — /feeds.")
        return
    poller = data.get("feed_poller")
    if poller is not None:
        poller.wake()
    name = f"«{q(parsed.title, 150)}»" if parsed.title else q(url, 200)
    every = _span(settings.feed_poll_seconds)
    await message.answer(
        f"Лента №{feed_id} добавлена: {name}.\n"
        f"Записей в ней сейчас: {len(parsed.entries)}. Прочитаю их сейчас, дальше буду проверять ленту "
        f"примерно раз в {every}. Новые соглашения появятся в /region и /partner. Список лент — /feeds."
    )


@router.message(Command("feeds", ignore_case=True), IsAdmin())
async def cmd_feeds(message: Message, session: Any) -> None:
    feeds = await store.list_feeds(session)
    if not feeds:
        await message.answer("Лент новостей пока нет. Добавьте ленту: <code>/feed_add https://example.ru/rss.xml</code>.")
        return
    for text, markup in feeds_messages(feeds, datetime.now(UTC)):
        await message.answer(text, reply_markup=markup)


async def _remove(session: Any, number: int) -> str:
    url = await store.remove_feed(session, number)
    if url is None:
        return f"Ленты №{q(str(number), 30)} нет. Список лент — /feeds."
    return (
        f"Лента №{number} удалена: {q(url, 300)}.\n"
        "Статьи и соглашения, найденные в ней, остаются в базе."
    )


@router.message(Command("feed_remove", ignore_case=True), IsAdmin())
async def cmd_feed_remove(message: Message, command: CommandObject, session: Any) -> None:
    number = agreement_number(command.args)
    if number is None:
        await message.answer(REMOVE_USAGE)
        return
    await message.answer(await _remove(session, number))


@router.callback_query(FeedCB.filter(), IsAdmin())
async def on_feed_button(callback: CallbackQuery, callback_data: FeedCB, bot: Bot, session: Any) -> None:
    if callback_data.a != "r":
        await callback.answer("Эта кнопка больше не работает, повторите /feeds.", show_alert=True)
        return
    text = await _remove(session, callback_data.id)
    await callback.answer("Готово.")
    message = callback.message
    if isinstance(message, Message):
        try:  # the list is out of date now: say what happened in its place
            await bot.edit_message_text(text=text, chat_id=message.chat.id, message_id=message.message_id)
            return
        except TelegramBadRequest as exc:
            log.info("could not edit the feeds list: %s", exc)
    await bot.send_message(callback.from_user.id, text)


@router.message(Command("feed_add", "feeds", "feed_remove", ignore_case=True))
async def cmd_feeds_refused(message: Message) -> None:
    await message.answer(ADMINS_ONLY)


@router.callback_query(FeedCB.filter())
async def on_feed_button_refused(callback: CallbackQuery) -> None:
    await callback.answer(ADMINS_ONLY, show_alert=True)
