"""Queries: fuzzy region and partner lookups, suggestions, ordering, paging, search, recent, stats."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.read.queries import by_partner, by_region, recent, search, stats
from db.write.ingest import ArticleIn, ingest
from extraction.models import Partner
from tests.db.helpers import make_agreement

Maker = async_sessionmaker[AsyncSession]

FIXTURE = [
    # (region, partners, countries, date, signatory)
    (
        "Калужская область",
        [Partner("Цифровая экономика", ("АНО «Цифровая экономика»",))],
        [],
        (2019, 11, 12),
        "Анатолий Артамонов",
    ),
    ("Калужская область", [Partner("Ростех")], [], (2021, 2, 1), "Владислав Шапша"),
    ("Калужская область", [Partner("Сбер")], [], (2021, None, None), None),
    ("Калужская область", [Partner("Яндекс")], [], None, None),
    ("Калужская область", [Partner("ВТБ")], [], (None, 12, 30), None),
    ("Калужская область", [Partner("Газпром нефть")], [], (2020, 7, 7), None),
    ("Оренбургская область", [Partner("МТС", ("ПАО «МТС»",))], [], (2019, 8, 23), "Юрий Берг"),
    ("Нижегородская область", [Partner("Цифровая экономика")], [], (2019, 5, 31), "Глеб Никитин"),
    ("Сахалинская область", [Partner("Центр цифрового развития")], ["Беларусь"], (2018, 3, 3), None),
    ("Москва", [Partner("Почта России", ("АО «Почта России»",))], [], (2019, 10, 22), "Сергей Собянин"),
]


@pytest.fixture
async def filled(sessionmaker: Maker) -> Maker:
    async with sessionmaker() as s:
        for i, (region, partners, countries, when, person) in enumerate(FIXTURE):
            ag = make_agreement(
                [region],
                partners,
                countries,
                when=when,
                signatories=[(person, "губернатор")] if person else None,
                event="Петербургский международный экономический форум" if i == 1 else None,
                evidence=f"Соглашение номер {i} подписано.",
            )
            await ingest(s, ArticleIn(f"Статья номер {i}", url=f"https://news.example/{i}"), [ag])
    return sessionmaker


REGION_CASES = [
    ("Калужская", "Калужская область"),
    ("калужской", "Калужская область"),
    ("Калуга", "Калужская область"),
    ("КАЛУЖСКАЯ ОБЛАСТЬ", "Калужская область"),
    ("Калужская облась", "Калужская область"),
    ("Оренбуржье", "Оренбургская область"),
    ("Оренбуржья", "Оренбургская область"),
    ("Нижегородская обл.", "Нижегородская область"),
    ("сахалин", "Сахалинская область"),
    ("Москве", "Москва"),
]
PARTNER_CASES = [
    ("МТС", "МТС"),
    ("мтс", "МТС"),
    ("ПАО МТС", "МТС"),
    ("ПАО «МТС»", "МТС"),
    ("Цифровая экономика", "Цифровая экономика"),
    ("Цифравая экономика", "Цифровая экономика"),
    ("АНО Цифровая экономика", "Цифровая экономика"),
    ("Почта", "Почта России"),
    ("почты России", "Почта России"),
    ("Беларусь", "Беларусь"),
    ("Белоруссия", "Беларусь"),
    ("Центр цифрового развития", "Центр цифрового развития"),
]


async def test_by_region_fuzzy(filled: Maker) -> None:
    wrong = []
    async with filled() as s:
        for query, region in REGION_CASES:
            res = await by_region(s, query)
            ok = res.matched == [region] and res.page.total >= 1 and not res.suggestions
            if not ok or not all(region in item.regions for item in res.page.items):
                wrong.append((query, res.matched, res.page.total, res.suggestions))
    assert wrong == []


async def test_by_region_newest_first_with_partial_dates_and_paging(filled: Maker) -> None:
    async with filled() as s:
        first = await by_region(s, "Калужская", limit=4)
        second = await by_region(s, "Калужская", offset=4, limit=4)
        beyond = await by_region(s, "Калужская", offset=10, limit=4)
    assert first.page.total == second.page.total == beyond.page.total == 6
    order = [item.partners[0] for item in first.page.items + second.page.items]
    # 2021-02-01, 2021 (month unknown), 2020-07-07, 2019-11-12, then year unknown, then no date at all
    assert order == ["Ростех", "Сбер", "Газпром нефть", "Цифровая экономика", "ВТБ", "Яндекс"]
    assert len(first.page.items) == 4 and len(second.page.items) == 2
    assert beyond.page.items == []
    assert (second.page.offset, second.page.limit) == (4, 4)


async def test_by_region_nothing_close_gives_no_suggestions(filled: Maker) -> None:
    async with filled() as s:
        res = await by_region(s, "Калужжжская облстть")
        none = await by_region(s, "Абракадабра")
        number = await by_region(s, "123")
        empty = await by_region(s, "   ")
    assert res.matched == ["Калужская область"]
    assert none.matched == [] and none.page.total == 0 and none.page.items == []
    assert none.suggestions == [] and number.suggestions == []  # nothing is really close
    assert empty.matched == [] and empty.page.total == 0


async def test_region_without_agreements_matches_with_empty_page(filled: Maker) -> None:
    async with filled() as s:
        res = await by_region(s, "Тверская")
    assert res.matched == ["Тверская область"]
    assert res.page.total == 0 and res.suggestions == []


async def test_by_partner_fuzzy(filled: Maker) -> None:
    wrong = []
    async with filled() as s:
        for query, partner in PARTNER_CASES:
            res = await by_partner(s, query)
            ok = res.matched == [partner] and res.page.total >= 1
            if not ok or not all(partner in item.partners + item.countries for item in res.page.items):
                wrong.append((query, res.matched, res.page.total))
    assert wrong == []


async def test_by_partner_counts_every_agreement_and_suggests(filled: Maker) -> None:
    async with filled() as s:
        digital = await by_partner(s, "цифровая экономика")
        nothing = await by_partner(s, "Роснано")
        near = await by_partner(s, "Почта Руси")
    assert digital.page.total == 2
    assert [i.regions[0] for i in digital.page.items] == ["Калужская область", "Нижегородская область"]
    assert nothing.matched == [] and nothing.page.total == 0
    assert nothing.suggestions == []  # Ростех is no suggestion for Роснано
    assert near.matched == [] and near.suggestions == ["Почта России"]


async def test_search_is_case_insensitive_over_parties_people_event_evidence(filled: Maker) -> None:
    async with filled() as s:
        by_person = await search(s, "АРТАМОНОВ")
        by_event = await search(s, "экономический форум")
        by_evidence = await search(s, "номер 7")
        by_alias = await search(s, "ЦИФРОВАЯ экономика")
        paged = await search(s, "соглашение", offset=3, limit=3)
        beyond = await search(s, "соглашение", offset=100)
        nothing = await search(s, "%_%")
        blank = await search(s, "  ")
    assert [i.signatories[0].name for i in by_person.items] == ["Анатолий Артамонов"]
    assert by_event.total == 1 and by_event.items[0].partners == ["Ростех"]
    assert by_evidence.total == 1 and by_evidence.items[0].regions == ["Нижегородская область"]
    assert by_alias.total == 2
    assert nothing.total == 0 and blank.total == 0
    assert paged.total == beyond.total == len(FIXTURE)
    assert len(paged.items) == 3 and beyond.items == []


async def test_recent_pages_all_newest_first(filled: Maker) -> None:
    async with filled() as s:
        page1 = await recent(s, limit=3)
        page2 = await recent(s, offset=3, limit=3)
    assert page1.total == len(FIXTURE)
    assert [i.partners[0] for i in page1.items] == ["Ростех", "Сбер", "Газпром нефть"]
    assert not {i.id for i in page1.items} & {i.id for i in page2.items}


async def test_stats(filled: Maker) -> None:
    async with filled() as s:
        st = await stats(s)
    assert st.agreements == len(FIXTURE) and st.articles == len(FIXTURE)
    assert st.regions[0] == ("Калужская область", 6)
    assert ("Цифровая экономика", 2) in st.partners
    assert dict(st.years)[2019] == 4 and dict(st.years)[None] == 2
    assert st.years[-1][0] is None
    assert st.doc_types == [("соглашение", len(FIXTURE))]


async def test_ambiguous_prefix_suggests_instead_of_guessing(sessionmaker: Maker) -> None:
    async with sessionmaker() as s:
        for i, name in enumerate(
            [
                "Нанотех",
                "Нанопром",
                "Наностал",
                "Нанолаб",
                "Нанохим",
                "Нанобио",
                "Наносеть",
                "Нанолит",
                "Нановолокно",
            ]
        ):
            await ingest(
                s,
                ArticleIn(f"Статья {name}"),
                [make_agreement(["Томская область"], [name], when=(2020, 1, 1 + i))],
            )
        many = await by_partner(s, "Нано")
        one = await by_partner(s, "Нанотх")  # a typo of one of them
        few = await by_partner(s, "Нановол")
    assert many.matched == [] and many.page.total == 0
    assert len(many.suggestions) == 5 and all(n.startswith("Нано") for n in many.suggestions)
    assert one.matched == ["Нанотех"]
    assert few.matched == ["Нановолокно"]
