"""extract() end to end on articles of our own (natasha runs for real; models load once per process)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extraction import Agreement, extract
from extraction.models import PartialDate
from tests.ci import skip_or_fail

from .texts import ARTICLES

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def one(text: str, published: date | None = None) -> Agreement:
    found = extract(text, published)
    assert len(found) == 1, [a.to_dict() for a in found]
    return found[0]


def partner_names(a: Agreement) -> list[str]:
    return [p.name for p in a.partners]


def test_company_agreement_with_signatories_and_roles() -> None:
    a = one(ARTICLES["company"])
    assert a.regions == ["Калужская область"]
    assert partner_names(a) == ["Ромашка"]
    assert {"компания «Ромашка»", "ООО «Ромашка»"} <= set(a.partners[0].aliases)
    assert [(s.name, s.role) for s in a.signatories] == [
        ("Владислав Шапша", "губернатор Калужской области"),
        ("Иван Петров", "генеральный директор ООО «Ромашка»"),
    ]
    assert a.date is None and a.amount is None


def test_colloquial_region_ticker_and_quote_background() -> None:
    a = one(ARTICLES["colloquial"])
    assert a.doc_type == "меморандум"
    # Кубань and Подмосковье are only in a quote, not parties
    assert a.regions == ["Оренбургская область"]
    assert partner_names(a) == ["Северсталь"]
    assert not any("MOEX" in n or "CHMF" in n for p in a.partners for n in (p.name, *p.aliases))


def test_city_department_is_the_region_and_partner_kept_as_written() -> None:
    a = one(ARTICLES["department"])
    assert a.regions == ["Москва"]
    assert partner_names(a) == ["Почта России"]
    assert [s.name for s in a.signatories] == ["Пётр Сидоров", "Анна Белова"]


def test_header_date_footer_and_link_list_are_ignored() -> None:
    a = one(ARTICLES["header_footer"])
    assert a.regions == ["Краснодарский край"]
    assert partner_names(a) == ["Нефтемаш"]
    assert a.date == PartialDate(None, 7, 17)  # no year in the text, the header's date is not it
    assert a.amount is not None and (a.amount.value, a.amount.currency) == (5e9, "RUB")
    assert [s.name for s in a.signatories] == ["Степан Иванов", "Олег Смирнов"]


def test_published_fills_the_year() -> None:
    a = one(ARTICLES["header_footer"], date(2025, 7, 18))
    assert a.date == PartialDate(2025, 7, 17)


def test_signing_reported_today_takes_the_publication_date() -> None:
    text = "Сегодня правительство Тверской области и ПАО «Вектор» подписали соглашение о сотрудничестве."
    assert one(text, date(2022, 5, 4)).date == PartialDate(2022, 5, 4)
    text = "Во вторник правительство Тверской области и ПАО «Вектор» подписали соглашение о сотрудничестве."
    assert one(text, date(2022, 5, 5)).date == PartialDate(2022, 5, 3)
    assert one(text).date is None


def test_dateline_of_the_text_wins_over_the_given_date_for_the_day() -> None:
    text = "Тверь, 14 июня. Правительство Тверской области и ПАО «Вектор» подписали соглашение о сотрудничестве."
    assert one(text, date(2023, 6, 15)).date == PartialDate(2023, 6, 14)


def test_several_agreements() -> None:
    found = extract(ARTICLES["two_agreements"])
    assert [partner_names(a) for a in found] == [["Фонд развития моногородов"], ["Уралсталь"]]
    assert all(a.regions == ["Свердловская область"] for a in found)
    assert found[0].amount is None
    assert found[1].amount is not None and found[1].amount.value == 1.2e9


@pytest.mark.parametrize("key", ["plan", "rating"])
def test_plans_meetings_and_ratings_give_nothing(key: str) -> None:
    assert extract(ARTICLES[key]) == []


def test_foreign_state_is_a_country_and_its_company_a_partner() -> None:
    a = one(ARTICLES["foreign"])
    assert a.doc_type == "дорожная карта"
    assert a.regions == ["Ульяновская область"]
    assert a.countries == ["Беларусь"]
    assert partner_names(a) == ["Минский тракторный завод"]
    assert [s.name for s in a.signatories] == ["Игорь Ковалёв", "Алексей Русских"]


def test_oblique_surnames_stay_right_in_context() -> None:
    text = (
        "Соглашение подписано в ходе встречи губернатора Томской области Алексея Корня и президента "
        "АО «Вектор» Сергея Плуготаренко. Позже соглашение подписал и Андрей Клычков."
    )
    names = [s.name for s in one(text).signatories]
    assert names == ["Алексей Корня", "Сергей Плуготаренко", "Андрей Клычков"]


def test_empty_and_odd_input() -> None:
    assert extract("") == []
    assert extract("   \n\n ") == []
    assert extract("Hello world, no Russian here.") == []


def test_seed_end_to_end() -> None:
    """One seed checked whole: the Sakhalin memorandum with a Belarusian partner, «Сбер» only background."""
    path = next(SEEDS.glob("004_*.txt"), None)
    if path is None:
        skip_or_fail("seeds/ not present")
    a = one(path.read_text(encoding="utf-8"))
    assert a.doc_type == "меморандум"
    assert a.regions == ["Сахалинская область"]
    assert a.countries == ["Беларусь"]
    assert partner_names(a) == ["Центр цифрового развития"]
    assert {s.name for s in a.signatories} == {"Игорь Михайловский", "Александр Снегирёв"}
    assert a.date is None  # "во вторник" with no publication date


@pytest.mark.parametrize(
    ("text", "regions", "partners", "signers"),
    [
        (  # a witness is not a signer
            "Правительство Псковской области и АО «Лён» подписали соглашение. Подписи поставили губернатор "
            "Псковской области Михаил Ведерников и директор АО «Лён» Ольга Льнова в присутствии министра "
            "Ивана Смотрова.",
            ["Псковская область"], ["Лён"], ["Михаил Ведерников", "Ольга Льнова"],
        ),
        (  # an earlier deal recalled for background adds nothing
            "Республика Коми и ПАО «Нефтетранс» подписали соглашение о сотрудничестве. Ранее компания "
            "подписала соглашения с Пермским краем и Ненецким автономным округом.",
            ["Республика Коми"], ["Нефтетранс"], [],
        ),
        (  # a city's administration is its region; a name in quotes declines
            "Администрация Екатеринбурга подписала соглашение с «Уралтрансмашем» о строительстве трамваев.",
            ["Свердловская область"], ["Уралтрансмаш"], [],
        ),
        (  # a destination country is a place, not a party; helpers are not parties
            "Соглашение о поставках зерна в Китай подписали губернатор Курской области Роман Зотов и "
            "президент компании «Нива» Иван Зернов при содействии Минсельхоза России.",
            ["Курская область"], ["Нива"], ["Роман Зотов", "Иван Зернов"],
        ),
    ],
)
def test_parties_and_signers_only(text: str, regions: list[str], partners: list[str], signers: list[str]) -> None:
    a = one(text)
    assert a.regions == regions
    assert partner_names(a) == partners
    assert a.countries == []
    assert [s.name for s in a.signatories] == signers


def test_plural_agreements_split_per_region_with_own_official_and_sum() -> None:
    text = (
        "Соглашения о сотрудничестве подписаны с Тверской и Ярославской областями. Со стороны компании "
        "«Газсеть» документы подписал её президент Олег Орлов, со стороны регионов — губернатор Тверской "
        "области Игорь Руденко и губернатор Ярославской области Михаил Евсеев. Компания вложит в Тверскую "
        "область 3 млрд рублей, в Ярославскую — 1,5 млрд рублей."
    )
    found = extract(text)
    assert [a.regions for a in found] == [["Тверская область"], ["Ярославская область"]]
    assert [[s.name for s in a.signatories] for a in found] == [
        ["Олег Орлов", "Игорь Руденко"], ["Олег Орлов", "Михаил Евсеев"]]
    assert [a.amount.value if a.amount else None for a in found] == [3e9, 1.5e9]
    assert all(partner_names(a) == ["Газсеть"] for a in found)


def test_plural_agreements_split_per_company() -> None:
    text = (
        "На форуме губернатор Калужской области Владислав Шапша подписал соглашения с ПАО «Альфа» и "
        "АО «Бета». Компания «Альфа» вложит 2 млрд рублей, «Бета» — 300 млн рублей."
    )
    found = extract(text)
    assert [partner_names(a) for a in found] == [["Альфа"], ["Бета"]]
    assert [a.amount.value if a.amount else None for a in found] == [2e9, 3e8]
    assert all([s.name for s in a.signatories] == ["Владислав Шапша"] for a in found)
