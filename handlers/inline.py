"""Inline mode: `@bot Калуга` in any chat offers that region's or partner's newest agreements, each
sent as its card; an empty or unknown query gets a result that says what to type."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.enums import ParseMode
from aiogram.types import InlineQuery, InlineQueryResultArticle, InputTextMessageContent

from app.middlewares import release
from db.read import queries
from db.read.views import AgreementView, Lookup, Page
from views.cards import fmt_date, full_card, q, user_query
from views.keyboards import parse_offset

router = Router(name="inline")

PAGE = 20  # results a page (Telegram takes up to 50)
MAX_QUERY_CHARS = 200
MAX_OFFSET = 1000
CACHE_SECONDS = 60


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def agreement_result(view: AgreementView) -> InlineQueryResultArticle:
    """One agreement: number, type and date as the title, the parties as the description, the full
    card as the message."""
    parties = " · ".join([*view.regions, *view.partners, *view.countries]) or "стороны не указаны"
    return InlineQueryResultArticle(
        id=f"a{view.id}",
        title=_one_line(f"№{view.id} {view.doc_type.capitalize()}, {fmt_date(view.date)}", 100),
        description=_one_line(parties, 200),
        input_message_content=InputTextMessageContent(
            message_text=full_card(view), parse_mode=ParseMode.HTML
        ),
    )


def hint_result(
    result_id: str, title: str, description: str, username: str | None
) -> InlineQueryResultArticle:
    """A result that explains what to type (its message explains it in the chat too)."""
    who = f"@{username}" if username else "@бот"
    text = (
        "<b>Соглашения регионов России</b>\n"
        f"Наберите в любом чате <code>{q(who, 60)} Калуга</code>, <code>{q(who, 60)} МТС</code> "
        f"или <code>{q(who, 60)} Беларусь</code> и выберите соглашение — его карточка уйдёт в чат."
    )
    return InlineQueryResultArticle(
        id=result_id,
        title=_one_line(title, 100),
        description=_one_line(description, 200),
        input_message_content=InputTextMessageContent(message_text=text, parse_mode=ParseMode.HTML),
    )


async def _lookup(session: Any, text: str, offset: int) -> tuple[Lookup, str]:
    found = await queries.by_region(session, text, offset=offset, limit=PAGE)
    if found.page.items or found.matched:
        return found, "региона"
    partner = await queries.by_partner(session, text, offset=offset, limit=PAGE)
    if not partner.page.items and not partner.matched:
        partner.suggestions = list(dict.fromkeys([*found.suggestions, *partner.suggestions]))
    return partner, "партнёра"


@router.inline_query()
async def on_inline_query(inline_query: InlineQuery, bot: Bot, session: Any) -> None:
    text = user_query(inline_query.query, MAX_QUERY_CHARS)
    offset = parse_offset(inline_query.offset, MAX_OFFSET)
    username = (await bot.me()).username
    results: list[InlineQueryResultArticle] = []
    page: Page | None = None
    if not text:
        page = await queries.recent(session, offset=offset, limit=PAGE)
        if not offset:
            results.append(
                hint_result(
                    "help",
                    "Наберите регион или партнёра",
                    "Например: Калуга, МТС, Беларусь. Ниже — последние соглашения",
                    username,
                )
            )
    else:
        found, what = await _lookup(session, text, offset)
        page = found.page
        if not page.items and not offset:
            if found.matched:
                names = ", ".join(found.matched)
                title, description = f"{names}: соглашений пока нет", "Попробуйте другой регион или партнёра"
            else:
                title = f"Не нашёл «{text}»"
                description = (
                    "Возможно: " + ", ".join(found.suggestions[:5])
                    if found.suggestions
                    else f"Проверьте написание {what}: например, Калуга или МТС"
                )
            results.append(hint_result("none", title, description, username))
    await release(session)
    results.extend(agreement_result(view) for view in page.items)
    more = page.offset + len(page.items) < page.total and page.offset + PAGE <= MAX_OFFSET
    await inline_query.answer(
        results,
        cache_time=CACHE_SECONDS,
        is_personal=False,
        next_offset=str(page.offset + PAGE) if more else "",
    )
