"""The alerts outbox: rows written with the agreements they tell of, read and settled by the sender.

`enqueue` runs inside the ingest transaction (an agreement is never stored without its alerts, nor
the other way round). `claim` hands a sender whole (user, article) groups, leased for a while, so
that several bot instances never send the same message and a crashed one's rows come back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, literal, or_, select, tuple_, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import write_connection
from db.history.store import Linked
from db.models import (
    VISIBLE,
    Agreement,
    AgreementCountry,
    AgreementOrganization,
    AgreementRegion,
    Article,
    Country,
    Organization,
    Region,
)
from db.models.follows import (
    BLOCKED,
    FOLLOW_COUNTRY,
    FOLLOW_PARTNER,
    FOLLOW_REGION,
    PENDING,
    SENT,
    AlertOutbox,
    Follow,
)
from db.models.history import Mention
from db.write.upsert import insert_ignore
from extraction.history.models import AMENDED, TERMINATED


async def _begin_write(session: AsyncSession) -> None:
    """Start a write transaction (BEGIN IMMEDIATE on SQLite), ending a read one first."""
    if session.in_transaction():
        await session.commit()
    await write_connection(session)


OUT, F, A = AlertOutbox.__table__, Follow.__table__, Agreement.__table__
AR, AO, AC = AgreementRegion.__table__, AgreementOrganization.__table__, AgreementCountry.__table__
REG, ORG, CTRY = Region.__table__, Organization.__table__, Country.__table__
INSERT_BATCH = 1000
# news of an agreement its followers hear of
ALERT_KINDS = frozenset({TERMINATED, AMENDED})


@dataclass(slots=True)
class AlertGroup:
    """What goes out as one message: the new agreements of one article, for one follower, and the
    news it brings of agreements they follow (`news`: agreement id -> mention id)."""

    user_id: int
    article_id: int
    row_ids: list[int] = field(default_factory=list)
    agreement_ids: list[int] = field(default_factory=list)
    news: dict[int, int] = field(default_factory=dict)
    attempts: int = 0


def _now() -> datetime:
    return datetime.now(UTC)


async def _followers(
    session: AsyncSession, agreement_ids: Sequence[int], sender_id: int | None
) -> list[tuple[int, int]]:
    """(user, agreement) for every follower (not paused, not the sender) of a region, partner or
    country of each shown agreement of `agreement_ids`."""
    ids = list(agreement_ids)
    parties = union_all(
        select(AR.c.agreement_id, literal(FOLLOW_REGION).label("kind"), REG.c.name.label("key"))
        .join(REG, REG.c.id == AR.c.region_id)
        .where(AR.c.agreement_id.in_(ids)),
        select(AO.c.agreement_id, literal(FOLLOW_PARTNER).label("kind"), ORG.c.key.label("key"))
        .join(ORG, ORG.c.id == AO.c.organization_id)
        .where(AO.c.agreement_id.in_(ids)),
        select(AC.c.agreement_id, literal(FOLLOW_COUNTRY).label("kind"), CTRY.c.name.label("key"))
        .join(CTRY, CTRY.c.id == AC.c.country_id)
        .where(AC.c.agreement_id.in_(ids)),
    ).subquery()
    conditions = [F.c.paused.is_(False), A.c.hidden == VISIBLE]
    if sender_id is not None:
        conditions.append(F.c.user_id != sender_id)
    rows = await session.execute(
        select(F.c.user_id, parties.c.agreement_id)
        .join(parties, and_(F.c.kind == parties.c.kind, F.c.key == parties.c.key))
        .join(A, A.c.id == parties.c.agreement_id)
        .where(*conditions)
        .distinct()
        .order_by(F.c.user_id, parties.c.agreement_id)
    )
    return [(int(u), int(a)) for u, a in rows.all()]


async def _insert(session: AsyncSession, rows: list[dict[str, object]]) -> int:
    now = _now()
    for row in rows:
        row.update(status=PENDING, attempts=0, next_at=now, created_at=now)
    for start in range(0, len(rows), INSERT_BATCH):
        await session.execute(insert_ignore(session, OUT), rows[start : start + INSERT_BATCH])
    return len(rows)


async def enqueue(
    session: AsyncSession, article_id: int, agreement_ids: Sequence[int], sender_id: int | None
) -> int:
    """Write an outbox row for every follower (not paused, not the sender) of a region, partner or
    country of each new shown agreement; in the caller's transaction. Returns the rows written."""
    if not agreement_ids:
        return 0
    pairs = await _followers(session, agreement_ids, sender_id)
    rows: list[dict[str, object]] = [
        {"user_id": user_id, "article_id": article_id, "agreement_id": agreement_id} for user_id, agreement_id in pairs
    ]
    return await _insert(session, rows)


async def enqueue_news(session: AsyncSession, links: Sequence[Linked], sender_id: int | None) -> int:
    """Outbox rows for the followers of agreements an article just brought news of: terminated (the
    first such news of it only) or amended; in the caller's transaction. Returns the rows written."""
    M = Mention.__table__
    news: list[Linked] = []
    for link in links:
        if link.kind not in ALERT_KINDS:
            continue
        if link.kind == TERMINATED:
            before = await session.execute(
                select(M.c.id).where(
                    M.c.agreement_id == link.agreement_id, M.c.kind == TERMINATED, M.c.id != link.mention_id
                ).limit(1)
            )
            if before.first() is not None:  # followers heard of its end already
                continue
        news.append(link)
    if not news:
        return 0
    pairs = await _followers(session, sorted({n.agreement_id for n in news}), sender_id)
    rows: list[dict[str, object]] = [
        {"user_id": user_id, "article_id": n.article_id, "agreement_id": agreement_id, "mention_id": n.mention_id}
        for user_id, agreement_id in pairs
        for n in news
        if n.agreement_id == agreement_id
    ]
    return await _insert(session, rows)


def _due(now: datetime) -> list[object]:
    return [
        OUT.c.status == PENDING,
        OUT.c.next_at <= now,
        or_(OUT.c.locked_until.is_(None), OUT.c.locked_until < now),
    ]


async def claim(session: AsyncSession, limit: int = 100, lease: float = 60.0) -> list[AlertGroup]:
    """Take up to `limit` due (user, article) groups, oldest first, leased for `lease` seconds; commits."""
    now = _now()
    await _begin_write(session)
    first = func.min(OUT.c.id).label("first")
    groups = (
        await session.execute(
            select(OUT.c.user_id, OUT.c.article_id, first)
            .where(*_due(now))
            .group_by(OUT.c.user_id, OUT.c.article_id)
            .order_by(first)
            .limit(limit)
        )
    ).all()
    if not groups:
        await session.commit()
        return []
    keys = [(g.user_id, g.article_id) for g in groups]
    claimed = (
        await session.execute(
            update(OUT)
            .where(tuple_(OUT.c.user_id, OUT.c.article_id).in_(keys), *_due(now))
            .values(locked_until=now + timedelta(seconds=lease))
            .returning(
                OUT.c.id, OUT.c.user_id, OUT.c.article_id, OUT.c.agreement_id, OUT.c.mention_id, OUT.c.attempts
            )
        )
    ).all()
    await session.commit()
    found: dict[tuple[int, int], AlertGroup] = {}
    for row in sorted(claimed, key=lambda r: r.id):
        group = found.setdefault((row.user_id, row.article_id), AlertGroup(row.user_id, row.article_id))
        group.row_ids.append(row.id)
        if row.mention_id:
            group.news[row.agreement_id] = row.mention_id
        else:
            group.agreement_ids.append(row.agreement_id)
        group.attempts = max(group.attempts, row.attempts)
    order = {key: i for i, key in enumerate(keys)}
    return sorted(found.values(), key=lambda g: order.get((g.user_id, g.article_id), 0))


async def settle(
    session: AsyncSession, row_ids: Iterable[int], status: str = SENT, error: str | None = None
) -> None:
    """Mark rows done (sent, skipped, failed) and commit."""
    ids = list(row_ids)
    if not ids:
        return
    await _begin_write(session)
    values: dict[str, object] = {"status": status, "locked_until": None}
    if status == SENT:
        values["sent_at"] = _now()
    if error is not None:
        values["error"] = error[:300]
    await session.execute(update(OUT).where(OUT.c.id.in_(ids)).values(**values))
    await session.commit()


async def retry_later(
    session: AsyncSession,
    row_ids: Iterable[int],
    delay: float,
    error: str | None = None,
    *,
    count: bool = True,
) -> None:
    """Give rows back to be sent again after `delay` seconds (one attempt more when `count`); commits."""
    ids = list(row_ids)
    if not ids:
        return
    await _begin_write(session)
    values: dict[str, object] = {"locked_until": None, "next_at": _now() + timedelta(seconds=max(0.0, delay))}
    if count:
        values["attempts"] = OUT.c.attempts + 1
    if error is not None:
        values["error"] = error[:300]
    await session.execute(update(OUT).where(OUT.c.id.in_(ids)).values(**values))
    await session.commit()


async def block_user(session: AsyncSession, user_id: int, error: str) -> int:
    """The user blocked the bot: pause their subscriptions and close their pending rows; commits.
    Returns the rows closed."""
    await _begin_write(session)
    await session.execute(update(F).where(F.c.user_id == user_id).values(paused=True))
    result = await session.execute(
        update(OUT)
        .where(OUT.c.user_id == user_id, OUT.c.status == PENDING)
        .values(status=BLOCKED, locked_until=None, error=error[:300])
    )
    await session.commit()
    return int(result.rowcount or 0)


async def counts(session: AsyncSession) -> dict[str, int]:
    """Rows by status (for tests, benchmarks and logs)."""
    rows = await session.execute(select(OUT.c.status, func.count()).group_by(OUT.c.status))
    return {status: int(n) for status, n in rows.all()}


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What an alert says of the article that brought the news."""

    id: int
    title: str | None
    url: str | None


async def article_refs(session: AsyncSession, article_ids: Iterable[int]) -> dict[int, ArticleRef]:
    """Title and url of each article, by id (articles gone meanwhile are left out)."""
    art = Article.__table__
    ids = sorted(set(article_ids))
    if not ids:
        return {}
    rows = await session.execute(select(art.c.id, art.c.title, art.c.url).where(art.c.id.in_(ids)))
    return {r.id: ArticleRef(r.id, r.title, r.url) for r in rows.all()}
