"""Run the Alembic migrations kept in db/migrations programmatically (no alembic.ini to edit)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.engine import WRITE

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: serializes concurrent upgrades of several app instances on one PostgreSQL base.
_PG_LOCK = 0x61677265


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config pointing at db/migrations; env.py takes the connection or URL from attributes."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    if url is not None:
        cfg.attributes["url"] = url
    return cfg


def _upgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
    command.upgrade(alembic_config(connection), revision)


def _downgrade(connection: Connection, revision: str) -> None:
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
    await _migrate(engine, _upgrade, revision)
    from db.cards import fill_missing_cards
    from db.fulltext import fill_missing
    from db.reference import sync_gazetteer

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
