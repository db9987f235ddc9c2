"""`db.check` / `python -m db check`: a consistent base passes; each kind of damage is named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db import moderation
from db.check import check
from db.write.ingest import ArticleIn, ingest
from tests.db.helpers import make_agreement

ROOT = Path(__file__).resolve().parents[2]
Maker = async_sessionmaker[AsyncSession]


def run_check(url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "db", "check"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )


async def _fill(sm: Maker) -> list[int]:
    ids = []
    for i, (region, partner) in enumerate(
        [("Калужская область", "МТС"), ("Тульская область", "Ростелеком"), ("Курская область", "Сбер")]
    ):
        async with sm() as s:
            result = await ingest(
                s,
                ArticleIn(f"Статья {i}", url=f"https://news.example/{i}"),
                [make_agreement([region], [partner], signatories=[(f"Иван Петров{i}", "губернатор")])],
            )
        ids.append(result.agreements[0].id)
    async with sm() as s:
        await moderation.hide(s, ids[1], 1)
        await moderation.hide(s, ids[2], 1, delete_it=True)
    return ids


async def test_consistent_base_passes(engine: AsyncEngine, sessionmaker: Maker) -> None:
    await _fill(sessionmaker)
    report = await check(engine)
    assert report.ok, report.render()
    assert report.counts["agreement"] == 3 and report.counts["agreement_text"] == 1
    assert report.render().startswith("consistent")


async def test_each_kind_of_damage_is_reported(engine: AsyncEngine, sessionmaker: Maker, db_url: str) -> None:
    shown, hidden, _deleted = await _fill(sessionmaker)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM agreement_source WHERE agreement_id = :i"), {"i": hidden})
        await conn.execute(text("DELETE FROM agreement_text WHERE agreement_id = :i"), {"i": shown})
        await conn.execute(text("UPDATE agreement_region SET sort_key = 1 WHERE agreement_id = :i"), {"i": shown})
        await conn.execute(text("INSERT INTO organization (name, key) VALUES ('Никто', 'никто')"))
    report = await check(engine)
    found = {p.rule: p for p in report.problems}
    assert found["agreements without a source article"].sample == [hidden]
    assert found["visible agreements missing from the full-text index"].sample == [shown]
    assert found["agreement_region rows whose sort key disagrees with their agreement"].sample == [shown]
    assert found["organizations no agreement names"].count == 1
    assert len(found) == 4, report.render()
    res = run_check(db_url)
    assert res.returncode == 1
    assert "INCONSISTENT: 4 rule(s) broken" in res.stderr
    assert f"agreements without a source article: 1 (e.g. {hidden})" in res.stderr


async def test_cli_passes_on_a_consistent_base_and_fails_on_an_empty_one(engine: AsyncEngine, db_url: str, tmp_path: Path) -> None:
    res = run_check(db_url)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("consistent (article: 0, agreement: 0")
    empty = run_check(f"sqlite+aiosqlite:///{tmp_path / 'nothing.db'}")
    assert empty.returncode == 1 and "tables missing" in empty.stderr


# The FTS5 table exists on SQLite only; PostgreSQL's tsvector is a generated column of agreement_text.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_sqlite_full_text_index_out_of_step_is_reported(engine: AsyncEngine, sessionmaker: Maker) -> None:
    shown, *_ = await _fill(sessionmaker)
    async with engine.begin() as conn:
        # behind the triggers' back: the index no longer matches its content table
        await conn.execute(text("DROP TRIGGER agreement_text_au"))
        await conn.execute(text("UPDATE agreement_text SET lemmas = 'другое' WHERE agreement_id = :i"), {"i": shown})
    report = await check(engine)
    assert [p.rule for p in report.problems] == ["full-text index out of step with agreement_text"]
