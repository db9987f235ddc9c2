"""The first install and the tools a fresh clone offers: a package list setuptools takes silently,
make targets that work without activating the venv, a feeds file that parses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from feeds.feeds_file import read_feeds_file
from tests.test_layout import PACKAGES

ROOT = Path(__file__).resolve().parents[1]


def test_setuptools_builds_every_package_without_warnings(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "build_py", "-d", str(tmp_path / "lib"),
         "build", "--build-base", str(tmp_path / "build"), "egg_info", "--egg-base", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-2000:]
    assert "would be ignored" not in output
    built = {p.name for p in (tmp_path / "lib").iterdir() if p.is_dir()}
    assert set(PACKAGES) <= built
    assert (tmp_path / "lib" / "db" / "migrations" / "versions").is_dir()
    assert any((tmp_path / "lib" / "extraction" / "data").iterdir())  # package data


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "-s", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_make_explain_needs_a_file_and_says_so() -> None:
    run = _make("explain")
    assert run.returncode != 0
    assert "Usage: make explain FILE=" in run.stdout + run.stderr


def test_make_explain_runs_the_venv_python_without_activation() -> None:
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    run = _make("-n", "explain", f"FILE={seed}")  # what it would run: the venv's python, no activation
    assert f".venv/bin/python -m extraction \"{seed}\" --explain" in run.stdout
    run = _make("db-stats", "-n")
    assert ".venv/bin/python -m db stats" in run.stdout


def test_make_score_explains_what_it_needs() -> None:
    if (ROOT.parent / "shared" / "tools" / "score.py").exists():  # the team's checkout: it scores
        assert "../shared/tools/score.py" in _make("-n", "score").stdout
    else:
        run = _make("score")
        assert run.returncode != 0 and "needs ../shared" in run.stdout + run.stderr


def test_feeds_example_lists_public_feeds() -> None:
    urls = read_feeds_file(ROOT / "feeds.example.txt")
    assert len(urls) >= 10
    assert all(u.startswith(("https://", "http://")) for u in urls)
    assert len({u.split("/")[2] for u in urls}) == len(urls)  # one feed per site
    assert any("tass.ru" in u for u in urls) and any("government.ru" in u for u in urls)
