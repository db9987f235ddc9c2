"""Feed items in the base: which items a feed has handled, and the retry state of those that failed
in passing. An item is found by its key (guid), else its link, else its text, so that a feed that
changes its guids on every poll does not make the same item new again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import read_connection, write_connection
from db.models.feeds import ITEM_FAILED, ITEM_RETRY, ITEM_SKIPPED, FeedItem

ITEM = FeedItem.__table__
CHUNK = 300  # keys per IN (...) list


@dataclass(frozen=True, slots=True)
class ItemKeys:
    """How an item of a copy of the feed may be found again (item_key hashes; any may be None).
    `link_key` is None when several items of the copy share the link: it then tells them apart from nothing."""

    key: str | None
    link_key: str | None
    content_key: str | None


@dataclass(frozen=True, slots=True)
class KnownItem:
    """A stored item: its stored key (the row to update), status, failed reads and when to retry."""

    key: str
    status: str
    attempts: int
    retry_at: datetime | None

    def due(self, now: datetime) -> bool:
        """A passing failure whose wait is over: read it again."""
        if self.status != ITEM_RETRY:
            return False
        at = self.retry_at
        return at is None or (at.replace(tzinfo=UTC) if at.tzinfo is None else at) <= now


async def known_items(session: AsyncSession, feed_id: int, items: list[ItemKeys]) -> list[KnownItem | None]:
    """For each of `items`, the stored item it is (by key, then link, then text), or None."""
    await read_connection(session)
    by: dict[str, dict[str, KnownItem]] = {"key": {}, "link_key": {}, "content_key": {}}
    for column in by:
        wanted = sorted({getattr(i, column) for i in items if getattr(i, column)})
        for start in range(0, len(wanted), CHUNK):
            rows = await session.execute(
                select(ITEM.c.key, ITEM.c.status, ITEM.c.attempts, ITEM.c.retry_at, ITEM.c[column]).where(
                    ITEM.c.feed_id == feed_id, ITEM.c[column].in_(wanted[start : start + CHUNK])
                )
            )
            for key, status, attempts, retry_at, value in rows:
                by[column].setdefault(value, KnownItem(key, status, int(attempts), retry_at))
    out: list[KnownItem | None] = []
    for item in items:
        found = None
        for column, index in by.items():
            value = getattr(item, column)
            if value and value in index:
                found = index[value]
                break
        out.append(found)
    return out


async def record_item(
    session: AsyncSession, feed_id: int, key: str, *, link: str | None, status: str,
    article_id: int | None = None, error: str | None = None, now: datetime | None = None,
    attempts: int = 0, retry_at: datetime | None = None, link_key: str | None = None,
    content_key: str | None = None,
) -> None:  # fmt: skip
    """Remember what came of an item. A final status is kept for good (the item is never read again);
    only an item waiting for a retry is updated."""
    if session.in_transaction():
        await session.commit()
    await write_connection(session)
    values = {
        "feed_id": feed_id,
        "key": key,
        "link": link,
        "article_id": article_id,
        "status": status,
        "error": error,
        "seen_at": now or datetime.now(UTC),
        "attempts": attempts,
        "retry_at": retry_at,
        "link_key": link_key,
        "content_key": content_key,
    }
    bind = session.bind
    module = postgresql if bind is not None and bind.dialect.name == "postgresql" else sqlite
    insert = module.insert(ITEM).values(**values)
    changed = {k: insert.excluded[k] for k in ("link", "article_id", "status", "error", "seen_at", "attempts", "retry_at")}
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=[ITEM.c.feed_id, ITEM.c.key], set_=changed, where=ITEM.c.status == ITEM_RETRY
        )
    )
    await session.commit()


async def item_errors(session: AsyncSession, feed_id: int) -> dict[str, int]:
    """Failed, skipped and retrying items of a feed, by status (for tests and diagnostics)."""
    await read_connection(session)
    rows = await session.execute(
        select(ITEM.c.status, func.count())
        .where(ITEM.c.feed_id == feed_id, or_(ITEM.c.status.in_([ITEM_FAILED, ITEM_SKIPPED, ITEM_RETRY])))
        .group_by(ITEM.c.status)
    )
    return {status: int(n) for status, n in rows}
