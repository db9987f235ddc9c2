"""Filtered views: totals by region for the map, the filtered/sorted table, events by key and year."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.read import aggregates, events
from db.read.aggregates import Filters
from db.read.event_names import event_key, event_year, parse_query
from db.write.ingest import ArticleIn, ingest
from tests.db.helpers import make_agreement

Maker = async_sessionmaker[AsyncSession]

ROWS = [
    # region, partner, country, date, event, amount (RUB)
    ("Калужская область", "МТС", None, (2024, 6, 6), "ПМЭФ-2024", 5e9),
    (
        "Калужская область",
        "Ростех",
        None,
        (2023, 6, 15),
        "Петербургский международный экономический форум",
        1e9,
    ),
    ("Тульская область", "МТС", None, (2024, 6, 7), "Петербургском международном экономическом форуме", None),
    ("Приморский край", "Роснефть", None, (2023, 9, 11), "ВЭФ-2023", 2e10),
    ("Приморский край", "Сбер", None, (2022, 9, 6), "Восточный экономический форум", 3e9),
    ("Свердловская область", "Уралхим", None, (2024, 7, 8), "Иннопром-2024", 7e8),
    ("Калужская область", None, "Беларусь", (2024, 6, 28), "XI Форум регионов России и Беларуси", None),
    ("Москва", "Яндекс", None, (2021, 3, 3), None, 4e8),
]


@pytest.fixture
async def filled(sessionmaker: Maker) -> Maker:
    async with sessionmaker() as s:
        for i, (region, partner, country, when, event, amount) in enumerate(ROWS):
            ag = make_agreement(
                [region], [partner] if partner else [], [country] if country else [],
                when=when, event=event, amount=amount, evidence=f"Соглашение {i} о сотрудничестве подписано.",
            )  # fmt: skip
            await ingest(s, ArticleIn(f"Статья {i}", url=f"https://news.example/a{i}"), [ag])
    return sessionmaker


def test_event_names_fold_spellings_into_one_key_and_year() -> None:
    assert {event_key(t).key for t in ("ПМЭФ-2024", "Петербургском международном экономическом форуме",
                                          "ПМЭФ")} == {"pmef"}  # fmt: skip
    assert event_key("ВЭФ-2023").key == event_key("Восточный экономический форум").key == "vef"
    assert event_key("XI Форум регионов России и Беларуси").key == "forum-rb"
    assert event_key("Иннопром-2019").key == "innoprom"
    assert event_key("III Форум «Малые города»") == event_key("Форум Малые города 2023")
    assert event_year("ПМЭФ-2024") == 2024 and event_year("ВЭФ-23") == 2023 and event_year("Иннопром") is None
    assert parse_query("ВЭФ-2023") == parse_query("ВЭФ 2023") and parse_query("ВЭФ 2023").year == 2023


async def test_region_totals_count_and_sum_every_subject(filled: Maker) -> None:
    async with filled() as s:
        totals = await aggregates.region_totals(s, await aggregates.select_by(s, Filters()))
        by_name = {t.name: t for t in totals}
        assert len(totals) == 89
        assert by_name["Калужская область"].count == 3 and by_name["Калужская область"].total == 6e9
        assert by_name["Приморский край"].total == 2.3e10
        assert by_name["Курская область"].count == 0
        assert totals[0].name == "Калужская область"
        year = {
            t.name: t.count
            for t in await aggregates.region_totals(s, await aggregates.select_by(s, Filters(year=2024)))
        }
        assert year["Калужская область"] == 2 and year["Приморский край"] == 0
        mts = {
            t.name: t.count
            for t in await aggregates.region_totals(s, await aggregates.select_by(s, Filters(partner="мтс")))
        }
        assert mts["Калужская область"] == 1 and mts["Тульская область"] == 1 and sum(mts.values()) == 2
        belarus = await aggregates.select_by(s, Filters(country="Белоруссия"))
        assert belarus.matched["country"] == ["Беларусь"]
        assert {t.name: t.count for t in await aggregates.region_totals(s, belarus)}["Калужская область"] == 1
        nothing = await aggregates.select_by(s, Filters(partner="Несуществующая компания Щ"))
        assert nothing.nothing and sum(t.count for t in await aggregates.region_totals(s, nothing)) == 0


async def test_filtered_page_sorts_by_date_and_sum(filled: Maker) -> None:
    async with filled() as s:
        everything = await aggregates.select_by(s, Filters())
        newest = await aggregates.agreements(s, everything, limit=3)
        assert newest.total == 8 and [v.date.year for v in newest.items] == [2024, 2024, 2024]
        largest = await aggregates.agreements(s, everything, limit=2, sort="sum")
        assert [v.amount.value for v in largest.items] == [2e10, 5e9]
        smallest = await aggregates.agreements(s, everything, limit=1, sort="sum_asc")
        assert smallest.items[0].amount.value == 4e8
        kaluga = await aggregates.select_by(s, Filters(region="Калужская", year=2024, q="сотрудничестве"))
        page = await aggregates.agreements(s, kaluga)
        assert page.total == 2 and all("Калужская область" in v.regions for v in page.items)
        line = await aggregates.totals(s, await aggregates.select_by(s, Filters(region="Калуга")))
        assert (line.count, line.first_year, line.last_year, line.total) == (3, 2023, 2024, 6e9)


async def test_events_by_key_and_year(filled: Maker) -> None:
    async with filled() as s:
        listed = {(e.key, e.year): e.count for e in await events.catalog(s)}
        assert listed[("pmef", 2024)] == 2 and listed[("pmef", 2023)] == 1
        assert listed[("vef", 2023)] == 1 and listed[("vef", 2022)] == 1
        for text in ("ПМЭФ-2024", "Петербургский международный экономический форум 2024", "пмэф 2024"):
            found = await events.find(s, text)
            assert found is not None and found.key == "pmef" and found.year == 2024, text
            page = await aggregates.agreements(s, await aggregates.select_by(s, Filters(event=text)))
            assert page.total == 2
        vef = await events.find(s, "ВЭФ")
        assert vef is not None and vef.year is None and vef.years == [(2023, 1), (2022, 1)]
        assert (await events.find(s, "форум регионов России и Беларуси")).key == "forum-rb"
        assert (await events.find(s, "Иннопром")).years == [(2024, 1)]
        assert await events.find(s, "ВЭФ-2019") is None
        assert await events.find(s, "Никакой форум") is None


@pytest.mark.parametrize("sort", ["date", "date_asc", "sum", "sum_asc"])
async def test_pages_walk_every_agreement_once_in_order(filled: Maker, sort: str) -> None:
    async with filled() as s:
        everything = await aggregates.select_by(s, Filters())
        whole = await aggregates.agreements(s, everything, limit=100, sort=sort)
        paged = []
        for offset in range(0, 9, 3):
            paged += (await aggregates.agreements(s, everything, offset, 3, sort)).items
        assert [v.id for v in paged] == [v.id for v in whole.items] and len(paged) == 8
        amounts = [v.amount.value for v in whole.items if v.amount]
        if sort.startswith("sum"):
            assert amounts == sorted(amounts, reverse=sort == "sum") and len(amounts) == 6
            assert all(v.amount is None for v in whole.items[6:])
        years = [v.date.year for v in whole.items]
        if sort == "date_asc":
            assert years == sorted(years)
