"""Rules added for unseen articles that need no NER: names, items, tallies, tenses, bodies, cases."""

from __future__ import annotations

import pytest

from extraction.finders.author import first_person
from extraction.finders.events import find_event
from extraction.finders.mentions import BRANCH, LATIN_AFTER_WITH, foreign_region
from extraction.finders.orgs import _case_like, merge, nominative_head, same_org, split_name
from extraction.finders.people import normalize_name
from extraction.models import Partner
from extraction.reading.cleaning import clean
from extraction.signings.signing import detect


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        ([("Лян", "Nom"), ("Хуэйлин", "Nom")], "Лян Хуэйлин"),  # a Chinese name read as nominative
        ([("Цэнддоржийн", "Nom"), ("Батбаяр", "Nom")], "Цэнддоржийн Батбаяр"),  # Mongolian: kept as written
        ([("Александра", "Gen"), ("Дрозденко", "Gen")], "Александр Дрозденко"),  # still declined when oblique
        ([("Ольгой", "Ins"), ("Любимовой", "Ins")], "Ольга Любимова"),
    ],
)
def test_foreign_names_stay_and_russian_ones_decline(tokens: list[tuple[str, str]], expected: str) -> None:
    assert normalize_name(tokens) == expected


@pytest.mark.parametrize(
    ("sentence", "after_plural", "after_signing", "is_item"),
    [
        ("Первое — с ПАО «Дельта».", True, True, True),
        ("Второе соглашение губернатор заключил с АО «Гамма».", False, True, True),
        ("Вторым документом стал меморандум с банком «Омега».", False, True, True),
        ("2) С ООО «Вектор» — о строительстве склада.", True, True, True),
        ("2) С ООО «Вектор» — о строительстве склада.", False, True, False),  # a list after one signing
        ("Первое заседание рабочей группы пройдёт в мае.", True, True, False),
    ],
)
def test_roundup_items(sentence: str, after_plural: bool, after_signing: bool, is_item: bool) -> None:
    s = detect(sentence, 5, follows_signing=False, after_plural=after_plural, after_signing=after_signing)
    assert bool(s and s.item) is is_item


@pytest.mark.parametrize(
    ("sentence", "signed"),
    [
        ("Всего на выставке заключены контракты на 40 млрд рублей.", False),  # a tally of the event
        ("В общей сложности подписано 12 соглашений.", False),
        ("Сегодня губернатор и глава банка подписывают соглашение о кредитовании.", True),
        ("Регионы ежегодно подписывают соглашения с инвесторами.", False),
        ("Глава области и директор завода ударили по рукам и подписали соглашение.", True),
        ("Подпись под соглашением со стороны ГК «Альфа» поставил её директор.", True),
    ],
)
def test_signing_predicates(sentence: str, signed: bool) -> None:
    assert (detect(sentence, 1) is not None) is signed


def test_several_documents_counted_in_words_are_plural() -> None:
    s = detect("Республика подписала два документа с партнёрами из Казахстана.", 0)
    assert s is not None and s.plural
    s = detect("Область подписала на выставке соглашения с тремя банками.", 0)
    assert s is not None and s.plural


def test_additive_signing_between_own_sides_is_marked() -> None:
    s = detect("Также подписано соглашение между министерством спорта А и министерством спорта Б.", 3)
    assert s is not None and s.additive and s.between


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Подписал сегодня соглашение с заводом.", True),
        ("⚡️ Сегодня подписала меморандум с университетом.", True),
        ("Мы подписали соглашение с банком.", True),
        ("Губернатор подписал соглашение с банком.", False),
    ],
)
def test_first_person_signing(sentence: str, expected: bool) -> None:
    assert first_person(sentence) is expected


@pytest.mark.parametrize(
    ("body", "region", "alias"),
    [
        ("Витебский областной исполнительный комитет", "Витебская область", True),
        ("Гродненский облисполком", "Гродненская область", True),
        ("Брестский областной Совет депутатов", "Брестский областной Совет депутатов", False),  # a council
    ],
)
def test_foreign_regional_executive_is_its_region(body: str, region: str, alias: bool) -> None:
    name, aliases = foreign_region(body)
    assert name == region and (aliases == [body]) is alias


def test_branch_prefix_and_latin_name_after_with() -> None:
    assert BRANCH.match("Сибирский филиал «Гаммы»")
    assert not BRANCH.match("Сибирская угольная компания")
    assert [m[1] for m in LATIN_AFTER_WITH.finditer("подписали соглашение с Avito и с «Альфой»")] == ["Avito"]


def test_camel_case_names_keep_their_capitals() -> None:
    assert _case_like("мегафон", "МегаФоном") == "МегаФон"
    assert split_name("«ТрансКомом»")[0] == "ТрансКом"


def test_one_word_name_in_two_cases_is_one_organization() -> None:
    assert same_org(Partner("Автодором"), Partner("Автодор"))
    assert same_org(Partner("Роснефти"), Partner("Роснефть"))
    assert not same_org(Partner("Газпром"), Partner("Газпромбанк"))
    assert not same_org(Partner("Татнефть"), Partner("Транснефть"))
    assert merge([Partner("Автодором"), Partner("Автодор", ("госкомпания «Автодор»",))])[0].name == "Автодор"


@pytest.mark.parametrize(("word", "expected"), [("Ростехом", "Ростех"), ("Россетями", "Россети"), ("Росатома", "Росатом")])
def test_organization_words_are_not_read_as_personal_names(word: str, expected: str) -> None:
    assert nominative_head(word) == expected


def test_a_named_branch_stands_for_its_company() -> None:
    assert split_name("банка ВТБ")[0] == "ВТБ"
    rest = "Курский филиал банка ВТБ"[BRANCH.match("Курский филиал банка ВТБ").end():]
    assert rest == "банка ВТБ"


@pytest.mark.parametrize(
    ("sentence", "event"),
    [
        ("На Восточном экономическом форуме Камчатский край заключил соглашение.", "Восточный экономический форум"),
        ("на Российском инвестиционном форуме три соглашения", "Российский инвестиционный форум"),
        ("на форуме семейного бизнеса подписали", "форум семейного бизнеса"),
        ("в рамках VII Российско-Китайского ЭКСПО в Харбине", "VII Российско-Китайское ЭКСПО"),
    ],
)
def test_event_phrase_ends_before_the_subject_and_counts(sentence: str, event: str) -> None:
    found = find_event(sentence)
    assert found is not None and found[0] == event


def test_title_ending_in_a_quoted_name_is_a_sentence_of_its_own() -> None:
    lines = clean("Область подписала соглашения на форуме «Дельта»\nГубернатор подписал соглашения.").lines
    assert lines[0] == "Область подписала соглашения на форуме «Дельта»."
    assert clean("Он сказал: «Всё готово.»\nДалее.").lines[0] == "Он сказал: «Всё готово.»"


def test_links_under_a_bare_read_also_line_are_dropped() -> None:
    text = ("Губернатор подписал соглашение с компанией «Альфа» о строительстве завода в области.\n"
            "Читайте также:\nБанк «Бета» подписал соглашение с соседней областью\nЕщё одна новость про завод\n"
            "Завод начнёт работу в следующем году.")
    lines = clean(text).lines
    assert not any("Бета" in x or "Ещё одна" in x for x in lines)
    assert lines[-1] == "Завод начнёт работу в следующем году."
