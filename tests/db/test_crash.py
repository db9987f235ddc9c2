"""`python -m db reload` killed (SIGKILL) while it writes: after a restart the base is consistent
(`python -m db check`) and holds wholly the old seeds; the next reload brings wholly the new ones.
On SQLite and PostgreSQL, with real extraction in a real subprocess."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.engine import make_engine
from tests.app.test_crash import article
from tests.db.test_check import run_check

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = 60


def write_seeds(folder: Path, first: int) -> set[str]:
    folder.mkdir(parents=True)
    texts = set()
    for i in range(first, first + ARTICLES):
        body = article(i)
        (folder / f"{i:04}.txt").write_text(body, encoding="utf-8")
        texts.add(body)
    return texts


async def reload_process(url: str, folder: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "db", "reload", str(folder), cwd=folder.parent, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def reload_to_end(url: str, folder: Path) -> None:
    proc = await reload_process(url, folder)
    out, err = await asyncio.wait_for(proc.communicate(), 300)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert f"loaded {ARTICLES} articles" in out.decode()


async def seed_texts(url: str, folder: Path) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT text FROM article WHERE source = :s"), {"s": f"seed:{folder.name}"})
            return set(rows.scalars())
    finally:
        await engine.dispose()


def sqlite_writing(url: str) -> bool:
    """Whether another connection holds the SQLite write lock right now."""
    conn = sqlite3.connect(make_url(url).database or "", timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.rollback()
        return False
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    finally:
        conn.close()


async def pg_writing(url: str) -> bool:
    """Whether some transaction holds a write lock on a table of this test's schema right now."""
    schema = make_url(url).query["search_path"]
    engine = make_engine(url.split("?")[0])
    try:
        async with engine.connect() as conn:
            found = await conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = :s AND l.mode = 'RowExclusiveLock' AND l.granted"
                ),
                {"s": schema},
            )
            return bool(found.scalar_one())
    finally:
        await engine.dispose()


async def test_reload_killed_while_writing_keeps_the_old_seeds_whole(db_url: str, tmp_path: Path) -> None:
    old = tmp_path / "a" / "seeds"
    new = tmp_path / "b" / "seeds"  # the same folder name: a reload of the same seeds, edited
    old_texts, new_texts = write_seeds(old, 0), write_seeds(new, 1000)
    await reload_to_end(db_url, old)
    assert await seed_texts(db_url, old) == old_texts

    proc = await reload_process(db_url, new)
    assert proc.stderr is not None
    progress = b""
    # extraction first (nothing written yet); then one write transaction swaps the seeds
    while f"{ARTICLES}/{ARTICLES}".encode() not in progress:
        chunk = await asyncio.wait_for(proc.stderr.read(4096), 300)
        assert chunk, f"reload ended early: {progress.decode()[-2000:]}"
        progress += chunk
    deadline = time.monotonic() + 30
    while not (sqlite_writing(db_url) if db_url.startswith("sqlite") else await pg_writing(db_url)):
        assert time.monotonic() < deadline and proc.returncode is None, "never saw the reload write"
        await asyncio.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    await proc.wait()
    assert proc.returncode == -signal.SIGKILL

    check = run_check(db_url)  # the restart: a new process opens the base
    assert check.returncode == 0, check.stdout + check.stderr
    assert await seed_texts(db_url, new) == old_texts  # wholly the old seeds, not a mix

    await reload_to_end(db_url, new)
    check = run_check(db_url)
    assert check.returncode == 0, check.stdout + check.stderr
    assert await seed_texts(db_url, new) == new_texts
