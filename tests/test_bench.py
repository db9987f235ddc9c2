"""Benchmarks say what they ran: `make bench` runs every script in bench/, and bench/queries.py
names its ingest figure after the --ingest count it was given."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.ci import skip_or_fail

ROOT = Path(__file__).resolve().parents[1]


def test_make_bench_runs_every_benchmark() -> None:
    if shutil.which("make") is None:
        skip_or_fail("make is not installed")
    plan = subprocess.run(["make", "-n", "bench", "STAMP="], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert plan.returncode == 0, plan.stderr
    scripts = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "bench").glob("*.py"))
    assert len(scripts) >= 8
    assert [s for s in scripts if s not in plan.stdout] == []


def test_queries_bench_names_the_ingest_figure_after_its_count() -> None:
    run = subprocess.run(
        [sys.executable, "bench/queries.py", "--agreements", "300", "--partners", "30", "--queries", "5",
         "--ingest", "7", "--skip-pg"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert figures["ingest"] == 7 and figures["ingest_7_s"] == figures["sqlite_ingest_7_s"] > 0
    assert not [k for k in figures if "1000" in k]
