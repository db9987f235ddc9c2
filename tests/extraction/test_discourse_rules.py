"""Rules for wider styles: weekday words, abbreviations of a name's core, places tagged as people, past
totals, paragraphs of a digest, first-person posts, signers named by title or by a pronoun."""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest

from extraction import Agreement, extract
from extraction.finders.author import first_person
from extraction.finders.dates import find_dates, resolve
from extraction.finders.gazetteer import find_regions
from extraction.finders.heads import names_unnamed_head
from extraction.finders.orgs import merge, prefer_short, same_org, split_name
from extraction.models import PartialDate, Partner

THURSDAY = date(2024, 3, 14)


@cache
def run(text: str, published: date | None = THURSDAY) -> tuple[Agreement, ...]:
    return tuple(extract(text, published))


def people(a: Agreement) -> set[str]:
    return {s.name for s in a.signatories}


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [("в четверг", 14), ("во вторник", 12), ("в пятницу", 8), ("в минувшую пятницу", 8),
     ("в прошлый четверг", 7), ("в минувший вторник", 12), ("в прошедшую среду", 13)],
)
def test_weekday_is_the_latest_one_before_publication(phrase: str, expected: int) -> None:
    mention = find_dates(f"Стороны встретились {phrase} в Туле.")[0]
    assert resolve(mention, PartialDate(2024, 3, 14)) == PartialDate(2024, 3, expected)


def test_the_ceremony_sentence_dates_the_signing() -> None:
    text = ("Курская область и ПАО «Альтаир» подписали соглашение о развитии связи. "
            "Церемония прошла во вторник в Курске.")
    (a,) = run(text)
    assert a.date == PartialDate(2024, 3, 12)


@pytest.mark.parametrize(
    ("short", "full", "same"),
    [("УТУ", "Национальный исследовательский Уральский технический университет", True),
     ("АРСК", "Агентство развития Северного Кавказа и Юга", True),
     ("ВГУ", "Волжский государственный университет", True),
     ("МТС", "Межрегиональная транспортная компания", False),
     ("ТУ", "Национальный исследовательский Уральский технический университет", False)],
)
def test_abbreviation_of_the_core_of_a_name(short: str, full: str, same: bool) -> None:
    assert same_org(Partner(short), Partner(full)) is same


def test_abbreviation_and_full_name_merge_into_one_partner() -> None:
    merged = merge([Partner("Национальный исследовательский Уральский технический университет"), Partner("УТУ")])
    assert len(merged) == 1
    assert "УТУ" in (merged[0].name, *merged[0].aliases)


def test_a_region_name_is_never_a_signatory() -> None:
    text = ("Сегодня в Чебоксарах Глава Республики Марий Эл Иван Сомов и Глава Чувашской Республики "
            "Пётр Лавров заключили соглашение о сотрудничестве.")
    (a,) = run(text)
    assert people(a) == {"Иван Сомов", "Пётр Лавров"}


def test_a_past_total_after_the_signing_is_not_the_agreement_sum() -> None:
    text = ("Губернатор Тверской области Игорь Сидоров и генеральный директор АО «Бетапласт» Олег Кузнецов "
            "подписали соглашение о строительстве склада. Он напомнил, что с 2018 года компания "
            "инвестировала в регион 12 млрд рублей.")
    (a,) = run(text)
    assert a.amount is None
    text2 = text.replace("Он напомнил, что с 2018 года компания инвестировала", "Компания инвестирует")
    (b,) = run(text2)
    assert b.amount is not None and b.amount.value == 12_000_000_000


def test_each_paragraph_of_a_digest_is_its_own_agreement() -> None:
    text = ("Итоги недели.\n\n"
            "Во вторник губернатор Тверской области Игорь Сидоров и ПАО «Орбита» подписали соглашение "
            "о сотрудничестве. Компания вложит в проект 2 млрд рублей.\n\n"
            "В четверг правительство Курской области и АО «Стрела» заключили соглашение о сотрудничестве. "
            "Со стороны области документ подписал губернатор Павел Громов.")
    found = run(text)
    assert len(found) == 2
    tver = next(a for a in found if a.regions == ["Тверская область"])
    kursk = next(a for a in found if a.regions == ["Курская область"])
    assert [p.name for p in tver.partners] == ["Орбита"] and [p.name for p in kursk.partners] == ["Стрела"]
    assert people(tver) == {"Игорь Сидоров"} and people(kursk) == {"Павел Громов"}
    assert tver.amount is not None and kursk.amount is None
    assert tver.date == PartialDate(2024, 3, 12) and kursk.date == PartialDate(2024, 3, 14)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [("Сегодня на инвестиционном форуме подписал соглашение с банком.", True),
     ("Сегодня в Казани подписала меморандум.", True),
     ("На полях форума в Сочи губернатор подписал соглашение.", False),
     ("Сегодня МТС подписал соглашение.", False),
     ("В Кремле подписали соглашение.", False),
     ("Со стороны компании документ подписал директор.", False)],
)
def test_first_person_post(sentence: str, expected: bool) -> None:
    assert first_person(sentence) is expected


def test_a_forwarded_first_person_post_is_signed_by_its_author() -> None:
    text = ("Переслано из Губернатор Липецкой области Илья Брагин\n"
            "Сегодня на инвестиционном форуме подписал соглашение с ПАО «Полюс-Телеком» о развитии связи.\n"
            "Со стороны компании документ подписал президент ПАО «Полюс-Телеком» Андрей Соколов.")
    (a,) = run(text)
    assert people(a) == {"Илья Брагин", "Андрей Соколов"}
    assert a.regions == ["Липецкая область"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [("Документ подписали глава региона и директор компании.", True),
     ("Со стороны области документ подписал губернатор.", True),
     ("Соглашение подписали губернатор Иван Петров и директор.", False),
     ("Документ подписал глава компании Петров.", False),
     ("Губернатор встретился с инвесторами.", False)],
)
def test_a_head_named_by_title_only(sentence: str, expected: bool) -> None:
    assert names_unnamed_head(sentence) is expected


def test_the_head_named_earlier_signs_when_called_by_title_and_the_same_day_carries_over() -> None:
    text = ("Губернатор Орловской области Андрей Клычков провёл на форуме серию встреч.\n\n"
            "12 марта глава региона и председатель правления ПАО «Вектор» Сергей Орлов подписали "
            "соглашение о строительстве терминала.\n\n"
            "В тот же день правительство Орловской области и АО «Радуга» заключили соглашение о сотрудничестве. "
            "С другой стороны документ подписал директор АО «Радуга» Пётр Ильин, со стороны региона подпись "
            "поставил губернатор.")
    found = run(text, None)
    assert len(found) == 2
    vector = next(a for a in found if a.partners[0].name == "Вектор")
    raduga = next(a for a in found if a.partners[0].name == "Радуга")
    assert people(vector) == {"Андрей Клычков", "Сергей Орлов"}
    assert people(raduga) == {"Андрей Клычков", "Пётр Ильин"}
    assert raduga.date == vector.date == PartialDate(None, 3, 12)


def test_a_pronoun_title_belongs_to_the_organization_just_named() -> None:
    text = ("Губернатор Курской области Роман Старков подписал соглашения с АО «Омега» и ПАО «Сигма».\n\n"
            "С «Омегой» регион договорился о строительстве завода. Подпись под документом со стороны "
            "компании поставил её председатель Павел Смирнов.\n\n"
            "Второе соглашение — с ПАО «Сигма» — касается связи. Его подписал генеральный директор компании "
            "Олег Бобров.")
    found = run(text)
    omega = next(a for a in found if a.partners[0].name == "Омега")
    sigma = next(a for a in found if a.partners[0].name == "Сигма")
    assert "Павел Смирнов" in people(omega) and "Павел Смирнов" not in people(sigma)
    assert next(s.role for s in omega.signatories if s.name == "Павел Смирнов") == "председатель «Омега»"


def test_a_ceremony_dated_before_the_signers_sentence() -> None:
    text = ("В Рязани во вторник прошла церемония подписания соглашения между Рязанской областью и "
            "ПАО «Квант». Документ подписали губернатор Павел Малинин и директор ПАО «Квант» Фёдор Зуев.")
    (a,) = run(text)
    assert a.date == PartialDate(2024, 3, 12)


def test_an_earlier_period_total_is_not_the_agreement_sum() -> None:
    text = ("Губернатор Рязанской области Павел Малинин и генеральный директор АО «Квант» Фёдор Зуев подписали "
            "соглашение о модернизации завода. За последние пять лет компания вложила в завод 4 млрд рублей.")
    (a,) = run(text)
    assert a.amount is None


@pytest.mark.parametrize(
    ("raw", "name", "alias"),
    [("ПАО «ТЕХНО Холдинг»", "ТЕХНО", "ТЕХНО Холдинг"), ("Vega Group", "Vega", "Vega Group")],
)
def test_a_holding_is_named_without_the_group_word(raw: str, name: str, alias: str) -> None:
    got, aliases = split_name(raw)
    assert got == name and alias in aliases


def test_a_plain_noun_before_holding_is_kept() -> None:
    assert split_name("Объединенный холдинг")[0] == "Объединенный холдинг"


def test_the_abbreviation_the_text_keeps_using_becomes_the_name() -> None:
    full = Partner("Северный транспортный союз", ("АО «Северный транспортный союз»",))
    (p,) = prefer_short([full], "СТС подписал ... В СТС отметили ...")
    assert p.name == "СТС" and "Северный транспортный союз" in p.aliases
    (once,) = prefer_short([full], "Глава СТС заявил ...")
    assert once.name == "Северный транспортный союз" and "СТС" in once.aliases
    (none,) = prefer_short([full], "Союз подписал ...")
    assert none == full


def test_nao_is_the_nenets_okrug_unless_it_is_a_legal_form() -> None:
    assert [m.region.name for m in find_regions("губернатор НАО и жители ЯНАО")] == [
        "Ненецкий автономный округ", "Ямало-Ненецкий автономный округ"]
    assert find_regions("НАО «Северный завод» построит цех") == []


def test_a_product_named_in_the_topic_is_no_partner() -> None:
    text = ("Орловская область подписала соглашение с ПАО «Вектор» о развитии платформы «Умный двор». "
            "Документ подписал губернатор Андрей Клычков.")
    (a,) = run(text)
    assert [p.name for p in a.partners] == ["Вектор"]


def test_a_verbless_side_sentence_adds_its_signer() -> None:
    text = ("Орловская область подписала соглашение с ПАО «Вектор» о строительстве терминала. Со стороны "
            "региона документ подписал губернатор Андрей Клычков. Со стороны компании — генеральный директор "
            "ПАО «Вектор» Сергей Орлов.")
    (a,) = run(text)
    assert people(a) == {"Андрей Клычков", "Сергей Орлов"}


def test_a_meeting_after_an_interregional_signing_adds_no_partner() -> None:
    text = ("Вологодская область и Карелия подписали соглашение о сотрудничестве. Подписи поставили губернатор "
            "Вологодской области Олег Смирнов и глава Республики Карелия Иван Громов.\n\n"
            "В минувшую среду Смирнов также встретился с руководством ПАО «Северный поток».")
    (a,) = run(text)
    assert a.partners == [] and set(a.regions) == {"Вологодская область", "Республика Карелия"}


def test_digest_days_and_governors_stay_in_their_paragraphs() -> None:
    text = ("Соглашения недели\n\n"
            "В понедельник Тверская область и «Орбита» подписали соглашение о социальном партнерстве. "
            "Документ подписали губернатор Игорь Сидоров и президент компании Олег Климов.\n\n"
            "Во вторник Республика Коми и ПАО «Стрела» заключили соглашение о сотрудничестве. "
            "Со стороны республики подпись поставил глава Коми Пётр Лавров.")
    first, second = sorted(run(text), key=lambda a: a.date.day)
    assert first.regions == ["Тверская область"] and people(first) == {"Игорь Сидоров", "Олег Климов"}
    assert second.regions == ["Республика Коми"] and people(second) == {"Пётр Лавров"}
    assert (first.date.day, second.date.day) == (11, 12)


def test_a_paragraph_that_tells_on_about_the_document_stays_with_it() -> None:
    text = ("Тульская область и ПАО «Альтаир» подписали соглашение о развитии связи.\n\n"
            "Подписи под соглашением поставили губернатор Алексей Дюмин и директор АО «Альтаир-Сервис» "
            "Иван Петров.")
    (a,) = run(text)
    assert people(a) == {"Алексей Дюмин", "Иван Петров"}
