"""Brands in brackets, who signed for a side, heads of a roundup, totals and credit lines."""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest

from extraction import Agreement, extract
from extraction.finders.heads import names_unnamed_head
from extraction.finders.orgs import bracket_links, merge_linked, nominative_head, same_org, split_name
from extraction.finders.people import normalize_name
from extraction.models import Partner
from extraction.signings.roundup import _region_official
from extraction.signings.signing import detect

PUB = date(2025, 5, 20)


@cache
def run(text: str) -> tuple[Agreement, ...]:
    return tuple(extract(text, PUB))


def people(a: Agreement) -> set[str]:
    return {s.name for s in a.signatories}


# brands and former names in brackets -----------------------------------------------------------

@pytest.mark.parametrize(("text", "outer", "inner", "inner_wins"), [
    ("АО «Северсвязь» (бренд «Полюс-Нет»)", "Северсвязь", "Полюс-Нет", False),
    ("провайдер Полюснет (ООО «Северсвязь»)", "Полюснет", "Северсвязь", True),
    ("Северсвязь (Полюснет)", "Северсвязь", "Полюснет", False),
    ("«Северсвязь» (ранее «Тундранет»)", "Северсвязь", "Тундранет", False),
    ("АО «Северсвязь» (торговая марка «Полюс»)", "Северсвязь", "Полюс", False),
])
def test_bracket_links(text: str, outer: str, inner: str, inner_wins: bool) -> None:
    assert bracket_links(text) == [(outer, inner, inner_wins)]


def test_an_abbreviation_in_brackets_is_left_to_the_name_splitter() -> None:
    assert bracket_links("Уральский федеральный университет (УрФУ)") == []


def test_brand_and_company_become_one_partner_named_by_the_company() -> None:
    partners = [Partner("Полюснет"), Partner("Северсвязь", ("ООО «Северсвязь»",))]
    merged = merge_linked(partners, "Оператор Полюснет (ООО «Северсвязь») построит сеть.")
    assert [p.name for p in merged] == ["Северсвязь"]
    assert "Полюснет" in merged[0].aliases


def test_unlinked_partners_stay_apart() -> None:
    partners = [Partner("Полюснет"), Partner("Северсвязь")]
    assert len(merge_linked(partners, "Полюснет и Северсвязь построят сеть.")) == 2


def test_brand_in_title_and_company_in_body_are_one_partner() -> None:
    text = ("Полюснет протянет оптику в Мурманской области\n\n"
            "Правительство Мурманской области и АО «Северсвязь» (бренд «Полюснет») подписали соглашение о "
            "строительстве волоконно-оптических линий. Документ подписали губернатор Андрей Чибис и генеральный "
            "директор «Северсвязи» Олег Мартынов.")
    (a,) = run(text)
    assert len(a.partners) == 1


# who signed for the region's side --------------------------------------------------------------

def test_a_named_signer_for_the_region_keeps_the_head_out() -> None:
    text = ("Правительство Омской области подписало два соглашения — с компанией «Зерноград» и банком «Степной», "
            "сообщила пресс-служба губернатора.\n\n"
            "Соглашение с «Зерноградом» подписали губернатор региона Виталий Хоценко и директор компании "
            "Павел Огнев.\n\n"
            "Второй документ со стороны региона подписал вице-губернатор Олег Лужин, со стороны банка — "
            "председатель правления банка «Степной» Илья Борисов.")
    found = run(text)
    bank = next(a for a in found if any("Степн" in p.name for p in a.partners))
    assert "Виталий Хоценко" not in people(bank)
    assert "Олег Лужин" in people(bank)


def test_governor_of_a_named_region_without_a_name_is_an_unnamed_head() -> None:
    assert names_unnamed_head("В тот же день губернатор Кубани подписал соглашение с банком.")
    assert not names_unnamed_head("Губернатор Вениамин Кондратьев подписал соглашение с банком.")


def test_roundup_head_signs_every_item() -> None:
    text = ("Глава Республики Карелия Артур Парфенчиков подписал на форуме три соглашения.\n\n"
            "Первое — соглашение с ПАО «Северный кредит». Со стороны банка его подписал председатель правления "
            "Игорь Лунин.\n\n"
            "Второе — меморандум с АО «Карелгеосервис». Документ подписал генеральный директор АО "
            "«Карелгеосервис» Максим Орлов.")
    found = run(text)
    assert len(found) == 2
    assert all("Артур Парфенчиков" in people(a) for a in found)


# totals and credit lines -----------------------------------------------------------------------

def test_a_total_after_an_attribution_is_no_signing() -> None:
    assert detect("По данным оргкомитета, всего на выставке подписано 40 соглашений.", 3) is None
    assert detect("По итогам встречи стороны подписали соглашение.", 3) is not None


def test_a_credit_line_is_the_agreements_sum() -> None:
    text = ("Правительство Курганской области подписало соглашение с ПАО «Зауральский банк». Документ подписали "
            "губернатор Вадим Шумков и президент банка Сергей Котов. Банк откроет предприятиям региона кредитную "
            "линию на 2 млрд рублей.")
    (a,) = run(text)
    assert a.amount is not None and a.amount.value == 2_000_000_000


def test_what_was_invested_before_is_not_the_agreements_sum() -> None:
    text = ("Правительство Курганской области подписало соглашение с ПАО «Зауральский банк». Документ подписали "
            "губернатор Вадим Шумков и президент банка Сергей Котов. «В наш завод было вложено 9 млрд рублей, "
            "теперь мы строим рядом жильё», — сказал Котов.")
    (a,) = run(text)
    assert a.amount is None


# names -----------------------------------------------------------------------------------------

def test_acronym_matches_camelcase_initials() -> None:
    assert same_org(Partner("ЮТС"), Partner("Южные ТеплоСети"))
    assert not same_org(Partner("ЮТС"), Partner("Южные сети"))


def test_an_employer_in_a_signers_title_is_no_extra_partner() -> None:
    text = ("Правительство Липецкой области и ПАО «Энергосеть» подписали соглашение о модернизации подстанций. "
            "Документ подписали губернатор Игорь Артамонов, президент «Энергосети» Пётр Жуков и генеральный "
            "директор АО «Энергосеть-Монтаж» Денис Козлов.")
    (a,) = run(text)
    assert [p.name for p in a.partners] == ["Энергосеть"]


def test_a_stray_full_stop_is_no_part_of_a_name() -> None:
    assert normalize_name([("Пак", "Nom"), ("Мин", "Nom"), ("Хо", "Nom"), (".", None)]) == "Пак Мин Хо"


def test_a_borrowed_group_word_does_not_decline() -> None:
    assert nominative_head("Альфа Плюс Групп") == "Альфа Плюс Групп"


def test_a_press_office_of_the_governor_names_no_signer() -> None:
    text = ("Губернатор Ярославской области Михаил Евраев подписал соглашение с ПАО «Волжский завод». Документ "
            "подписали также директор завода Сергей Морозов.\n\n"
            "Кроме того, правительство области заключило договор с АО «Верхневолжская сеть», сообщила "
            "пресс-служба губернатора. Со стороны компании договор подписал директор Павел Лисин.")
    found = run(text)
    net = next(a for a in found if any("Верхневолж" in p.name for p in a.partners))
    assert "Михаил Евраев" not in people(net)


@pytest.mark.parametrize(("raw", "name", "alias"), [
    ("ООО «Северсвязь» (Полюснет)", "Северсвязь", "Полюснет"),
    ("АО «Северсвязь» (бренд «Полюснет»)", "Северсвязь", "Полюснет"),
    ("АО «Северсвязь» (ранее «Тундранет»)", "Северсвязь", "Тундранет"),
])
def test_a_brand_closing_a_mention_is_an_alias(raw: str, name: str, alias: str) -> None:
    got_name, aliases = split_name(raw)
    assert got_name == name
    assert alias in aliases


def test_a_place_in_brackets_is_no_alias() -> None:
    assert "Китай" not in split_name("АО «Северсвязь» (Китай)")[1]
    assert bracket_links("«Северсвязь» (Казань)") == []


def test_a_regional_minister_signing_an_item_keeps_the_head_out() -> None:
    text = ("Глава Республики Карелия Артур Парфенчиков подписал на форуме два соглашения.\n\n"
            "Первое — соглашение с ПАО «Северный кредит». Со стороны банка его подписал председатель правления "
            "Игорь Лунин.\n\n"
            "Второе — с АО «Онежский лес». Документ подписали министр природных ресурсов Карелии Алексей Громов "
            "и генеральный директор компании Максим Орлов.")
    found = run(text)
    forest = next(a for a in found if any("Онеж" in p.name for p in a.partners))
    bank = next(a for a in found if any("Северн" in p.name for p in a.partners))
    assert "Артур Парфенчиков" not in people(forest)
    assert "Артур Парфенчиков" in people(bank)


@pytest.mark.parametrize(("role", "expected"), [
    ("министр природных ресурсов Карелии", True),
    ("вице-губернатор", True),
    ("министр экономики Беларуси", False),
    ("министр строительства РФ", False),
    ("генеральный директор АО «Онежский лес»", False),
])
def test_regional_official_roles(role: str, expected: bool) -> None:
    assert _region_official(role) is expected


def test_only_an_attribution_may_precede_a_total() -> None:
    assert detect("Как сообщили в мэрии, всего за год подписано 12 соглашений.", 2) is None
    assert detect("Губернатор, всего месяц назад вступивший в должность, подписал соглашение с банком.", 2)
