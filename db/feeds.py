"""Feeds in the base: add, list with their figures, remove; what the poller reads and records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import read_connection, write_connection
from db.models import VISIBLE, Agreement, AgreementSource
from db.models.feeds import ITEM_RETRY, Feed, FeedItem
from db.read.cards import MAX_ID
from db.write.upsert import insert_ignore

__all__ = [
    "FeedRow",
    "FeedStatus",
    "add_feed",
    "due_feeds",
    "get_feed",
    "item_key",
    "list_feeds",
    "record_poll",
    "remove_feed",
    "utc",
]

FEED, ITEM = Feed.__table__, FeedItem.__table__
SRC, A = AgreementSource.__table__, Agreement.__table__


def utc(moment: datetime | None) -> datetime | None:
    """A stored moment as an aware UTC datetime (SQLite hands timestamps back without a zone)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def item_key(raw_key: str) -> str:
    """The stored key of an item: sha256 of its guid/link (bounded, any length of guid)."""
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class FeedRow:
    """A feed as the poller needs it."""

    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    failures: int
    next_poll_at: datetime


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """A feed as /feeds shows it."""

    id: int
    url: str
    title: str | None
    last_poll_at: datetime | None
    next_poll_at: datetime
    failures: int
    last_error: str | None
    items_in_feed: int
    items_seen: int
    agreements_found: int
    items_retrying: int = 0  # items whose page failed in passing, read again on a later poll


async def _begin_write(session: AsyncSession) -> None:
    """Start a write transaction (BEGIN IMMEDIATE on SQLite), ending a read the session had open."""
    if session.in_transaction():
        await session.commit()
    await write_connection(session)


def _row(r: object) -> FeedRow:
    return FeedRow(
        id=r.id,  # type: ignore[attr-defined]
        url=r.url,  # type: ignore[attr-defined]
        title=r.title,  # type: ignore[attr-defined]
        etag=r.etag,  # type: ignore[attr-defined]
        last_modified=r.last_modified,  # type: ignore[attr-defined]
        failures=r.failures,  # type: ignore[attr-defined]
        next_poll_at=utc(r.next_poll_at),  # type: ignore[attr-defined,arg-type]
    )


async def add_feed(
    session: AsyncSession, url: str, *, title: str | None = None, added_by: int | None = None,
    items_in_feed: int = 0, now: datetime | None = None,
) -> tuple[int, bool]:  # fmt: skip
    """Store a feed due for a poll at once; (its id, True) or (the known feed's id, False)."""
    now = now or datetime.now(UTC)
    await _begin_write(session)
    result = await session.execute(
        insert_ignore(session, FEED).values(
            url=url, title=title, added_by=added_by, added_at=now, next_poll_at=now, items_in_feed=items_in_feed
        )
    )
    created = bool(result.rowcount)
    feed_id = (await session.execute(select(FEED.c.id).where(FEED.c.url == url))).scalar_one()
    await session.commit()
    return int(feed_id), created


async def get_feed(session: AsyncSession, feed_id: int) -> FeedRow | None:
    if not 0 < feed_id <= MAX_ID:
        return None
    await read_connection(session)
    row = (await session.execute(select(FEED).where(FEED.c.id == feed_id))).first()
    return _row(row) if row is not None else None


async def remove_feed(session: AsyncSession, feed_id: int) -> str | None:
    """Delete a feed and its item log (its articles and agreements stay); its URL, or None."""
    if not 0 < feed_id <= MAX_ID:
        return None
    await _begin_write(session)
    url = (await session.execute(select(FEED.c.url).where(FEED.c.id == feed_id))).scalar_one_or_none()
    if url is not None:
        await session.execute(delete(ITEM).where(ITEM.c.feed_id == feed_id))
        await session.execute(delete(FEED).where(FEED.c.id == feed_id))
    await session.commit()
    return url


async def list_feeds(session: AsyncSession) -> list[FeedStatus]:
    """Every feed, oldest first, with items seen and visible agreements found in its articles."""
    await read_connection(session)
    retrying = ITEM.c.status == ITEM_RETRY
    seen = (
        select(
            ITEM.c.feed_id,
            func.count().filter(~retrying).label("n"),
            func.count().filter(retrying).label("retrying"),
        )
        .group_by(ITEM.c.feed_id)
        .subquery()
    )
    found = (
        select(ITEM.c.feed_id, func.count(func.distinct(SRC.c.agreement_id)).label("n"))
        .join(SRC, SRC.c.article_id == ITEM.c.article_id)
        .join(A, A.c.id == SRC.c.agreement_id)
        .where(A.c.hidden == VISIBLE)
        .group_by(ITEM.c.feed_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            FEED, func.coalesce(seen.c.retrying, 0), func.coalesce(seen.c.n, 0), func.coalesce(found.c.n, 0)
        )
        .outerjoin(seen, seen.c.feed_id == FEED.c.id)
        .outerjoin(found, found.c.feed_id == FEED.c.id)
        .order_by(FEED.c.id)
    )
    out: list[FeedStatus] = []
    for row in rows:
        m = row._mapping
        out.append(
            FeedStatus(
                id=m["id"],
                url=m["url"],
                title=m["title"],
                last_poll_at=utc(m["last_poll_at"]),
                next_poll_at=utc(m["next_poll_at"]),  # type: ignore[arg-type]
                failures=m["failures"],
                last_error=m["last_error"],
                items_in_feed=m["items_in_feed"],
                items_seen=int(row[-2]),
                agreements_found=int(row[-1]),
                items_retrying=int(row[-3]),
            )
        )
    return out


async def due_feeds(session: AsyncSession, now: datetime) -> list[FeedRow]:
    """Feeds whose next poll has come, longest waiting first."""
    await read_connection(session)
    rows = await session.execute(
        select(FEED).where(FEED.c.next_poll_at <= now).order_by(FEED.c.next_poll_at, FEED.c.id)
    )
    return [_row(r) for r in rows]


async def next_due(session: AsyncSession, busy: frozenset[int] = frozenset()) -> datetime | None:
    """When the next feed is due (None without feeds), leaving out the `busy` ones being polled."""
    await read_connection(session)
    q = select(func.min(FEED.c.next_poll_at))
    if busy:
        q = q.where(FEED.c.id.notin_(sorted(busy)))
    return utc((await session.execute(q)).scalar_one_or_none())


async def record_poll(
    session: AsyncSession, feed_id: int, *, now: datetime, next_poll_at: datetime, failures: int,
    error: str | None, etag: str | None = None, last_modified: str | None = None,
    title: str | None = None, items_in_feed: int | None = None, keep_validators: bool = False,
) -> None:  # fmt: skip
    """Store a poll's outcome: its time, the next one, the failure count and error, validators."""
    values: dict[str, object] = {
        "last_poll_at": now,
        "next_poll_at": next_poll_at,
        "failures": failures,
        "last_error": error,
    }
    if not keep_validators:
        values["etag"] = etag
        values["last_modified"] = last_modified
    if title:
        values["title"] = title
    if items_in_feed is not None:
        values["items_in_feed"] = items_in_feed
    await _begin_write(session)
    await session.execute(update(FEED).where(FEED.c.id == feed_id).values(**values))
    await session.commit()
