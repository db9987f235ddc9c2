"""Agreement cards in Russian HTML; every piece of article text is escaped and length-capped."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from aiogram.utils.text_decorations import html_decoration as hd

from db.models import DATE_SENT, TRUSTED_KINDS
from extraction.models import Amount, PartialDate, Signatory
from extraction.reading.text import clean_text
from views.history import history_section, status_line
from views.text import _link, fit_plain, plural, q

__all__ = ["MAX_MESSAGE", "TRUSTED_KINDS", "_link", "fit_plain", "full_card", "pack", "plural", "q", "short_card", "user_query"]

if TYPE_CHECKING:
    from db.read.views import AgreementView, SourceView

MAX_MESSAGE = 4096
MAX_CAPTION = 1024
SHORT_CARD_MAX = 1500
DISAGREE = " (источники расходятся — см. карточку)"
UNSURE = "возможно, неточно"
# SHOW_CONFIDENCE (app.settings): cards of agreements extracted with less confidence say UNSURE;
# set at start by `set_show_confidence`
_show_confidence = 0.5


def set_show_confidence(threshold: float) -> None:
    """Cards of agreements whose confidence is below `threshold` get the «возможно, неточно» mark."""
    global _show_confidence
    _show_confidence = threshold

MONTHS_GEN = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
MONTHS_NOM = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
CURRENCIES = {"RUB": "руб.", "USD": "долл. США", "EUR": "евро", "CNY": "юаней", "BYN": "бел. руб."}


def user_query(text: str, limit: int) -> str:
    """A query as the user typed it, cleaned like every stored text (`clean_text`: no control,
    invisible or bidi characters, which would turn an echo of it around), spaces collapsed, at most
    `limit` characters."""
    return " ".join(clean_text(text).split())[:limit]


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


def _published(src: SourceView) -> str:
    """A source's date; a text that gave none says its relative dates were read from the day it was sent."""
    if not src.published:
        return ""
    if src.date_basis == DATE_SENT:
        return (
            f" (в тексте нет даты публикации: «вчера», «сегодня» отсчитаны от дня отправки, "
            f"{src.published:%d.%m.%Y})"
        )
    return f" ({src.published:%d.%m.%Y})"


def _source_lines(view: AgreementView, limit: int) -> list[str]:
    lines = []
    for src in view.sources[:limit]:
        label = q(src.title or f"статья №{src.article_id}", 120)
        when = _published(src)
        lines.append(_link(src.url, label) + when)
    return lines


def _source_label(src: SourceView, limit: int = 120) -> str:
    """Where a fact comes from: the article's title (a link when it has one), and whose text it is."""
    label = _link(src.url, q(src.title or f"статья №{src.article_id}", limit))
    if src.kind not in TRUSTED_KINDS:
        label += f" (текст от пользователя, статья №{src.article_id})"
    return label


def variants(view: AgreementView, fact: str) -> list[tuple[str, list[SourceView]]]:
    """The values sources state for `fact` ("amount" or "date"), formatted, each with its sources;
    the value the agreement shows first. One entry or none when the sources agree."""
    shown = fmt_amount(view.amount) if fact == "amount" else fmt_date(view.date)
    groups: dict[str, list[SourceView]] = {}
    for src in view.sources:
        value = getattr(src, fact)
        if value is None:
            continue
        text = fmt_amount(value) if fact == "amount" else fmt_date(value)
        groups.setdefault(text or "", []).append(src)
    if len(groups) < 2:
        return []
    ordered = sorted(groups.items(), key=lambda kv: kv[0] != shown)
    return ordered


def _variant_lines(view: AgreementView, fact: str, scale: float) -> list[str]:
    lines = []
    for value, sources in variants(view, fact)[:5]:
        where = ", ".join(_source_label(src, max(30, int(80 * scale))) for src in sources[:2])
        more = f" и ещё {len(sources) - 2}" if len(sources) > 2 else ""
        lines.append(f"• {hd.quote(value)} — {where}{more}")
    return lines


def _head(view: AgreementView) -> str:
    head = f"<b>№{view.id}. {q(view.doc_type.capitalize(), 60)}</b> · {hd.quote(fmt_date(view.date))}"
    return head + f" · <i>{UNSURE}</i>" if view.confidence < _show_confidence else head


def _short_card(view: AgreementView, scale: float) -> str:
    n = lambda limit: max(40, int(limit * scale))  # noqa: E731
    lines = [_head(view)]
    parties = [*view.regions, *view.partners, *view.countries]
    lines.append(f"<b>Стороны:</b> {_join(parties, n(500)) if parties else 'не указаны'}")
    if view.signatories:
        lines.append(f"<b>Подписали:</b> {_join((fmt_signatory(s) for s in view.signatories), n(400))}")
    if (amount := fmt_amount(view.amount)) is not None:
        lines.append(f"<b>Сумма:</b> {hd.quote(amount)}" + (DISAGREE if variants(view, "amount") else ""))
    if variants(view, "date"):
        lines.append("<b>Дата:</b> источники называют разные даты" + DISAGREE)
    if view.event:
        lines.append(f"<b>Событие:</b> {q(view.event, n(200))}")
    if (status := status_line(view)) is not None:
        lines.append(status)
    sources = _source_lines(view, 1)
    if sources:
        more = f" и ещё {len(view.sources) - 1}" if len(view.sources) > 1 else ""
        lines.append(f"<b>Источник:</b> {sources[0]}{more}")
    return "\n".join(lines)


def _full_card(view: AgreementView, scale: float) -> str:
    n = lambda limit: max(40, int(limit * scale))  # noqa: E731
    lines = [_head(view)]
    if view.regions:
        lines.append(f"<b>Регионы:</b> {_join(view.regions, n(400))}")
    if view.partners:
        lines.append(f"<b>Партнёры:</b> {_join(view.partners, n(400))}")
    if view.countries:
        lines.append(f"<b>Страны:</b> {_join(view.countries, n(300))}")
    if view.signatories:
        lines.append(f"<b>Подписали:</b> {_join((fmt_signatory(s) for s in view.signatories), n(400))}")
    if (amount := fmt_amount(view.amount)) is not None:
        lines.append(f"<b>Сумма:</b> {hd.quote(amount)}")
    for fact, what in (("date", "дату"), ("amount", "сумму")):
        found = _variant_lines(view, fact, scale)
        if found:
            lines.append(f"<b>Источники называют разную {what}:</b>\n" + "\n".join(found))
    if view.event:
        lines.append(f"<b>Событие:</b> {q(view.event, n(300))}")
    if view.evidence:
        lines.append(f"<b>Из текста:</b>\n<blockquote>{q(view.evidence, n(1500))}</blockquote>")
    sources = _source_lines(view, max(1, int(5 * scale)))
    if sources:
        more = f"\n… и ещё {len(view.sources) - len(sources)}" if len(view.sources) > len(sources) else ""
        lines.append("<b>Источники:</b>\n" + "\n".join(f"• {s}" for s in sources) + more)
    if (news := history_section(view, scale)) is not None:
        lines.append(news)
    return "\n".join(lines)


def _fitted(render: Callable[[AgreementView, float], str], view: AgreementView, limit: int) -> str:
    """Render with shrinking field budgets until the card fits into `limit` characters."""
    for scale in (1.0, 0.5, 0.25, 0.1):
        card = render(view, scale)
        if len(card) <= limit:
            return card
    return fit_plain(_strip_tags(card), limit)


def short_card(view: AgreementView) -> str:
    """A few lines: number, type, date, parties, signatories, sum, event, source (<= 1500 chars)."""
    return _fitted(_short_card, view, SHORT_CARD_MAX)


def full_card(view: AgreementView) -> str:
    """Every party spelled out, signatories, sum, event, the evidence sentence and the sources."""
    return _fitted(_full_card, view, MAX_MESSAGE)


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


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))
