"""Subscriptions and the alerts outbox on both backends: resolving, following, the ingest hook
(one row per follower and new agreement, none for the sender, seeds or known agreements), claiming
whole (user, article) groups, and pausing a user who blocked the bot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db import follows, outbox
from db.models.follows import (
    BLOCKED,
    FOLLOW_COUNTRY,
    FOLLOW_PARTNER,
    FOLLOW_REGION,
    PENDING,
    SENT,
    AlertOutbox,
)
from db.write.ingest import ArticleIn, ingest, reload
from tests.db.helpers import HEAD, make_agreement

Maker = async_sessionmaker[AsyncSession]
FOLLOWER, OTHER, SENDER = 501, 502, 503


async def _follow(session: AsyncSession, user: int, text: str) -> follows.FollowTarget:
    resolution, _ = await follows.resolve(session, text)
    assert len(resolution.targets) == 1, resolution
    [target] = resolution.targets
    assert await follows.follow(session, user, target) is True
    return target


async def _rows(session: AsyncSession) -> list[tuple[int, int, int, str]]:
    out = AlertOutbox.__table__
    result = await session.execute(
        select(out.c.user_id, out.c.article_id, out.c.agreement_id, out.c.status).order_by(out.c.id)
    )
    return [tuple(r) for r in result.all()]


async def test_resolve_regions_partners_countries_and_suggestions(session: AsyncSession) -> None:
    await ingest(
        session,
        ArticleIn("Статья о МТС.", sent_by=SENDER),
        [make_agreement(["Калужская область"], ["ПАО «МТС»"])],
    )
    resolution, _ = await follows.resolve(session, "калужской")
    assert [(t.kind, t.name) for t in resolution.targets] == [(FOLLOW_REGION, "Калужская область")]
    resolution, _ = await follows.resolve(session, "Калуга")  # the capital names the region
    assert [t.name for t in resolution.targets] == ["Калужская область"]
    resolution, _ = await follows.resolve(session, "МТС")
    assert [t.kind for t in resolution.targets] == [FOLLOW_PARTNER]
    resolution, _ = await follows.resolve(session, "Беларусь")
    assert [(t.kind, t.name) for t in resolution.targets] == [(FOLLOW_COUNTRY, "Беларусь")]
    resolution, _ = await follows.resolve(session, "Калужскя облсть")  # typos are forgiven
    assert [t.name for t in resolution.targets] == ["Калужская область"]
    resolution, _ = await follows.resolve(session, "щщщщщщ")
    assert resolution.targets == []
    resolution, _ = await follows.resolve(session, "   ")
    assert resolution.targets == [] and resolution.suggestions == []


async def test_follow_twice_list_and_unfollow(session: AsyncSession) -> None:
    target = await _follow(session, FOLLOWER, "Калужская")
    assert await follows.follow(session, FOLLOWER, target) is False  # already followed
    rows = await follows.following(session, FOLLOWER)
    assert [(r.kind, r.name, r.paused) for r in rows] == [(FOLLOW_REGION, "Калужская область", False)]
    assert await follows.following(session, OTHER) == []
    assert await follows.unfollow_id(session, OTHER, rows[0].id) is None  # not someone else's
    assert await follows.unfollow(session, FOLLOWER, [target]) == ["Калужская область"]
    assert await follows.following(session, FOLLOWER) == []
    assert await follows.unfollow(session, FOLLOWER, [target]) == []


async def test_ingest_writes_one_row_per_follower_and_new_agreement(session: AsyncSession) -> None:
    await _follow(session, FOLLOWER, "Калужская")
    await _follow(session, OTHER, "Калужская")
    await _follow(session, SENDER, "Калужская")  # the sender follows too: they get nothing
    partner = make_agreement(["Калужская область"], ["ООО «Ромашка»"])
    other = make_agreement(["Тульская область"], ["ООО «Лютик»"])
    result = await ingest(session, ArticleIn("Первая статья о Калуге.", sent_by=SENDER), [partner, other])
    assert result.new_agreements == 2 and result.alerts == 2
    kaluga = next(v.id for v in result.agreements if "Калужская область" in v.regions)
    rows = await _rows(session)
    assert rows == [
        (FOLLOWER, result.article_id, kaluga, PENDING),
        (OTHER, result.article_id, kaluga, PENDING),
    ]
    # another article about the same agreement adds a source, not a new agreement: no alert
    again = await ingest(session, ArticleIn("Вторая статья о том же соглашении.", sent_by=OTHER), [partner])
    assert again.new_agreements == 0 and again.alerts == 0
    # the same text again is known: nothing
    known = await ingest(session, ArticleIn("Первая статья о Калуге.", sent_by=OTHER), [partner])
    assert known.already_known and known.alerts == 0
    assert len(await _rows(session)) == 2


async def test_unique_pair_means_never_twice_for_one_agreement(session: AsyncSession) -> None:
    await _follow(session, FOLLOWER, "Калужская")
    result = await ingest(
        session, ArticleIn("Статья.", sent_by=SENDER), [make_agreement(["Калужская область"], ["ООО «А»"])]
    )
    [agreement_id] = [v.id for v in result.agreements]
    # the hook asked twice for the same agreement (a second article claiming it new) adds nothing
    await session.commit()
    written = await outbox.enqueue(session, result.article_id + 1000, [agreement_id], None)
    await session.commit()
    assert written == 1  # it tried...
    rows = await _rows(session)
    assert len(rows) == 1 and rows[0][1] == result.article_id  # ...and the constraint kept the first


async def test_region_partner_and_country_follows_meet_in_one_message(session: AsyncSession) -> None:
    await _follow(session, FOLLOWER, "Калужская")
    await ingest(
        session,
        ArticleIn("Знакомство с партнёром.", sent_by=SENDER),
        [make_agreement(["Тульская область"], ["ООО «Ромашка»"], when=(2020, 1, 1))],
    )
    await _follow(session, FOLLOWER, "Ромашка")
    await _follow(session, OTHER, "Беларусь")
    article = ArticleIn("Статья о трёх соглашениях.", sent_by=SENDER)
    result = await ingest(
        session,
        article,
        [
            make_agreement(["Калужская область"], ["ООО «Лютик»"]),
            make_agreement(["Тверская область"], ["ООО «Ромашка»"]),
            make_agreement(["Псковская область"], countries=["Беларусь"]),
        ],
    )
    assert result.alerts == 3
    groups = await outbox.claim(session, limit=10, lease=60)
    by_user = {g.user_id: g for g in groups}
    assert set(by_user) == {FOLLOWER, OTHER}
    assert len(by_user[FOLLOWER].agreement_ids) == 2 and len(by_user[OTHER].agreement_ids) == 1
    # leased: a second sender gets nothing until the lease ends
    assert await outbox.claim(session, limit=10, lease=60) == []
    await outbox.settle(session, by_user[FOLLOWER].row_ids)
    await outbox.retry_later(session, by_user[OTHER].row_ids, 0, "timeout")
    [again] = await outbox.claim(session, limit=10, lease=60)
    assert again.user_id == OTHER and again.attempts == 1
    assert (await outbox.counts(session)) == {SENT: 2, PENDING: 1}


async def test_blocked_user_is_paused_and_gets_no_more_rows(session: AsyncSession) -> None:
    await _follow(session, FOLLOWER, "Калужская")
    await ingest(
        session,
        ArticleIn("Статья один.", sent_by=SENDER),
        [make_agreement(["Калужская область"], ["ООО «А»"])],
    )
    assert await outbox.block_user(session, FOLLOWER, "Forbidden: bot was blocked by the user") == 1
    assert [r.paused for r in await follows.following(session, FOLLOWER)] == [True]
    assert [r[3] for r in await _rows(session)] == [BLOCKED]
    second = await ingest(
        session,
        ArticleIn("Статья два.", sent_by=SENDER),
        [make_agreement(["Калужская область"], ["ООО «Б»"])],
    )
    assert second.alerts == 0  # paused: not queued, not retried forever
    assert await follows.resume(session, FOLLOWER) is True
    third = await ingest(
        session,
        ArticleIn("Статья три.", sent_by=SENDER),
        [make_agreement(["Калужская область"], ["ООО «В»"])],
    )
    assert third.alerts == 1


async def test_hidden_agreements_and_seeds_alert_nobody(
    session: AsyncSession, sessionmaker: Maker, tmp_path: Path
) -> None:
    await _follow(session, FOLLOWER, "Калужская")
    many = [f"{n} область" for n in ("Тульская", "Тверская", "Псковская", "Курская", "Орловская", "Омская",
            "Томская", "Рязанская", "Пензенская", "Ярославская", "Смоленская", "Брянская", "Липецкая",
            "Тамбовская", "Воронежская", "Белгородская", "Владимирская", "Ивановская", "Костромская",
            "Новгородская")] + ["Калужская область"]  # fmt: skip
    listed = await ingest(
        session, ArticleIn("Список участников.", sent_by=SENDER), [make_agreement(many, ["ООО «Г»"])]
    )
    assert listed.hidden == 1 and listed.alerts == 0  # a suspected list waits for an admin
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Статья из папки.", encoding="utf-8")

    def extract(text: str, published: object) -> list:
        return [make_agreement(["Калужская область"], ["ООО «Д»"])]

    await reload(sessionmaker, seeds, extract_fn=extract)  # a reload re-extracts: no alerts
    async with sessionmaker() as s:
        n = (await s.execute(select(func.count()).select_from(AlertOutbox.__table__))).scalar_one()
    assert n == 0


async def test_migration_matches_the_tables_and_goes_down_and_up(engine: AsyncEngine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from db.migrate import current, downgrade, upgrade
    from db.models import metadata

    mine = {"follow", "alert_outbox"}

    def diff(conn: Any) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        found = compare_metadata(context, metadata)
        flat = [d for group in found for d in (group if isinstance(group, list) else [group])]
        return [d for d in flat if any(getattr(x, "name", None) in mine for x in d if hasattr(x, "name"))]

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []
    await downgrade(engine, "0004")
    async with engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    assert not mine & tables
    async with engine.connect() as conn:
        assert {d[0] for d in await conn.run_sync(diff)} == {"add_table"}  # the comparison sees them
    await upgrade(engine)
    assert await current(engine) == HEAD
    async with engine.connect() as conn:
        assert mine <= set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_feed_items_alert_like_any_article(session: AsyncSession) -> None:
    """The feeds branch stores items through the same ingest (kind feed, no sender): followers hear."""
    from db.models import KIND_FEED

    await _follow(session, FOLLOWER, "Калужская")
    result = await ingest(
        session,
        ArticleIn("Новость из ленты.", url="https://news.example/1", kind=KIND_FEED),
        [make_agreement(["Калужская область"], ["ООО «Лента»"])],
    )
    assert result.alerts == 1
    assert [r[0] for r in await _rows(session)] == [FOLLOWER]
