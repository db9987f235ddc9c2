"""Rules that need no NER: dates, amounts, page clutter, organization names, person names."""

from __future__ import annotations

from datetime import date

import pytest

from extraction.finders.amounts import find_amounts
from extraction.finders.dates import find_dates, from_iso, resolve
from extraction.finders.orgs import merge, split_name
from extraction.finders.people import normalize_name
from extraction.models import Amount, PartialDate, Partner
from extraction.reading.cleaning import clean
from extraction.signings.signing import detect


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("инвестирует 1 миллиард рублей", 1e9, "RUB"),
        ("вложит 2,5 млрд руб. в завод", 2.5e9, "RUB"),
        ("сделка на $8,5 млрд", 8.5e9, "USD"),
        ("ещё 370 млн рублей", 3.7e8, "RUB"),
        ("более миллиарда рублей", 1e9, "RUB"),
        ("до 40 млрд рублей", 4e10, "RUB"),
        ("фонд на €100 млн", 1e8, "EUR"),
        ("проект за 5 млрд тенге", 5e9, "KZT"),
        ("кредит в 3 млрд юаней", 3e9, "CNY"),
        ("грант 200 млн белорусских рублей", 2e8, "BYN"),
        ("бюджет 500 000 рублей", 5e5, "RUB"),
    ],
)
def test_amounts_in_several_spellings(text: str, value: float, currency: str) -> None:
    found = find_amounts(text)
    assert found and found[0].amount == Amount(value, currency)


def test_a_number_without_currency_is_no_amount() -> None:
    assert find_amounts("подали 14 заявок на 3,5 мил") == []


def test_day_and_month_without_year_stay_year_unknown() -> None:
    (m,) = find_dates("документ подписан 23 августа в Оренбурге")
    assert resolve(m, None) == PartialDate(None, 8, 23)


def test_publication_date_fills_the_year() -> None:
    (m,) = find_dates("подписан 23 августа")
    assert resolve(m, PartialDate(2021, 9, 1)) == PartialDate(2021, 8, 23)
    # late December read in January belongs to the year before
    (m,) = find_dates("подписан 28 декабря")
    assert resolve(m, PartialDate(2022, 1, 10)) == PartialDate(2021, 12, 28)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("соглашение подписали сегодня", PartialDate(2023, 3, 16)),
        ("соглашение подписали вчера", PartialDate(2023, 3, 15)),
        ("соглашение подписали во вторник", PartialDate(2023, 3, 14)),  # 2023-03-16 is a Thursday
        ("меморандум подписан в понедельник", PartialDate(2023, 3, 13)),
    ],
)
def test_relative_words_resolve_against_publication_date(phrase: str, expected: PartialDate) -> None:
    (m,) = find_dates(phrase)
    assert resolve(m, from_iso(date(2023, 3, 16))) == expected


def test_relative_word_without_publication_date_is_unknown() -> None:
    (m,) = find_dates("соглашение подписали во вторник")
    assert resolve(m, None) is None


def test_date_range_gives_month_only() -> None:
    (m,) = find_dates("в дни культуры, которые проходят с 12 по 15 мая")
    assert m.value == PartialDate(None, 5, None)


def test_header_date_with_weekday_is_not_the_publication_date() -> None:
    c = clean("Пятница,\n7\nмарта 2025 года\nОбласть и банк подписали соглашение о сотрудничестве.")
    assert c.published is None
    assert c.lines == ["Область и банк подписали соглашение о сотрудничестве."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Опубликовано 14 апреля 2021 г. в рубрике Экономика\nТекст новости о соглашении.", PartialDate(2021, 4, 14)),
        ("Самара. 3 марта. ИНТЕРФАКС - Область подписала соглашение с банком.", PartialDate(None, 3, 3)),
        ("12.09.2016 10:15\nОбласть подписала соглашение с банком.", PartialDate(2016, 9, 12)),
        ("Область подписала соглашение с банком.\n\n09:40, 5 мая 2020", PartialDate(2020, 5, 5)),
        ("07:05:11 30-11-2018 Область подписала соглашение с банком.", PartialDate(2018, 11, 30)),
    ],
)
def test_datelines_give_the_publication_date(text: str, expected: PartialDate) -> None:
    c = clean(text)
    assert c.published == expected
    assert any("подписала соглашение" in line or "соглашении" in line for line in c.lines)


def test_publication_line_glued_to_the_text_keeps_the_text() -> None:
    c = clean("Опубликовано: 12.03.2021 10:00. Правительство области и банк подписали соглашение о работе в сфере связи.")
    assert c.published == PartialDate(2021, 3, 12)
    assert c.lines == ["Правительство области и банк подписали соглашение о работе в сфере связи."]


def test_a_sentence_about_a_date_is_not_a_publication_line() -> None:
    c = clean("Дата подписания соглашения — 5 мая, сообщили в правительстве области.")
    assert c.published is None and len(c.lines) == 1


def test_link_lists_menus_and_footer_are_dropped() -> None:
    text = (
        "Главная\nНовости\nОбласть и компания «Ромашка» подписали соглашение о сотрудничестве в сфере "
        "туризма и развития дорог в районах области.\n"
        "См. также: Банк «Лютик» открыл офис >>>\nПодробности будут позже, сообщили в правительстве.\n"
        "Читайте также\nГазпром и Сибур подписали договор\n© 2024 Все права защищены. Роскомнадзор"
    )
    body = clean(text).text
    assert "Ромашка" in body and "Подробности" in body
    for clutter in ("Главная", "Лютик", "Газпром", "Роскомнадзор", "©"):
        assert clutter not in body


@pytest.mark.parametrize(
    ("raw", "name", "alias"),
    [
        ("ПАО «Северсталь» (MOEX: CHMF)", "Северсталь", "ПАО «Северсталь»"),
        ('ОАО "Вектор"', "Вектор", 'ОАО "Вектор"'),
        ("АО «Почта России»", "Почта России", "АО «Почта России»"),
        ("Почта России", "Почта России", None),
        ("Фондом развития промышленности", "Фонд развития промышленности", None),
        ("Брестским областным Советом депутатов", "Брестский областной Совет депутатов", None),
        ("Госкорпорацией «Ростех»", "Ростех", "Госкорпорация «Ростех»"),
        ("банк ВТБ", "ВТБ", "банк ВТБ"),
        ("Агентства стратегических инициатив (АСИ)", "Агентство стратегических инициатив", "АСИ"),
        ("Правления Сбербанка", "Сбербанк", None),
    ],
)
def test_org_names_lose_legal_form_quotes_and_case_but_keep_wording(raw: str, name: str, alias: str | None) -> None:
    got_name, aliases = split_name(raw)
    assert got_name == name
    assert "MOEX" not in got_name and "«" not in got_name
    if alias:
        assert alias in aliases


def test_one_organization_spelled_several_ways_is_one_partner() -> None:
    spellings = ["ПАО «Ромашка»", "Ромашка", "компанией «Ромашка»", "Агентство развития (АР)", "АР"]
    merged = merge([Partner(*split_name(s)) for s in spellings])
    assert [p.name for p in merged] == ["Ромашка", "Агентство развития"]
    assert "ПАО «Ромашка»" in merged[0].aliases


@pytest.mark.parametrize(
    ("tokens", "known", "expected"),
    [
        ([("Алексея", "Gen"), ("Корня", "Gen")], [], "Алексей Корня"),
        ([("Сергея", "Gen"), ("Плуготаренко", "Gen")], [], "Сергей Плуготаренко"),
        ([("Андреем", "Ins"), ("Клычковым", "Ins")], [], "Андрей Клычков"),
        ([("Юрия", "Gen"), ("Берга", "Gen")], [], "Юрий Берг"),
        ([("Светланы", "Gen"), ("Чупшевой", "Gen")], [], "Светлана Чупшева"),
        ([("Ивану", "Dat"), ("Седых", "Dat")], [], "Иван Седых"),
        ([("Павлом", "Ins"), ("Корнем", "Ins")], ["Павел Корень"], "Павел Корень"),
    ],
)
def test_person_names_in_nominative(tokens, known, expected: str) -> None:
    assert normalize_name(tokens, known) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Стороны планируют подписать соглашение осенью.",
        "Соглашение будет подписано на форуме.",
        "Его подпишут губернатор и глава компании.",
        "Губернатор подписал указ о создании агентства.",
        "Сейчас мы обсуждаем подписание соглашения.",
        "Губернатор и банк договорились о разработке стратегии.",
        "Ранее компания подписала соглашение с соседней областью.",
    ],
)
def test_plans_decrees_and_talks_are_not_signings(sentence: str) -> None:
    assert detect(sentence, 0) is None


def test_a_tally_reports_no_agreement_of_its_own() -> None:
    # it may only lead a roundup whose passages report the documents one by one
    s = detect("В этом году регион подписал 15 соглашений с инвесторами.", 0)
    assert s is not None and s.tally and s.plural


@pytest.mark.parametrize(
    ("sentence", "doc_type"),
    [
        ("Область и банк подписали соглашение о сотрудничестве.", "соглашение"),
        ("Подписи под меморандумом поставили министр и директор.", "меморандум"),
        ("Документ скрепили подписями губернатор и посол.", None),
        ("Стороны заключили концессионное соглашение.", "концессионное соглашение"),
        ("Подписана дорожная карта по развитию туризма.", "дорожная карта"),
        ("Также подписан протокол о намерениях.", "протокол"),
    ],
)
def test_signings_and_document_types(sentence: str, doc_type: str | None) -> None:
    s = detect(sentence, 0)
    assert s is not None and s.doc_type == doc_type
