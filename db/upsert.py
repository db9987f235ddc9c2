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
    """Insert the rows whose `key_column` value is new, then return key -> id for all of them.

    Rows are inserted in key order so concurrent transactions lock in the same order (no deadlocks).
    """
    if not rows:
        return {}
    by_key = {row[key_column]: row for row in rows}
    ordered = [by_key[k] for k in sorted(by_key)]
    await executor.execute(insert_ignore(executor, table), ordered)
    key_col = table.c[key_column]
    result = await executor.execute(select(key_col, table.c.id).where(key_col.in_(list(by_key))))
    return {k: i for k, i in result.all()}
