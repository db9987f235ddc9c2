"""INSERT ... ON CONFLICT DO NOTHING for SQLite and PostgreSQL, and get-or-create of reference rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

Executor = AsyncSession | AsyncConnection


def insert_ignore(executor: Executor, table: Table) -> Any:
    """An INSERT that skips rows violating a unique constraint (concurrency-safe get-or-create)."""
    bind = executor.bind if isinstance(executor, AsyncSession) else executor.engine
    dialect = bind.dialect.name if bind is not None else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()


async def ensure_ids(
    executor: Executor, table: Table, key_column: str, rows: Sequence[dict[str, Any]]
) -> dict[str, int]:
    """Return key -> id for all rows, inserting the ones whose `key_column` value is new.

    Known keys cost one SELECT. New rows are inserted in key order so concurrent transactions lock in
    the same order (no deadlocks); a row a concurrent writer inserted first is simply read back.
    """
    if not rows:
        return {}
    by_key = {row[key_column]: row for row in rows}
    key_col = table.c[key_column]
    found = await _ids(executor, table, key_col, list(by_key))
    missing = sorted(k for k in by_key if k not in found)
    if missing:
        await executor.execute(insert_ignore(executor, table), [by_key[k] for k in missing])
        found.update(await _ids(executor, table, key_col, missing))
    return found


async def _ids(executor: Executor, table: Table, key_col: Any, keys: list[str]) -> dict[str, int]:
    result = await executor.execute(select(key_col, table.c.id).where(key_col.in_(keys)))
    return {k: i for k, i in result.all()}
