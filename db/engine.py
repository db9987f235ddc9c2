"""Async engine and session factory: SQLite (WAL, foreign keys) by default, PostgreSQL via asyncpg."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db.breaker import Breaker

DEFAULT_URL = "sqlite+aiosqlite:///data/agreements.db"
# Execution option asking SQLite for BEGIN IMMEDIATE: a writer takes the write lock up front and waits
# (busy_timeout) instead of failing with "database is locked" when upgrading a read lock later.
WRITE = {"sqlite_immediate": True}
# Execution option for single-statement lookups: no BEGIN at all on SQLite (one statement is its own
# snapshot), which saves driver round trips on the hot path.
READ = {"sqlite_no_begin": True}
BUSY_TIMEOUT_MS = 10_000  # SQLite: wait this long for another writer (writes are short)
# PostgreSQL: connecting may take this long; a call, the `timeout` given to make_engine (the bot's
# DATABASE_TIMEOUT), so that a server that accepts connections and never answers ends in an answer
# within seconds.
CONNECT_TIMEOUT = 1.5


def normalize_url(url: str | None = None) -> URL:
    """The async URL to use: `url`, else env DATABASE_URL, else the default SQLite file."""
    raw = url or os.environ.get("DATABASE_URL") or DEFAULT_URL
    parsed = make_url(raw)
    driver = parsed.drivername
    if driver in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif driver in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed


def make_engine(url: str | None = None, *, timeout: float | None = None, **kwargs: Any) -> AsyncEngine:
    """Create the async engine.

    A PostgreSQL URL may carry `?search_path=schema` (used by tests for an isolated schema); it is
    passed to asyncpg as a server setting. `timeout`: seconds a PostgreSQL call may take, with a
    breaker in front of the base (the bot passes DATABASE_TIMEOUT); None: no limit, for migrations,
    tools and bulk work.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    connect_args: dict[str, Any] = dict(kwargs.pop("connect_args", {}))
    settings = dict(connect_args.get("server_settings", {}))
    search_path = parsed.query.get("search_path")
    if search_path:
        parsed = parsed.difference_update_query(["search_path"])
        settings["search_path"] = str(search_path)
    connect_args.setdefault("timeout", CONNECT_TIMEOUT)
    if timeout is not None:
        connect_args.setdefault("command_timeout", timeout)
        settings.setdefault("statement_timeout", str(int(timeout * 1000)))
    if settings:
        connect_args["server_settings"] = settings
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_async_engine(parsed, connect_args=connect_args, **kwargs)
    if timeout is not None:
        guard(engine, Breaker("PostgreSQL", pause=max(1.0, timeout)))
    return engine


def guard(engine: AsyncEngine, breaker: Breaker) -> None:
    """Put `breaker` in front of `engine`'s connections: a call that finds the base not answering
    (timeout, refused, cut) trips it; while it is open, the pool's pre-ping and new connections fail
    at once (`Unavailable`) instead of each waiting out its own timeout."""
    sync = engine.sync_engine
    dialect = sync.dialect
    ping = dialect.do_ping

    def through(call: Any, *args: Any, **kwargs: Any) -> Any:
        breaker.check()
        try:
            result = call(*args, **kwargs)
        except Exception as exc:
            if is_unavailable(exc):
                breaker.trip(exc)
            raise
        breaker.close()
        return result

    dialect.do_ping = lambda dbapi_connection: through(ping, dbapi_connection)  # type: ignore[method-assign]

    @event.listens_for(sync, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return through(dialect.connect, *cargs, **cparams)

    @event.listens_for(sync, "handle_error")
    def _failed(context: Any) -> None:
        if context.is_disconnect or is_unavailable(context.original_exception):
            breaker.trip(context.original_exception)


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) is the base not answering: down, refused, hung past its
    timeout, the connection cut, SQLite locked by another writer too long."""
    from sqlalchemy import exc as sa

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, TimeoutError | ConnectionError | sa.TimeoutError):
            return True
        if isinstance(current, sa.DBAPIError) and current.connection_invalidated:
            return True
        sqlstate = str(getattr(current, "sqlstate", "") or getattr(current, "pgcode", "") or "")
        if sqlstate[:2] in ("08", "53", "57"):  # connection, resources, cancelled or shut down
            return True
        name = type(current).__name__
        message = str(current).lower()
        if name in ("ConnectionDoesNotExistError", "ConnectionFailureError", "InterfaceError") and (
            "connection" in message or "closed" in message
        ):
            return True
        if name == "OperationalError" and ("locked" in message or "busy" in message or "disk i/o" in message):
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


def _sqlite_engine(url: URL, **kwargs: Any) -> AsyncEngine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
    engine = create_async_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN out of the driver's hands so that the "begin" hook below decides its kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    # Lookups run without BEGIN, yet every session end and pool return still sends ROLLBACK through
    # aiosqlite's thread: skip it when the connection has no open transaction.
    dialect = engine.sync_engine.dialect
    rollback = dialect.do_rollback

    def _do_rollback(dbapi_connection: Any) -> None:
        if dbapi_connection.driver_connection.in_transaction:
            rollback(dbapi_connection)

    dialect.do_rollback = _do_rollback  # type: ignore[method-assign]

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get("sqlite_immediate"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif not options.get("sqlite_no_begin"):
            conn.exec_driver_sql("BEGIN")

    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory: one session per request/update, objects stay usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def write_connection(session: AsyncSession) -> AsyncConnection:
    """Start the session's transaction as a writer (BEGIN IMMEDIATE on SQLite)."""
    return await session.connection(execution_options=WRITE)


async def read_connection(session: AsyncSession) -> AsyncConnection:
    """The session's connection for a lookup; a new one starts without BEGIN on SQLite."""
    if session.in_transaction():
        return await session.connection()
    return await session.connection(execution_options=READ)


def is_postgres(engine_or_session: AsyncEngine | AsyncSession) -> bool:
    bind = engine_or_session.bind if isinstance(engine_or_session, AsyncSession) else engine_or_session
    return bind is not None and bind.dialect.name == "postgresql"
