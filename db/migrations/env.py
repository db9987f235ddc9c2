"""Alembic environment: runs on a connection handed over by db.migrate, or on an async engine."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

from db.models import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: batch mode recreates tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str | None) -> None:
    from db.engine import make_engine

    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_run)
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    from db.engine import normalize_url

    url = config.attributes.get("url")
    context.configure(
        url=normalize_url(url).render_as_string(hide_password=False),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async(config.attributes.get("url")))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
