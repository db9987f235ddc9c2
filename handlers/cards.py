"""Agreement cards in Russian HTML; every piece of article text is escaped and length-capped."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from aiogram.utils.text_decorations import html_decoration as hd

from extraction.models import Amount, PartialDate, Signatory

if TYPE_CHECKING:
    from db.views import AgreementView

MAX_MESSAGE = 4096
MAX_CAPTION = 1024

MONTHS_GEN = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
MONTHS_NOM = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
CURRENCIES = {"RUB": "руб.", "USD": "долл. США", "EUR": "евро", "CNY": "юаней", "BYN": "бел. руб."}


def q(text: object, limit: int = 300) -> str:
    """Escape for Telegram HTML, cutting the raw text first so escaping never breaks an entity."""
    s = " ".join(str(text).split())
    if len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    return hd.quote(s)


def fmt_date(d: PartialDate | None) -> str:
    if d is None or (d.year is None and d.month is None and d.day is None):
        return "дата неизвестна"
    month_ok = d.month is not None and 1 <= d.month <= 12
    if d.day and month_ok:
        text = f"{d.day} {MONTHS_GEN[d.month - 1]}"  # type: ignore[index]
        return f"{text} {d.year}" if d.year else f"{text} (год неизвестен)"
    if month_ok:
        text = MONTHS_NOM[d.month - 1]  # type: ignore[index]
        return f"{text} {d.year}" if d.year else text
    return f"{d.year} год" if d.year else "дата неизвестна"


def _num(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",")


def fmt_amount(a: Amount | None) -> str | None:
    if a is None:
        return None
    cur = CURRENCIES.get(a.currency, a.currency)
    v = float(a.value)
    for scale, word in ((1e12, "трлн"), (1e9, "млрд"), (1e6, "млн"), (1e3, "тыс.")):
        if abs(v) >= scale:
            return f"{_num(round(v / scale, 2))} {word} {cur}"
    return f"{_num(v)} {cur}"


def fmt_signatory(s: Signatory) -> str:
    return f"{s.name} ({s.role})" if s.role else s.name


def _join(items: Iterable[str], limit: int = 600) -> str:
    return q("; ".join(items), limit)


def _source_lines(view: AgreementView, limit: int) -> list[str]:
    lines = []
    for src in view.sources[:limit]:
        label = src.title or (f"статья №{src.article_id}")
        when = f" ({src.published:%d.%m.%Y})" if src.published else ""
        if src.url and src.url.startswith(("http://", "https://")) and len(src.url) <= 1000:
            lines.append(f'<a href="{hd.quote(src.url)}">{q(label, 120)}</a>{hd.quote(when)}')
        else:
            lines.append(f"{q(label, 120)}{hd.quote(when)}")
    return lines


def short_card(view: AgreementView) -> str:
    """A few lines: number, type, date, parties, signatories, sum, event, source."""
    head = f"<b>№{view.id}. {q(view.doc_type.capitalize(), 60)}</b> · {hd.quote(fmt_date(view.date))}"
    lines = [head]
    parties = [*view.regions, *view.partners, *view.countries]
    lines.append(f"<b>Стороны:</b> {_join(parties) if parties else 'не указаны'}")
    if view.signatories:
        lines.append(f"<b>Подписали:</b> {_join(fmt_signatory(s) for s in view.signatories)}")
    if (amount := fmt_amount(view.amount)) is not None:
        lines.append(f"<b>Сумма:</b> {hd.quote(amount)}")
    if view.event:
        lines.append(f"<b>Событие:</b> {q(view.event, 200)}")
    sources = _source_lines(view, 1)
    if sources:
        more = f" и ещё {len(view.sources) - 1}" if len(view.sources) > 1 else ""
        lines.append(f"<b>Источник:</b> {sources[0]}{more}")
    return "\n".join(lines)


def full_card(view: AgreementView) -> str:
    """The short card plus regions/partners/countries spelled out, evidence and every source."""
    lines = [f"<b>№{view.id}. {q(view.doc_type.capitalize(), 60)}</b> · {hd.quote(fmt_date(view.date))}"]
    if view.regions:
        lines.append(f"<b>Регионы:</b> {_join(view.regions)}")
    if view.partners:
        lines.append(f"<b>Партнёры:</b> {_join(view.partners)}")
    if view.countries:
        lines.append(f"<b>Страны:</b> {_join(view.countries)}")
    if view.signatories:
        lines.append(f"<b>Подписали:</b> {_join(fmt_signatory(s) for s in view.signatories)}")
    if (amount := fmt_amount(view.amount)) is not None:
        lines.append(f"<b>Сумма:</b> {hd.quote(amount)}")
    if view.event:
        lines.append(f"<b>Событие:</b> {q(view.event, 300)}")
    if view.evidence:
        lines.append(f"<b>Из текста:</b>\n<blockquote>{q(view.evidence, 1500)}</blockquote>")
    sources = _source_lines(view, 10)
    if sources:
        lines.append("<b>Источники:</b>\n" + "\n".join(f"• {s}" for s in sources))
    return "\n".join(lines)


def pack(parts: list[str], limit: int = MAX_MESSAGE, sep: str = "\n\n") -> list[str]:
    """Pack HTML parts into as few messages as possible, none longer than `limit`.

    Parts are whole cards (each well under the limit by construction), so a message
    never splits inside an HTML tag.
    """
    chunks: list[str] = []
    current = ""
    for part in parts:
        if len(part) > limit:  # defensive: never send more than Telegram accepts
            part = fit_plain(_strip_tags(part), limit)
        candidate = f"{current}{sep}{part}" if current else part
        if len(candidate) > limit:
            chunks.append(current)
            current = part
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def fit_plain(text: str, limit: int) -> str:
    """Escape plain text and cut it so the escaped result fits into `limit` characters."""
    cut = len(text)
    while True:
        escaped = hd.quote(text[:cut] + ("…" if cut < len(text) else ""))
        if len(escaped) <= limit:
            return escaped
        cut = min(cut - 1, cut - (len(escaped) - limit))


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))
