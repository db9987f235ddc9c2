"""Shared fixtures: a fresh database per test on SQLite (a file in tmp_path) and on PostgreSQL, and a
flushed Redis database (`redis_url`) for the shared state of several instances.

`db_url` is parametrized over both backends. PostgreSQL (127.0.0.1:5432, user postgres, database test)
gets a schema of its own per test (`t_<uuid>`, passed as `?search_path=` which `db.engine.make_engine`
hands to asyncpg), dropped afterwards. When PostgreSQL is unreachable its cases skip, or fail when
CI is set (see tests/ci.py).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.ci import skip_or_fail

# the real bot against the fake Bot API: fixtures for tests/handlers, intake, alerts and app
pytest_plugins = ["tests.botapp"]

# pymorphy2 memos (extraction.reading.diskmemo) of this run, bots started as subprocesses included: tests
# neither read nor fill the developer's ~/.cache
if "CACHE_DIR" not in os.environ:
    os.environ["CACHE_DIR"] = tempfile.mkdtemp(prefix="agreements-bot-cache-")
    atexit.register(shutil.rmtree, os.environ["CACHE_DIR"], ignore_errors=True)

PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("TEST_PG_USER", "postgres")
PG_DB = os.environ.get("TEST_PG_DB", "test")
_pg_error: list[str] = []


def pg_base_url() -> str:
    return f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DB}"


async def _pg_connect() -> Any:
    import asyncpg

    return await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database=PG_DB, timeout=5)


async def _pg_or_skip() -> Any:
    """A raw asyncpg connection, or skip (fail in CI) when PostgreSQL is unreachable."""
    if not _pg_error:
        try:
            return await _pg_connect()
        except Exception as exc:  # refused, timed out, auth failed, no such database
            _pg_error.append(f"{type(exc).__name__}: {exc}")
    message = f"PostgreSQL at {PG_HOST}:{PG_PORT}/{PG_DB} is unreachable ({_pg_error[0]})"
    skip_or_fail(message)


@contextlib.asynccontextmanager
async def pg_schema_url(prefix: str = "t") -> AsyncIterator[str]:
    """URL of a fresh PostgreSQL schema of its own, dropped on exit (skips or fails as `_pg_or_skip`)."""
    conn = await _pg_or_skip()
    schema = f"{prefix}_{uuid.uuid4().hex}"
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    try:
        yield f"{pg_base_url()}?search_path={schema}"
    finally:
        conn = await _pg_connect()
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()


REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
REDIS_DB = 14  # shared_state's unit tests; the two-instance tests use 15 (both flushed)
_redis_error: list[str] = []


@contextlib.asynccontextmanager
async def redis_db_url(db: int = REDIS_DB) -> AsyncIterator[str]:
    """URL of Redis database `db`, flushed before and after; skips when Redis is unreachable, or fails
    when CI=true (like PostgreSQL)."""
    from redis.asyncio import Redis

    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"
    client = Redis.from_url(url, socket_connect_timeout=2)
    try:
        if not _redis_error:
            try:
                await client.flushdb()
            except Exception as exc:  # refused, timed out
                _redis_error.append(f"{type(exc).__name__}: {exc}")
        if _redis_error:
            message = f"Redis at {REDIS_HOST}:{REDIS_PORT} is unreachable ({_redis_error[0]})"
            skip_or_fail(message)
        yield url
        await client.flushdb()
    finally:
        await client.aclose()


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """A flushed Redis database of this suite's own (see `redis_db_url`)."""
    async with redis_db_url() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of a fresh, empty (not migrated) database; accepted by `db.engine.make_engine`."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'agreements.db'}"
        return
    async with pg_schema_url() as url:
        yield url


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated engine on `db_url` (regions and countries seeded from the gazetteer)."""
    from db.engine import make_engine
    from db.migrate import upgrade

    eng = make_engine(db_url)
    try:
        await upgrade(eng)
        yield eng
    finally:
        await eng.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    from db.engine import make_sessionmaker

    return make_sessionmaker(engine)


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as s:
        yield s


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The repository's seeds/ folder."""
    return Path(__file__).resolve().parent.parent / "seeds"
