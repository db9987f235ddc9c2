"""What came of an agreement, in Russian HTML: the «Что было дальше» section of its full card, the
status line of its short card, a page of its news, an alert about news."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.models import TRUSTED_KINDS
from views.text import _link, plural, q

if TYPE_CHECKING:
    from db.read.views import AgreementView, HistoryItem

KIND_RU = {
    "progress": "ход работ",
    "amended": "изменено",
    "terminated": "расторгнуто",
    "other": "упоминание",
}
NEWS = ("новость", "новости", "новостей")
SECTION = "Что было дальше"


def kind_ru(kind: str) -> str:
    return KIND_RU.get(kind, KIND_RU["other"])


def _when(item: HistoryItem) -> str:
    return f"{item.published:%d.%m.%Y}" if item.published else "дата неизвестна"


def _source(item: HistoryItem, limit: int) -> str:
    label = _link(item.url, q(item.title or f"статья №{item.article_id}", limit))
    if item.source_kind not in TRUSTED_KINDS:
        label += " (текст от пользователя)"
    return label


def news_line(item: HistoryItem, scale: float = 1.0) -> str:
    """One line: date, what happened, the sentence, the source."""
    n = max(40, int(200 * scale))
    return (f"• {_when(item)} — <b>{kind_ru(item.kind)}</b>: {q(item.sentence, n)} — "
            f"{_source(item, max(30, int(80 * scale)))}")


def history_section(view: AgreementView, scale: float = 1.0) -> str | None:
    """The «Что было дальше» section of a full card: the newest news first; None without news."""
    if not view.history_total:
        return None
    lines = [f"<b>{SECTION}:</b>"] + [news_line(h, scale) for h in view.history]
    rest = view.history_total - len(view.history)
    if rest > 0:
        lines.append(f"… и ещё {plural(rest, NEWS)} — кнопка «{SECTION}» ниже")
    return "\n".join(lines)


def status_line(view: AgreementView) -> str | None:
    """For a short card: that the agreement was terminated, or that there is later news of it."""
    if view.terminated:
        ended = next((h for h in view.history if h.kind == "terminated"), None)
        when = f" (по сообщению от {_when(ended)})" if ended and ended.published else ""
        return f"<b>Статус:</b> ⛔ расторгнуто{when} — см. карточку"
    if view.history_total:
        latest = view.history[0] if view.history else None
        tail = f", последняя — {_when(latest)}, {kind_ru(latest.kind)}" if latest else ""
        return f"<b>{SECTION}:</b> 📰 {plural(view.history_total, NEWS)}{tail}"
    return None


def news_page_text(agreement_id: int, items: list[HistoryItem], offset: int, total: int) -> str:
    """A page of an agreement's news (the button under its full card)."""
    if not items:
        return f"О соглашении №{agreement_id} больше нет новостей."
    head = f"<b>{SECTION} — соглашение №{agreement_id}</b> ({offset + 1}–{offset + len(items)} из {total})"
    return "\n".join([head, *(news_line(h, 0.8) for h in items)])


def news_alert_lines(item: HistoryItem, view: AgreementView) -> str:
    """The head of an alert about news of a followed agreement."""
    what = "расторгнуто" if item.kind == "terminated" else "изменено" if item.kind == "amended" else kind_ru(item.kind)
    return (f"🔔 <b>Соглашение №{view.id} по вашей подписке: {what}</b>\n"
            f"{q(item.sentence, 600)}\nИсточник: {_source(item, 200)} ({_when(item)})")
