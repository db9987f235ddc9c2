"""/stats and /recent read counts kept by triggers (migration 0008) instead of counting every agreement:
they stay exactly what counting the tables says after ingest, hide, delete, restore and reload, and
after the deltas are folded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import (
    VISIBLE,
    Agreement,
    AgreementOrganization,
    AgreementRegion,
    Article,
    Organization,
    Region,
)
from db.models.stats import StatDelta
from db.moderation import hide, restore
from db.read import counts, queries
from db.read.views import Stats
from db.write.ingest import ArticleIn, ingest, reload
from tests.db.helpers import article_text, line_extract, make_agreement

Maker = async_sessionmaker[AsyncSession]
A, AR, AO = Agreement.__table__, AgreementRegion.__table__, AgreementOrganization.__table__


async def counted(session: AsyncSession, top: int = 10) -> Stats:
    """What /stats showed before: every figure counted from the tables."""
    shown = A.c.hidden == VISIBLE
    n = func.count().label("n")

    async def rows(q):  # type: ignore[no-untyped-def]
        return [tuple(r) for r in (await session.execute(q)).all()]

    reg, org = Region.__table__, Organization.__table__
    years = sorted(
        [(y, int(c)) for y, c in await rows(select(A.c.year, n).where(shown).group_by(A.c.year))],
        key=lambda yc: (yc[0] is None, yc[0] or 0),
    )
    return Stats(
        agreements=int((await session.execute(select(func.count()).select_from(A).where(shown))).scalar_one()),
        articles=int((await session.execute(select(func.count()).select_from(Article.__table__))).scalar_one()),
        regions=await rows(
            select(reg.c.name, n).join(AR, AR.c.region_id == reg.c.id).where(AR.c.sort_key >= 0)
            .group_by(reg.c.name).order_by(n.desc(), reg.c.name).limit(top)
        ),
        partners=await rows(
            select(org.c.name, n).join(AO, AO.c.organization_id == org.c.id).where(AO.c.sort_key >= 0)
            .group_by(org.c.id, org.c.name).order_by(n.desc(), org.c.name).limit(top)
        ),
        years=years,
        doc_types=await rows(select(A.c.doc_type, n).where(shown).group_by(A.c.doc_type).order_by(n.desc(), A.c.doc_type)),
    )  # fmt: skip


async def same(sessionmaker: Maker) -> Stats:
    async with sessionmaker() as session:
        kept = await queries.stats(session, top=3)
        truth = await counted(session, top=3)
        page = await queries.recent(session, limit=50)
    assert kept == truth
    assert page.total == truth.agreements and len(page.items) == min(50, truth.agreements)
    return kept


def _article(i: int, region: str, partner: str, year: int, doc_type: str = "соглашение") -> tuple[ArticleIn, list]:
    text = f"Статья номер {i} о подписании соглашения. " + " ".join(f"факт{i * 100 + k}" for k in range(40))
    return ArticleIn(text=text, url=f"https://news.example/{i}"), [
        make_agreement(regions=[region], partners=[partner], when=(year, 5, 1 + i % 27), doc_type=doc_type)
    ]


async def test_counts_stay_exact_through_every_kind_of_write(
    sessionmaker: Maker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(counts, "FOLD_EVERY", 10**9)  # no fold by chance after an ingest: folds are checked below
    assert (await same(sessionmaker)).agreements == 0
    plan = [
        ("Калужская область", "МТС", 2021), ("Калужская область", "Сбер", 2022), ("Тульская область", "МТС", 2022),
        ("Тульская область", "Ростелеком", 2023), ("Рязанская область", "МТС", 2023),
    ]  # fmt: skip
    ids = []
    async with sessionmaker() as session:
        for i, (region, partner, year) in enumerate(plan):
            article, found = _article(i, region, partner, year, "меморандум" if i == 4 else "соглашение")
            ids.append((await ingest(session, article, found)).agreements[0].id)
        # the same agreement from a second article: one agreement, two articles
        again, found = _article(27, *plan[0])  # the same date as the first: the same agreement
        await ingest(session, again, found)
    stats = await same(sessionmaker)
    assert (stats.agreements, stats.articles) == (5, 6)
    assert stats.partners[0] == ("МТС", 3) and ("меморандум", 1) in stats.doc_types

    async with sessionmaker() as session:
        await hide(session, ids[0], admin_id=1)
    stats = await same(sessionmaker)
    assert stats.agreements == 4 and ("МТС", 2) in stats.partners
    async with sessionmaker() as session:
        await restore(session, ids[0])
    assert (await same(sessionmaker)).agreements == 5
    async with sessionmaker() as session:
        await hide(session, ids[4], admin_id=1, delete_it=True)
        await hide(session, ids[4], admin_id=1)  # a deleted one stays deleted
        await restore(session, ids[4])
    stats = await same(sessionmaker)
    assert stats.agreements == 4 and ("меморандум", 1) not in stats.doc_types

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for i, region in enumerate(["Курская область", "Тульская область"]):
        text = article_text(region, f"Компания {i}", f"2020-0{i + 1}-1{i}", event="форум", extra=f"№{i}")
        (seeds / f"{i:03}.txt").write_text(text, encoding="utf-8")
    # the users' articles are re-extracted too: line_extract finds nothing in them, so theirs go away
    await reload(sessionmaker, seeds, extract_fn=line_extract)
    assert (await same(sessionmaker)).agreements == 2
    (seeds / "001.txt").unlink()
    await reload(sessionmaker, seeds, extract_fn=line_extract)
    assert (await same(sessionmaker)).agreements == 1

    async with sessionmaker() as session:  # a reload folds the deltas; folding changes nothing read
        assert await _deltas(session) == 0
        article, found = _article(7, "Калужская область", "Сбер", 2024)
        await ingest(session, article, found)
        assert await _deltas(session) > 0
    assert (await same(sessionmaker)).agreements == 2
    async with sessionmaker() as session:
        assert await counts.fold(session) > 0
        assert await _deltas(session) == 0
    assert (await same(sessionmaker)).agreements == 2


async def _deltas(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(StatDelta.__table__))).scalar_one())


async def test_a_partner_climbs_into_the_top_through_deltas(sessionmaker: Maker) -> None:
    n = 0
    async with sessionmaker() as session:
        for partner, times in (("Альфа", 4), ("Бета", 3), ("Гамма", 3), ("Дельта", 2), ("Эпсилон", 1)):
            for _ in range(times):
                article, found = _article(n, "Калужская область", partner, 2000 + n)
                await ingest(session, article, found)
                n += 1
        await counts.fold(session)
    assert [p for p, _ in (await same(sessionmaker)).partners] == ["Альфа", "Бета", "Гамма"]
    async with sessionmaker() as session:  # the last one overtakes everybody, in deltas not folded yet
        for _ in range(4):
            article, found = _article(n, "Тульская область", "Эпсилон", 2000 + n)
            await ingest(session, article, found)
            n += 1
    assert (await same(sessionmaker)).partners == [("Эпсилон", 5), ("Альфа", 4), ("Бета", 3)]


async def test_recent_pages_and_total(sessionmaker: Maker) -> None:
    async with sessionmaker() as session:
        ids = []
        for i in range(7):
            article, found = _article(i, "Калужская область", f"Компания {i}", 2015 + i)
            ids.append((await ingest(session, article, found)).agreements[0].id)
        await hide(session, ids[-1], admin_id=1)
        first = await queries.recent(session, offset=0, limit=4)
        second = await queries.recent(session, offset=4, limit=4)
        past = await queries.recent(session, offset=10, limit=4)
    assert first.total == second.total == past.total == 6
    assert [v.id for v in first.items + second.items] == list(reversed(ids[:-1]))  # newest first, hidden left out
    assert past.items == []
