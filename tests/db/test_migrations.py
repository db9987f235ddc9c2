"""Migrations create the schema, are idempotent, and seed the gazetteer's regions and countries."""

from __future__ import annotations

from sqlalchemy import func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import make_engine
from db.migrate import current, upgrade
from db.models import Country, Region, metadata

HEAD = "0006"


async def test_upgrade_creates_every_table(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert await current(engine) is None
        await upgrade(engine)
        async with engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert set(metadata.tables) <= tables
        assert "alembic_version" in tables
        assert await current(engine) == HEAD
    finally:
        await engine.dispose()


async def test_upgrade_is_idempotent_and_seeds_reference_once(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        before = (await conn.execute(select(func.count()).select_from(Region.__table__))).scalar_one()
    await upgrade(engine)
    await upgrade(engine)
    async with engine.connect() as conn:
        after = (await conn.execute(select(func.count()).select_from(Region.__table__))).scalar_one()
        kaluga = (
            await conn.execute(
                select(Region.__table__.c.iso).where(Region.__table__.c.name == "Калужская область")
            )
        ).scalar_one()
        belarus = (
            await conn.execute(
                select(func.count())
                .select_from(Country.__table__)
                .where(Country.__table__.c.name == "Беларусь")
            )
        ).scalar_one()
    assert before == after == 89
    assert kaluga == "RU-KLU"
    assert belarus == 1
    assert await current(engine) == HEAD


async def test_sqlite_pragmas(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'sub' / 'x.db'}")
    try:
        async with engine.connect() as conn:
            journal = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            fks = (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one()
            busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one()
        assert (journal, fks) == ("wal", 1)
        assert busy >= 5000
        assert (tmp_path / "sub" / "x.db").exists()
    finally:
        await engine.dispose()


def test_default_url_and_env(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from db.engine import normalize_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert normalize_url().render_as_string() == "sqlite+aiosqlite:///data/agreements.db"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/d")
    assert normalize_url().drivername == "postgresql+asyncpg"


async def test_downgrade_and_upgrade_again_rebuild_cards(engine: AsyncEngine) -> None:
    from db.engine import make_sessionmaker
    from db.ingest import ArticleIn, ingest
    from db.migrate import downgrade
    from db.queries import by_region
    from tests.db.helpers import make_agreement

    sm = make_sessionmaker(engine)
    async with sm() as s:
        await ingest(s, ArticleIn("Текст"), [make_agreement(["Калужская область"], ["МТС"])])
    await downgrade(engine, "0001")  # drops agreement.card (a table rebuild in batch mode on SQLite)
    assert await current(engine) == "0001"
    async with engine.connect() as conn:
        columns = {c["name"] for c in await conn.run_sync(lambda c: inspect(c).get_columns("agreement"))}
    assert "card" not in columns
    await upgrade(engine)
    if engine.dialect.name == "sqlite":  # switched off for the table rebuilds, and back on after
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
    async with sm() as s:
        found = await by_region(s, "Калужская")
    assert [i.partners for i in found.page.items] == [["МТС"]]
    async with engine.connect() as conn:
        assert (
            await conn.execute(text("SELECT count(*) FROM agreement WHERE card IS NULL"))
        ).scalar_one() == 0
    await downgrade(engine, "base")
    assert await current(engine) is None
