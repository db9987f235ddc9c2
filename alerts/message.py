"""The message an alert is: a header, the source article, the new agreements as short cards (as many
as fit into one Telegram message, then "…и ещё N"), and their full-card buttons; or the news an
article brings of followed agreements (terminated, amended), each with its agreement's short card."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.types import InlineKeyboardMarkup

from views.cards import MAX_MESSAGE, _link, plural, q, short_card
from views.history import news_alert_lines
from views.keyboards import cards_keyboard

if TYPE_CHECKING:
    from db.outbox import ArticleRef
    from db.read.views import AgreementView, HistoryItem

AGREEMENTS = ("соглашение", "соглашения", "соглашений")
FOOTER = "Подписки: /following"
# room kept for the "…и ещё N" line; Telegram counts UTF-16 units of the visible text, this counts
# characters of the HTML, which is longer except for a text full of emoji: keep a margin
LIMIT = MAX_MESSAGE - 200


def alert_message(
    views: list[AgreementView],
    article: ArticleRef | None,
    news: list[tuple[HistoryItem, AgreementView]] | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """(HTML text, card buttons) of one alert; `views` are the new agreements, `news` the news an
    article brings of followed agreements (terminated, amended); one of them at least."""
    if not views:
        return _news_message(news or [])
    if len(views) == 1:
        head = "🔔 <b>Новое соглашение по вашей подписке</b>"
    else:
        head = f"🔔 <b>Новые соглашения по вашей подписке: {len(views)}</b>"
    if article is not None:
        label = q(article.title or f"статья №{article.id}", 200)
        head += f"\nИсточник: {_link(article.url, label)}"
    parts = [head]
    used = len(head) + len(FOOTER) + 4
    shown: list[int] = []
    for view in views:
        card = short_card(view)
        if used + len(card) + 2 > LIMIT:
            break
        parts.append(card)
        used += len(card) + 2
        shown.append(view.id)
    rest = len(views) - len(shown)
    if rest:
        parts.append(f"…и ещё {plural(rest, AGREEMENTS)} — подробнее: /recent")
    parts.append(FOOTER)
    return "\n\n".join(parts), cards_keyboard(shown)


def _news_message(news: list[tuple[HistoryItem, AgreementView]]) -> tuple[str, InlineKeyboardMarkup | None]:
    """An alert about news of followed agreements: what happened, the sentence, the agreement's card."""
    parts: list[str] = []
    used = len(FOOTER) + 2
    shown: list[int] = []
    for item, view in news:
        part = news_alert_lines(item, view) + "\n\n" + short_card(view)
        if used + len(part) + 2 > LIMIT:
            break
        parts.append(part)
        used += len(part) + 2
        shown.append(view.id)
    parts.append(FOOTER)
    return "\n\n".join(parts), cards_keyboard(shown)
