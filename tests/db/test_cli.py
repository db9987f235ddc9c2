"""`python -m db`: upgrade, reload with a progress bar (real extraction on the seeds), stats."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_db(*args: str, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "db", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=240
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cli_reload_and_stats(db_url: str, seeds_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(seeds_dir, folder)
    (folder / "zz_binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    up = run_db("upgrade", url=db_url, cwd=tmp_path)
    assert up.returncode == 0, up.stderr
    assert "revision 0006" in up.stdout
    res = run_db("reload", str(folder), url=db_url, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "loaded 5 articles" in res.stdout
    assert "6/6" in res.stderr  # the tqdm bar reached the end
    assert "skipped zz_binary.txt" in res.stderr
    stats = run_db("stats", url=db_url, cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr
    assert "articles: 5" in stats.stdout
    assert "Оренбургская область" in stats.stdout
