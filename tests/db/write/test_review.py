"""Confidence and the review queue on SQLite and PostgreSQL: a feed's unsure agreement is held out
of every answer and alert, /review's approve shows it and alerts its followers exactly once, reject
hides it, and a surer source (a user's text) shows it by itself; the highest confidence is kept."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import follows, moderation, outbox, review
from db.models import HELD, HIDDEN, KIND_FEED, KIND_TEXT, VISIBLE, Agreement
from db.models.follows import FOLLOW_REGION, AlertOutbox
from db.read.queries import by_partner, by_region, get, recent, search, stats
from db.write.ingest import ArticleIn, ingest, reload
from extraction.fields.checks import MAX_REGIONS
from extraction.finders.gazetteer import REGIONS
from tests.db.helpers import make_agreement

Maker = async_sessionmaker[AsyncSession]
A, OUT = Agreement.__table__, AlertOutbox.__table__
REGION, PARTNER, FOLLOWER = "Кировская область", "Вятский завод", 4242
HOLD = 0.6


def unsure(confidence: float = 0.3) -> list:  # type: ignore[type-arg]
    return [replace(make_agreement([REGION], [PARTNER]), confidence=confidence)]


async def _feed(s: AsyncSession, text: str, confidence: float = 0.3) -> object:
    return await ingest(s, ArticleIn(text, kind=KIND_FEED, source="feed"), unsure(confidence), hold_below=HOLD)


async def _follow(s: AsyncSession) -> None:
    assert await follows.follow(s, FOLLOWER, follows.FollowTarget(FOLLOW_REGION, REGION, REGION)) is True


async def _alerts(s: AsyncSession) -> int:
    return int((await s.execute(select(func.count()).select_from(OUT).where(OUT.c.user_id == FOLLOWER))).scalar_one())


async def _public(s: AsyncSession) -> dict[str, int]:
    return {
        "region": (await by_region(s, REGION)).page.total,
        "partner": (await by_partner(s, PARTNER)).page.total,
        "search": (await search(s, "Вятский")).total,
        "recent": (await recent(s)).total,
        "stats": (await stats(s)).agreements,
    }


NONE = {"region": 0, "partner": 0, "search": 0, "recent": 0, "stats": 0}
ONE = {"region": 1, "partner": 1, "search": 1, "recent": 1, "stats": 1}


async def test_an_unsure_feed_agreement_is_held_then_approved_and_alerted_once(sessionmaker: Maker) -> None:
    async with sessionmaker() as s:
        await _follow(s)
        held = await _feed(s, "Лента: завод и область подписали соглашение")
        assert held.agreements == [] and held.hidden == 1 and held.alerts == 0  # type: ignore[attr-defined]
        [agreement_id] = held.new_ids  # type: ignore[attr-defined]
        assert await _public(s) == NONE and await get(s, agreement_id) is None
        views, total = await review.held(s)
        assert total == 1 and [v.id for v in views] == [agreement_id] and views[0].confidence == 0.3
        assert await _alerts(s) == 0

        assert await review.approve(s, agreement_id) == HELD
        assert await _public(s) == ONE and (await get(s, agreement_id)) is not None
        assert await _alerts(s) == 1
        assert await review.approve(s, agreement_id) == VISIBLE  # pressed again: nothing more
        assert await _alerts(s) == 1
        assert await review.held(s) == ([], 0)
        assert await outbox.counts(s) == {"pending": 1}


async def test_two_admins_approving_at_once_alert_once(sessionmaker: Maker) -> None:
    async with sessionmaker() as s:
        await _follow(s)
        [agreement_id] = (await _feed(s, "Лента: одна новость")).new_ids  # type: ignore[attr-defined]
    async with sessionmaker() as one, sessionmaker() as two:
        results = await asyncio.gather(review.approve(one, agreement_id), review.approve(two, agreement_id))
    assert sorted(results) == [VISIBLE, HELD]  # only one of them moved it out of HELD
    async with sessionmaker() as s:
        assert await _alerts(s) == 1


async def test_reject_hides_and_restore_brings_it_back(sessionmaker: Maker) -> None:
    async with sessionmaker() as s:
        [agreement_id] = (await _feed(s, "Лента: сомнительная новость")).new_ids  # type: ignore[attr-defined]
        assert await review.reject(s, agreement_id) == HELD
        assert (await s.execute(select(A.c.hidden).where(A.c.id == agreement_id))).scalar_one() == HIDDEN
        assert await _public(s) == NONE and await review.held(s) == ([], 0)
        assert await review.approve(s, agreement_id) == HIDDEN  # rejected stays rejected
        assert await _public(s) == NONE
        assert await moderation.restore(s, agreement_id) == HIDDEN
        assert await _public(s) == ONE


async def test_a_users_text_shows_a_held_agreement_and_alerts_its_followers(sessionmaker: Maker) -> None:
    async with sessionmaker() as s:
        await _follow(s)
        [agreement_id] = (await _feed(s, "Лента: завод и область", 0.3)).new_ids  # type: ignore[attr-defined]
        user = await ingest(s, ArticleIn("Пересланный пост о том же соглашении", kind=KIND_TEXT), unsure(0.2),
                            hold_below=HOLD)  # fmt: skip
        assert [v.id for v in user.agreements] == [agreement_id] and user.alerts == 1
        assert await _public(s) == ONE and await review.held(s) == ([], 0)
        # the highest confidence of its sources is kept, a less sure one takes nothing away
        assert (await get(s, agreement_id)).confidence == 0.3  # type: ignore[union-attr]
        await _feed(s, "Другая лента о том же: уверенно", 0.9)
        await _feed(s, "Третья лента о том же: неуверенно", 0.1)
        assert (await get(s, agreement_id)).confidence == 0.9  # type: ignore[union-attr]
        assert await _alerts(s) == 1


async def test_a_reload_decides_no_review(sessionmaker: Maker, tmp_path: Path) -> None:
    """Feed articles are re-extracted by a reload: what was held stays held, a new one is held too."""
    async with sessionmaker() as s:
        [held_id] = (await _feed(s, "Лента: завод и область", 0.3)).new_ids  # type: ignore[attr-defined]

    def again(text: str, published: object) -> list:  # type: ignore[type-arg]
        other = replace(make_agreement(["Тверская область"], ["Тверской вагоностроительный"]), confidence=0.2)
        return [*unsure(0.9), other] if "Лента" in text else []

    report = await reload(sessionmaker, tmp_path, extract_fn=again, hold_below=HOLD)
    assert report.reextracted_user_articles == 1
    async with sessionmaker() as s:
        views, total = await review.held(s)
        assert total == 2 and held_id in [v.id for v in views]
        assert await _public(s) == NONE and (await stats(s)).agreements == 0
        assert await moderation.restore(s, held_id) == HELD  # /restore leaves it to /review
        assert (await review.held(s))[1] == 2


async def test_only_feeds_below_the_threshold_are_held(sessionmaker: Maker) -> None:
    async with sessionmaker() as s:
        sure = await _feed(s, "Лента: уверенная новость", HOLD)  # not below: shown
        assert len(sure.agreements) == 1  # type: ignore[attr-defined]
        pasted = await ingest(s, ArticleIn("Текст пользователя"), [replace(make_agreement(["Тверская область"],
                              ["Тверской вагоностроительный"]), confidence=0.1)], hold_below=HOLD)  # fmt: skip
        assert len(pasted.agreements) == 1 and pasted.agreements[0].confidence == 0.1
        ungated = await ingest(s, ArticleIn("Лента без порога", kind=KIND_FEED, source="feed"),
                               [replace(make_agreement(["Омская область"], ["Омский бекон"]), confidence=0.1)])  # fmt: skip
        assert len(ungated.agreements) == 1  # hold_below=None holds nothing
        assert await review.held(s) == ([], 0)


async def test_a_multi_region_document_is_shown_and_a_longer_list_held_for_the_admins(sessionmaker: Maker) -> None:
    names = [r.name for r in REGIONS]
    async with sessionmaker() as s:
        ring = await ingest(s, ArticleIn("Шесть регионов"), [make_agreement(names[:6], ["Ростуризм"])])
        listed = await ingest(s, ArticleIn("Список регионов"), [make_agreement(names[:MAX_REGIONS + 1], ["Минспорт"])])
        assert len(ring.agreements) == 1 and listed.agreements == [] and listed.hidden == 1
        [group], _ = await moderation.open_reports(s)
        assert group.reasons == {"too_many_parties": 1} and group.hidden == HIDDEN
