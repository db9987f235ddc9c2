"""/export: the user's last result as a CSV document (UTF-8 with BOM, `;`-separated, for Excel)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message

from db.read import queries
from shared_state.last_results import LastResult, LastResults
from views.cards import fmt_date, fmt_signatory
from views.keyboards import PARTNER, RECENT, REGION, SEARCH

if TYPE_CHECKING:
    from db.read.views import AgreementView

router = Router(name="export")

EXPORT_LIMIT = 1000
COLUMNS = (
    "id", "тип", "дата", "год", "месяц", "день", "регионы", "партнёры", "страны",
    "подписанты", "сумма", "валюта", "событие", "фрагмент текста", "источники",
)  # fmt: skip


async def collect(session: Any, last: LastResult) -> list[AgreementView]:
    """Re-run the user's last query without paging (up to EXPORT_LIMIT rows)."""
    if last.kind == REGION:
        return (await queries.by_region(session, last.query, offset=0, limit=EXPORT_LIMIT)).page.items
    if last.kind == PARTNER:
        return (await queries.by_partner(session, last.query, offset=0, limit=EXPORT_LIMIT)).page.items
    if last.kind == SEARCH:
        return (await queries.search(session, last.query, offset=0, limit=EXPORT_LIMIT)).items
    if last.kind == RECENT:
        return (await queries.recent(session, offset=0, limit=EXPORT_LIMIT)).items
    views = [await queries.get(session, i) for i in last.ids[:EXPORT_LIMIT]]
    return [v for v in views if v is not None]


def to_csv(views: list[AgreementView]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for v in views:
        d = v.date
        writer.writerow(
            [
                v.id,
                v.doc_type,
                fmt_date(d),
                d.year if d and d.year else "",
                d.month if d and d.month else "",
                d.day if d and d.day else "",
                "; ".join(v.regions),
                "; ".join(v.partners),
                "; ".join(v.countries),
                "; ".join(fmt_signatory(s) for s in v.signatories),
                f"{v.amount.value:g}" if v.amount else "",
                v.amount.currency if v.amount else "",
                v.event or "",
                v.evidence,
                " ".join(s.url or f"article:{s.article_id}" for s in v.sources),
            ]
        )
    return buf.getvalue().encode("utf-8-sig")


@router.message(Command("export", ignore_case=True))
async def cmd_export(message: Message, session: Any, last_results: LastResults) -> None:
    user_id = message.from_user.id if message.from_user else message.chat.id
    last = await last_results.get(user_id)
    if last is None:
        await message.answer(
            "Пока нечего выгружать: сначала найдите соглашения, например <code>/region Калужская</code>, "
            "а потом пришлите /export."
        )
        return
    views = await collect(session, last)
    if not views:
        await message.answer("В последнем результате нет соглашений — выгружать нечего.")
        return
    data = to_csv(views)
    await message.answer_document(
        BufferedInputFile(data, filename="agreements.csv"),
        caption=f"Соглашений в файле: {len(views)} (CSV, разделитель «;», UTF-8).",
    )
