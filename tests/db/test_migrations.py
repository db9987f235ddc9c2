"""Migrations create the schema, are idempotent, and seed the gazetteer's regions and countries."""

from __future__ import annotations

from sqlalchemy import func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import make_engine
from db.migrate import current, upgrade
from db.models import Country, Region, metadata
from tests.db.helpers import HEAD


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
    from db.migrate import downgrade
    from db.read.queries import by_region
    from db.write.ingest import ArticleIn, ingest
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


def test_script_head_read_from_the_files_agrees_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config, script_head

    assert script_head() == ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_script_head_leaves_branches_and_merges_to_alembic(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import db.migrate

    versions = tmp_path / "versions"
    versions.mkdir()
    monkeypatch.setattr(db.migrate, "MIGRATIONS", tmp_path)

    def write(name: str, revision: str, down: str | None) -> None:
        down_text = "None" if down is None else (down if down.startswith("(") else f'"{down}"')
        (versions / f"{name}.py").write_text(
            f'revision: str = "{revision}"\ndown_revision: str | None = {down_text}\n', encoding="utf-8"
        )

    write("a", "a1", None)
    write("b", "b1", "a1")
    assert db.migrate.script_head() == "b1"
    write("c", "c1", "a1")  # a branch: two heads
    assert db.migrate.script_head() is None
    write("d", "d1", '("b1", "c1")')  # a merge revision
    assert db.migrate.script_head() is None


async def test_a_base_at_head_is_not_migrated_again(engine: AsyncEngine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import db.migrate

    async def no_alembic(*args: object) -> None:
        raise AssertionError("Alembic ran on a base already at head")

    monkeypatch.setattr(db.migrate, "_migrate", no_alembic)
    await upgrade(engine)  # the fixture's engine is at head already
    assert await current(engine) == HEAD


def test_a_restart_does_not_import_alembic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import asyncio, sys\n"
        "from db.engine import make_engine\n"
        "from db.migrate import upgrade\n"
        "async def main():\n"
        "    engine = make_engine(sys.argv[1])\n"
        "    await upgrade(engine)\n"
        "    await engine.dispose()\n"
        "asyncio.run(main())\n"
        "print('alembic' in sys.modules)\n"
    )
    url = f"sqlite+aiosqlite:///{tmp_path / 'restart.db'}"
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, url], capture_output=True, text=True, cwd=root, env=env, timeout=120
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert [r.stdout.strip() for r in runs] == ["True", "False"]  # migrated once, then only checked
