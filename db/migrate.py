"""Run the Alembic migrations kept in db/migrations programmatically (no alembic.ini to edit).

Alembic itself takes a second to import on a slow machine; a base already at the head revision
(every start but the first after an update) is recognized without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.engine import WRITE

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: serializes concurrent upgrades of several app instances on one PostgreSQL base.
_PG_LOCK = 0x61677265
# `revision: str = "0004"` / `down_revision: str | None = "0003"` (a merge's tuple does not match)
_REVISION_LINE = re.compile(r"""^(revision|down_revision)\s*(?::[^=\n]*)?=\s*["']([^"']+)["']""", re.M)


def script_head() -> str | None:
    """The head revision of db/migrations, read from the files without importing Alembic; None
    when they do not form one plain chain (a merge, a branch: then Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(m.groups() for m in _REVISION_LINE.finditer(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            if "down_revision" in found:
                parents.add(found["down_revision"])
    heads = revisions - parents
    if len(heads) != 1 or not parents <= revisions or len(parents) != len(revisions) - 1:
        return None
    return heads.pop()


async def _base_revisions(engine: AsyncEngine) -> list[str]:
    """What alembic_version holds ([] when the base was never migrated)."""
    try:
        async with engine.connect() as conn:
            rows = await conn.exec_driver_sql("SELECT version_num FROM alembic_version")
            return [row[0] for row in rows]
    except DBAPIError:  # no such table yet
        return []


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config pointing at db/migrations; env.py takes the connection or URL from attributes."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    if url is not None:
        cfg.attributes["url"] = url
    return cfg


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
    command.upgrade(alembic_config(connection), revision)


def _downgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(connection), revision)


async def _pragma(conn: AsyncConnection, pragma: str) -> None:
    # PRAGMA foreign_keys only takes effect outside a transaction: run it with no BEGIN at all.
    conn = await conn.execution_options(sqlite_immediate=False, sqlite_no_begin=True)
    await conn.exec_driver_sql(f"PRAGMA {pragma}")
    await conn.commit()


async def _migrate(engine: AsyncEngine, step: Callable[[Connection, str], None], revision: str) -> None:
    """Run an Alembic step in one write transaction.

    On SQLite, foreign keys are off meanwhile: batch mode rebuilds a table by dropping it, and with
    foreign keys on, that drop would cascade-delete every row referring to it. The keys are checked
    before commit instead.
    """
    async with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            await _pragma(conn, "foreign_keys=OFF")
        try:
            conn = await conn.execution_options(sqlite_no_begin=False, **WRITE)
            async with conn.begin():
                await conn.run_sync(step, revision)
                if sqlite:
                    broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                await _pragma(conn, "foreign_keys=ON")


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the schema to `revision`, sync the region/country tables, build missing agreement cards
    and full-text rows."""
    head = script_head() if revision == "head" else None
    if head is None or await _base_revisions(engine) != [head]:
        await _migrate(engine, _upgrade, revision)
    from db.read.cards import fill_missing_cards
    from db.read.fulltext import fill_missing
    from db.write.reference import sync_gazetteer

    await sync_gazetteer(engine)
    await fill_missing_cards(engine)
    await fill_missing(engine)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Downgrade the schema to `revision` ("base" drops everything)."""
    await _migrate(engine, _downgrade, revision)


async def current(engine: AsyncEngine) -> str | None:
    """The revision the base is at (None when not migrated)."""
    from alembic.runtime.migration import MigrationContext

    def _current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(_current)
