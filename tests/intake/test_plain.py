"""What a user's text is: a question, news, or neither; a pasted article's headline; relative dates."""

from __future__ import annotations

import pytest

from intake.plain import has_relative_date, headline_of, is_question, looks_like_news, not_news_reason

NEWS = (
    "Правительство Томской области и ООО «Северный ветер» заключили соглашение о строительстве "
    "ветропарка. Соглашение подписали губернатор Владимир Мазур и директор компании Пётр Сидоров."
)
PROSE = (
    "В Костромской области завершился сезон сбора урожая. Аграрии собрали больше зерна, чем в прошлом "
    "году, а губернатор поблагодарил работников сельского хозяйства за их труд на торжественном собрании."
)


@pytest.mark.parametrize(
    "text",
    ["Калуга", "МТС", "какие соглашения подписала Калужская область?", "что подписали на ПМЭФ?", "Привет!"],
)
def test_short_messages_are_questions(text: str) -> None:
    assert is_question(text) and not looks_like_news(text)


@pytest.mark.parametrize("text", [NEWS, PROSE, "Калужская область и МТС подписали соглашение о сотрудничестве."])
def test_news_is_no_question(text: str) -> None:
    assert looks_like_news(text) and not is_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "/region Калуга",  # a command
        "12345 67890",  # no letters: the article path explains
        "The region and a company signed a cooperation agreement at the forum in the capital today.",
        "фыва олдж прол " * 20,  # too long for a question
    ],
)
def test_not_questions(text: str) -> None:
    assert not is_question(text)


def test_nonsense_is_no_news_and_the_reason_says_why() -> None:
    nonsense = "фыва олдж прол дждл ывап " * 12
    assert not looks_like_news(nonsense)
    assert "словаре" in not_news_reason(nonsense)
    assert "словаре" not in not_news_reason("Купить хлеб, молоко, сыр и масло в магазине у дома")


def test_headline_of_a_pasted_article() -> None:
    assert headline_of("Ветропарк в Томской области\n" + NEWS) == "Ветропарк в Томской области"
    assert headline_of(NEWS) == NEWS.split(". ")[0]  # one paragraph: its first sentence
    long = "Очень длинное предложение " * 20
    assert len(headline_of(long) or "") <= 120 and (headline_of(long) or "").endswith("…")


@pytest.mark.parametrize(
    ("text", "relative"),
    [("Вчера губернатор подписал", True), ("В среду стороны", True), ("12 марта стороны", False), ("Сегодня", True)],
)
def test_relative_dates(text: str, relative: bool) -> None:
    assert has_relative_date(text) is relative
