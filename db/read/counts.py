"""The counts /stats and /recent show, read from `stat_count` + `stat_delta` (db.models.stats: kept by
triggers in every writer's transaction) instead of counting 100,000 agreements on each request.
Past FOLD_AT delta rows a read folds them into `stat_count` (in the background, in a short write
transaction of its own), and so does about one write in FOLD_EVERY."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict

from sqlalchemy import Select, delete, func, literal_column, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.engine import is_postgres, read_connection, write_connection
from db.models.stats import StatCount, StatDelta

COUNT, DELTA = StatCount.__table__, StatDelta.__table__
AGREEMENTS, ARTICLES, REGION, PARTNER, YEAR, DOC_TYPE = "a", "p", "r", "o", "y", "t"
FOLD_AT = 2000  # delta rows a read sums before it folds them
FOLD_EVERY = 200  # writes between two folds, on average
_FOLD_LOCK = 0x57A7_F01D  # PostgreSQL advisory lock: one folder at a time
log = logging.getLogger(__name__)

Counts = dict[str, dict[str, int]]


async def all_counts(session: AsyncSession, top: int | None = None) -> Counts:
    """kind -> key -> count (zero counts left out). With `top`, partners (thousands of them) are only
    those that can be among the `top`: read along the (kind, n) index, never all of them."""
    await read_connection(session)
    deltas: Counts = defaultdict(dict)
    rows_read = 0
    for kind, key, n, k in await session.execute(
        select(DELTA.c.kind, DELTA.c.key, func.sum(DELTA.c.n), func.count()).group_by(DELTA.c.kind, DELTA.c.key)
    ):
        deltas[kind][key] = int(n)
        rows_read += int(k)
    if rows_read > FOLD_AT:
        fold_soon(session)
    base = select(COUNT.c.kind, COUNT.c.key, COUNT.c.n)
    if top is None:
        rows = await session.execute(base)
    else:
        # A partner outside the (top + partners changed since the last fold) biggest folded counts,
        # ties included, cannot reach the top: at least `top` of those are unchanged and not smaller.
        partner = COUNT.c.kind == literal_column(f"'{PARTNER}'")
        changed = sorted(deltas.get(PARTNER, {}))  # their folded counts are read whatever they are
        reach = top + len(changed)
        cut = (
            select(COUNT.c.n).where(partner).order_by(COUNT.c.n.desc()).limit(1).offset(reach - 1).scalar_subquery()
        )
        rows = await session.execute(
            union_all(
                base.where(COUNT.c.kind != literal_column(f"'{PARTNER}'")),
                base.where(partner, or_(COUNT.c.n >= func.coalesce(cut, -1), COUNT.c.key.in_(changed))),
            )
        )
    counts: Counts = defaultdict(dict)
    for kind, key, n in rows:
        counts[kind][key] = int(n)
    for kind, changed in deltas.items():
        for key, n in changed.items():
            counts[kind][key] = counts[kind].get(key, 0) + n
    return {kind: {k: n for k, n in keyed.items() if n} for kind, keyed in counts.items()}


def total_statement(kind: str) -> Select:
    """SELECT the count of a kind without keys (AGREEMENTS visible, ARTICLES)."""
    parts = union_all(
        select(COUNT.c.n).where(COUNT.c.kind == literal_column(f"'{kind}'")),
        select(DELTA.c.n).where(DELTA.c.kind == literal_column(f"'{kind}'")),
    ).subquery()
    return select(func.coalesce(func.sum(parts.c.n), 0))


async def total(session: AsyncSession, kind: str) -> int:
    """The count of a kind without keys (AGREEMENTS visible, ARTICLES)."""
    await read_connection(session)
    return int((await session.execute(total_statement(kind))).scalar_one())


_folding: set[asyncio.Task[int]] = set()


def fold_soon(session: AsyncSession) -> None:
    """Fold the deltas in the background (the reader never waits for the write lock); one fold at a time."""
    if _folding:
        return
    task = asyncio.get_running_loop().create_task(fold(session))
    _folding.add(task)
    task.add_done_callback(_folding.discard)


async def fold_now_and_then(session: AsyncSession) -> None:
    """After a write: fold the deltas about once in FOLD_EVERY writes, so that they stay few even when
    nobody reads /stats."""
    if random.random() < 1 / FOLD_EVERY:
        await fold(session)


async def fold(session: AsyncSession) -> int:
    """Move the delta rows into stat_count in a transaction of its own (its own session); how many."""
    bind = session.bind
    if not isinstance(bind, AsyncEngine):
        return 0
    try:
        async with AsyncSession(bind) as own:
            await write_connection(own)
            if is_postgres(own):
                got = await own.execute(select(func.pg_try_advisory_xact_lock(_FOLD_LOCK)))
                if not got.scalar_one():
                    return 0  # another instance folds right now
            # What is deleted is what is added: a delta committed meanwhile stays for the next fold.
            taken = (await own.execute(delete(DELTA).returning(DELTA.c.kind, DELTA.c.key, DELTA.c.n))).all()
            sums: dict[tuple[str, str], int] = defaultdict(int)
            for kind, key, n in taken:
                sums[(kind, key)] += int(n)
            rows = [{"kind": k, "key": key, "n": n} for (k, key), n in sorted(sums.items()) if n]
            if rows:
                module = postgresql if is_postgres(own) else sqlite
                insert = module.insert(COUNT)
                await own.execute(
                    insert.on_conflict_do_update(
                        index_elements=[COUNT.c.kind, COUNT.c.key], set_={"n": COUNT.c.n + insert.excluded.n}
                    ),
                    rows,
                )
                await own.execute(delete(COUNT).where(COUNT.c.n == 0))
            await own.commit()
            return len(taken)
    except Exception:  # folding is housekeeping: the sums read stay right without it
        log.warning("could not fold the stat deltas", exc_info=True)
        return 0
