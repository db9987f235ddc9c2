"""The history parts of cards, keyboards and alerts: pure rendering, escaped and within Telegram's limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from alerts.message import alert_message
from db.read.views import HistoryItem
from tests.handlers.test_units import view
from views.cards import MAX_MESSAGE, full_card, short_card
from views.history import news_page_text
from views.keyboards import NewsCB, full_card_keyboard, news_keyboard


def item(i: int, kind: str = "progress", long: bool = False) -> HistoryItem:
    sentence = "В рамках соглашения <построено> & «открыто» " * (60 if long else 1)
    return HistoryItem(i, kind, sentence, date(2024, 5, i % 28 + 1), 100 + i, "https://n.ru/a?x=1&y=<2>",
                       "Новость " * (30 if long else 1), "text" if i % 2 else "page")


def test_full_card_shows_the_news_newest_first_and_fits() -> None:
    v = replace(view(), history=[item(3, "terminated"), item(2, "amended")], history_total=5, terminated=True)
    card = full_card(v)
    assert "<b>Что было дальше:</b>" in card
    assert card.index("расторгнуто") < card.index("изменено")
    assert "&lt;построено&gt;" in card and "… и ещё 3 новости" in card
    assert "(текст от пользователя)" in card
    for long in (replace(view(long=True), history=[item(i, long=True) for i in range(3)], history_total=40),):
        assert len(full_card(long)) <= MAX_MESSAGE and len(short_card(long)) <= 1500


def test_short_card_marks_news_and_termination() -> None:
    assert "Что было дальше" not in short_card(view())
    news = replace(view(), history=[item(4, "amended")], history_total=2)
    assert "📰 2 новости, последняя — 05.05.2024, изменено" in short_card(news)
    ended = replace(view(), history=[item(1, "progress"), item(6, "terminated")], history_total=2, terminated=True)
    assert "Статус:</b> ⛔ расторгнуто (по сообщению от 07.05.2024)" in short_card(ended)


def test_buttons_for_the_rest_of_the_news() -> None:
    rows = full_card_keyboard(9, news=5, shown=3).inline_keyboard
    assert rows[0][0].text == "Что было дальше (5)"
    assert NewsCB.unpack(rows[0][0].callback_data) == NewsCB(id=9, o=3)
    assert len(full_card_keyboard(9, news=3, shown=3).inline_keyboard) == 1  # all on the card: no button
    more = news_keyboard(9, 3, 10, 20)
    assert more is not None and NewsCB.unpack(more.inline_keyboard[0][0].callback_data) == NewsCB(id=9, o=13)
    assert news_keyboard(9, 13, 7, 20) is None
    page = news_page_text(9, [item(i, long=True) for i in range(10)], 3, 20)
    assert page.startswith("<b>Что было дальше — соглашение №9</b> (4–13 из 20)") and len(page) <= MAX_MESSAGE


def test_news_alert_names_what_happened() -> None:
    v = replace(view(), history=[item(1, "terminated")], history_total=1, terminated=True)
    text, markup = alert_message([], None, [(item(1, "terminated"), v)])
    assert text.startswith("🔔 <b>Соглашение №1 по вашей подписке: расторгнуто</b>")
    assert len(text) <= MAX_MESSAGE and markup is not None
    assert markup.inline_keyboard[0][0].text == "№1 подробнее"
