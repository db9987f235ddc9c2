"""Subscriptions: resolve what a user names into a region, partner or country, follow, unfollow, list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from rapidfuzz import fuzz
from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import places
from db.engine import is_postgres, read_connection, write_connection
from db.models import Country, Organization, Region
from db.models.follows import FOLLOW_COUNTRY, FOLLOW_PARTNER, FOLLOW_REGION, Follow
from db.normalize import org_key
from db.read.names import Target, match, partner_index, region_index, region_query_key
from db.write.upsert import insert_ignore

# the first half of the two-key advisory lock a user's subscription changes take on PostgreSQL
# (feeds.lock uses another)
_PG_LOCK_NAMESPACE = 0x466F6C6C  # "Foll"


async def _begin_write(session: AsyncSession, user_id: int) -> None:
    """Start a write transaction that no other change to `user_id`'s subscriptions runs beside: BEGIN
    IMMEDIATE on SQLite (one writer at a time), a transaction-level advisory lock per user on
    PostgreSQL. So the count under the limit cannot race, and two changes of one user never lock
    rows in opposite orders (a deadlock)."""
    if session.in_transaction():
        await session.commit()
    await write_connection(session)
    if is_postgres(session):
        key = (user_id % 2**32) - 2**31  # a signed 32-bit int, as pg_advisory_xact_lock(int, int) takes
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, :k)"), {"ns": _PG_LOCK_NAMESPACE, "k": key}
        )


F = Follow.__table__
REG, ORG, CTRY = Region.__table__, Organization.__table__, Country.__table__
MAX_FOLLOWS = 50  # per user: more would make every alert a list of everything
MAX_SUGGESTIONS = 8


@dataclass(frozen=True, slots=True)
class FollowTarget:
    """Something one can follow: its kind, stable key and display name."""

    kind: str
    key: str
    name: str


@dataclass(slots=True)
class Resolution:
    """What a text names: one or more targets, or else near names to offer."""

    targets: list[FollowTarget] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FollowRow:
    id: int
    kind: str
    key: str
    name: str
    paused: bool


async def target_of(session: AsyncSession, target: Target) -> FollowTarget | None:
    """The follow target of a name-index target ("r" | "o" | "c", row id), None when it is gone."""
    letter, row_id = target
    if letter == "r":
        name = (await session.execute(select(REG.c.name).where(REG.c.id == row_id))).scalar()
        return FollowTarget(FOLLOW_REGION, name, name) if name else None
    if letter == "c":
        name = (await session.execute(select(CTRY.c.name).where(CTRY.c.id == row_id))).scalar()
        return FollowTarget(FOLLOW_COUNTRY, name, name) if name else None
    if letter == "o":
        row = (await session.execute(select(ORG.c.key, ORG.c.name).where(ORG.c.id == row_id))).first()
        return FollowTarget(FOLLOW_PARTNER, row.key, row.name) if row else None
    return None


async def resolve(session: AsyncSession, text: str) -> tuple[Resolution, list[Target]]:
    """Resolve `text` as /region does, else as /partner does (organizations and countries).

    Returns the resolution and the name-index targets it came from (for choice buttons).
    """
    await read_connection(session)
    text = text.strip()
    if not text:
        return Resolution(), []
    regions = await region_index(session)
    official = places.find_region(text)
    found = [t for t, name in regions.display.items() if name == official] if official else []
    suggestions: list[str] = []
    if not found:
        result = match(regions, text, region_query_key)
        found, suggestions = result.targets, list(result.suggestions)
    if not found:
        partners = await partner_index(session)
        result = match(partners, text, org_key)
        found = result.targets
        suggestions = list(dict.fromkeys([*suggestions, *result.suggestions]))
    targets = [t for t in [await target_of(session, x) for x in found] if t is not None]
    if targets:
        return Resolution(targets, []), found
    # regions' and partners' near names in one list, the closest first
    folded = text.casefold()
    ranked = sorted(dict.fromkeys(suggestions), key=lambda n: -fuzz.WRatio(folded, n.casefold()))
    return Resolution([], ranked[:MAX_SUGGESTIONS]), found


async def follow(session: AsyncSession, user_id: int, target: FollowTarget) -> bool | None:
    """Subscribe and commit; True when new, False when already followed (it is resumed if paused),
    None when the user follows too many things already."""
    await _begin_write(session, user_id)
    existing = (
        await session.execute(
            select(F.c.id).where(F.c.user_id == user_id, F.c.kind == target.kind, F.c.key == target.key)
        )
    ).scalar()
    if existing is not None:
        await session.execute(update(F).where(F.c.user_id == user_id).values(paused=False))
        await session.commit()
        return False
    count = len((await session.execute(select(F.c.id).where(F.c.user_id == user_id))).all())
    if count >= MAX_FOLLOWS:
        await session.rollback()
        return None
    await session.execute(
        insert_ignore(session, F).values(
            user_id=user_id,
            kind=target.kind,
            key=target.key,
            name=target.name[:500],
            paused=False,
            created_at=datetime.now(UTC),
        )
    )
    # a user who follows again is reachable: whatever was paused wakes up too
    await session.execute(update(F).where(F.c.user_id == user_id).values(paused=False))
    await session.commit()
    return True


async def following(session: AsyncSession, user_id: int) -> list[FollowRow]:
    """The user's subscriptions, oldest first."""
    await read_connection(session)
    rows = await session.execute(
        select(F.c.id, F.c.kind, F.c.key, F.c.name, F.c.paused).where(F.c.user_id == user_id).order_by(F.c.id)
    )
    return [FollowRow(r.id, r.kind, r.key, r.name, bool(r.paused)) for r in rows.all()]


async def unfollow(session: AsyncSession, user_id: int, targets: list[FollowTarget]) -> list[str]:
    """Drop the user's subscriptions to `targets` and commit; the names of those that were there."""
    await _begin_write(session, user_id)
    removed: list[str] = []
    for target in targets:
        result = await session.execute(
            delete(F)
            .where(F.c.user_id == user_id, F.c.kind == target.kind, F.c.key == target.key)
            .returning(F.c.name)
        )
        removed.extend(name for (name,) in result.all())
    await session.commit()
    return removed


async def unfollow_id(session: AsyncSession, user_id: int, follow_id: int) -> str | None:
    """Drop one subscription by id (the user's own only) and commit; its name, None when not there."""
    await _begin_write(session, user_id)
    result = await session.execute(
        delete(F).where(F.c.id == follow_id, F.c.user_id == user_id).returning(F.c.name)
    )
    name = result.scalar()
    await session.commit()
    return name


async def resume(session: AsyncSession, user_id: int) -> bool:
    """Resume a user's paused subscriptions (they are talking to the bot again) and commit;
    True when something was paused."""
    await _begin_write(session, user_id)
    result = await session.execute(
        update(F).where(F.c.user_id == user_id, F.c.paused.is_(True)).values(paused=False)
    )
    await session.commit()
    return bool(result.rowcount)
