"""50 concurrent ingests, each in its own session: none lost, none duplicated, no "database is locked"."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Agreement, AgreementSource, Article, Organization
from db.read.queries import by_partner, by_region
from db.write.ingest import ArticleIn, IngestResult, ingest
from extraction.models import Partner
from tests.db.helpers import make_agreement

Maker = async_sessionmaker[AsyncSession]
N = 50
REGIONS = ["Калужская область", "Тульская область", "Псковская область", "Курская область", "Москва"]


async def _count(sessionmaker: Maker, model: type) -> int:
    async with sessionmaker() as s:
        return int((await s.execute(select(func.count()).select_from(model.__table__))).scalar_one())


async def _one(sessionmaker: Maker, article: ArticleIn, agreements: list) -> IngestResult:  # type: ignore[type-arg]
    async with sessionmaker() as s:
        return await ingest(s, article, agreements)


async def test_50_different_articles_at_once(sessionmaker: Maker) -> None:
    # Shared partners and regions make the writers race on the same reference rows.
    jobs = [
        _one(
            sessionmaker,
            ArticleIn(f"Статья {i} о соглашении", url=f"https://site{i % 7}.example/{i}", sent_by=i),
            [
                make_agreement(
                    [REGIONS[i % 5]],
                    [Partner("МТС", ("ПАО «МТС»",)), Partner(f"Фонд {i % 3}")],
                    when=(2020, 1 + i % 12, 1 + i % 28),
                )
            ],
        )
        for i in range(N)
    ]
    results = await asyncio.gather(*jobs)
    assert len({r.article_id for r in results}) == N
    assert not any(r.already_known for r in results)
    assert await _count(sessionmaker, Article) == N
    assert await _count(sessionmaker, AgreementSource) == N
    expected = len({(i % 5, i % 3, i % 12, i % 28) for i in range(N)})
    assert await _count(sessionmaker, Agreement) == expected
    assert sum(r.new_agreements for r in results) == expected
    assert await _count(sessionmaker, Organization) == 4
    async with sessionmaker() as s:
        assert (await by_partner(s, "МТС")).page.total == expected
        assert (await by_region(s, "Москва")).page.total == len(
            {(i % 3, i % 12, i % 28) for i in range(4, N, 5)}
        )


async def test_50_copies_of_one_article_at_once(sessionmaker: Maker) -> None:
    ag = make_agreement(["Тульская область"], ["Ростелеком"], when=(2021, 5, 5))
    jobs = [
        _one(
            sessionmaker,
            ArticleIn("Одна и та же новость о соглашении.", url="https://same.example/n", sent_by=i),
            [ag],
        )
        for i in range(N)
    ]
    results = await asyncio.gather(*jobs)
    assert len({r.article_id for r in results}) == 1
    assert sum(not r.already_known for r in results) == 1
    assert all(len(r.agreements) == 1 for r in results)
    assert await _count(sessionmaker, Article) == 1
    assert await _count(sessionmaker, Agreement) == 1
    assert await _count(sessionmaker, AgreementSource) == 1


async def test_same_agreement_from_50_sites_at_once(sessionmaker: Maker) -> None:
    ag = make_agreement(["Курская область"], ["Росатом"], when=(2022, 2, 2))
    jobs = [
        _one(sessionmaker, ArticleIn(f"Сайт {i} сообщает о соглашении.", url=f"https://s{i}.example/"), [ag])
        for i in range(N)
    ]
    results = await asyncio.gather(*jobs)
    assert sum(r.new_agreements for r in results) == 1
    assert len({r.agreements[0].id for r in results}) == 1
    assert await _count(sessionmaker, Agreement) == 1
    assert await _count(sessionmaker, AgreementSource) == N
