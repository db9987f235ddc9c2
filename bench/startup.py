"""Start-up: from process start to the first answer, against a bare `import aiogram`.

Measures, in one run, each averaged over `--runs` fresh processes:

- baseline: `python -c "import aiogram"` (aiogram rebuilds its Bot API types at import: most of a
  start on a slow machine, and nothing the project can change);
- console: `python bot.py --console` with `/region Калужская` on stdin, until its answer is printed;
- polling: `python bot.py` against the fake Bot API server (`tests.fake_telegram`) with a
  `/region Калужская` and an article already waiting in getUpdates: start -> the /region answer,
  and start -> the article's answer with its extracted agreement (the models load meanwhile).

Wall time is what a user sees; on a shared machine it swings with the load, so the CPU seconds the
bot process used up to its answer are printed too (steadier; /proc, Linux only). Each run starts on
a copy of one seeded SQLite base, with the pymorphy2 memos (`CACHE_DIR`) filled by the seeding run,
as a restart finds them; one more console run with an empty `CACHE_DIR` shows the very first start,
and console runs with the models held back (`TEST_EXTRACT_GATE`) show what the bot's own process
takes when no worker loads natasha on the same cores meanwhile. Prints the figures and each one's excess over the baseline; the last line is
one JSON object of the figures.

    .venv/bin/python bench/startup.py [--runs 3] [--root DIR]   # DIR: another checkout to measure
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

REGION = "/region Калужская"
REGION_ANSWER = "Калужская область"
ARTICLE = (
    "Правительство Томской области и ООО «Северный ветер» заключили соглашение о строительстве "
    "ветропарка. Соглашение подписали губернатор Томской области Владимир Мазур и генеральный "
    "директор компании Пётр Сидоров."
)
ARTICLE_ANSWER = "Нашёл соглашений"
TIMEOUT = 300.0


def bot_env(root: Path, db: Path, cache: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "BOT_TOKEN": "",
        "CACHE_DIR": str(cache),
        "CONSOLE_LOG_FILE": str(db.with_suffix(".log")),
        "EXTRACT_WORKERS": "1",
        "LOG_LEVEL": "INFO",
        "PYTHONIOENCODING": "utf-8",
        "SEEDS_DIR": str(root / "seeds"),
        **extra,
    }


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a running process has used so far (Linux: /proc; else nan)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def time_import_aiogram() -> tuple[float, float]:
    """Wall and CPU seconds of `python -c "import aiogram"`."""
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import time, aiogram; print(time.process_time())", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError("import aiogram failed")
    return time.perf_counter() - started, float(out)


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), 60)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def time_console(root: Path, env: dict[str, str], stdin: str = REGION + "\n") -> tuple[float, float]:
    """Start -> the /region answer printed by console mode: wall and the bot process's CPU seconds."""
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", "--console", cwd=root, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(stdin.encode())
        await proc.stdin.drain()
        while True:
            line = await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)
            if not line:
                raise RuntimeError("console mode ended without answering /region")
            if REGION_ANSWER in line.decode("utf-8", "replace"):
                elapsed, cpu = time.perf_counter() - started, cpu_seconds(proc.pid)
                break
        proc.stdin.close()
        await asyncio.wait_for(proc.wait(), 120)
        return elapsed, cpu
    finally:
        await _stop(proc)


async def time_polling(root: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Start -> the /region answer (wall, and the bot process's CPU seconds by then), start -> the
    article's answer, in polling mode."""
    from tests.fake_telegram import FakeTelegram

    async with FakeTelegram() as fake:
        await fake.send_command(1, REGION)
        await fake.send_text(2, ARTICLE)
        started = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "bot.py", cwd=root,
            env={**env, "BOT_TOKEN": fake.token, "BOT_API_URL": fake.base_url},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            [region] = await fake.wait_for(
                1, timeout=TIMEOUT, predicate=lambda c: REGION_ANSWER in (c.text or "")
            )
            cpu = cpu_seconds(proc.pid)
            [article] = await fake.wait_for(
                2, timeout=TIMEOUT, predicate=lambda c: ARTICLE_ANSWER in (c.text or "")
            )
            # the fake stamps each call with time.monotonic() as it arrives
            return region.at - started, cpu, article.at - started
        finally:
            await _stop(proc)


def mean(values: list[float]) -> float:
    return round(statistics.fmean(values), 2)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout of the bot to measure")
    args = parser.parse_args()
    root: Path = args.root.resolve()
    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        seeded, cache = work / "seeded.db", work / "cache"
        print("seeding a base (not timed)…", flush=True)
        # the first start loads the seeds in the background and finishes them before exiting
        await time_console(root, bot_env(root, seeded, cache), stdin=REGION + "\n")

        def fresh(name: str) -> Path:
            db = work / f"{name}.db"
            shutil.copyfile(seeded, db)
            return db

        walls: dict[str, list[float]] = {k: [] for k in ("import", "console", "polling", "article", "held")}
        cpus: dict[str, list[float]] = {k: [] for k in ("import", "console", "polling", "held")}
        for i in range(args.runs):  # interleaved, so that a busy spell of the machine hits all alike
            wall, cpu = await time_import_aiogram()
            walls["import"].append(wall)
            cpus["import"].append(cpu)
            wall, cpu = await time_console(root, bot_env(root, fresh(f"c{i}"), cache))
            walls["console"].append(wall)
            cpus["console"].append(cpu)
            # the same with the models held back: what the bot's process takes with no worker
            # loading natasha on the same cores meanwhile
            held = bot_env(root, fresh(f"h{i}"), cache, TEST_EXTRACT_GATE=str(work / "never"))
            wall, cpu = await time_console(root, held)
            walls["held"].append(wall)
            cpus["held"].append(cpu)
            wall, cpu, article = await time_polling(root, bot_env(root, fresh(f"p{i}"), cache))
            walls["polling"].append(wall)
            cpus["polling"].append(cpu)
            walls["article"].append(article)
            print(
                f"run {i + 1}: import aiogram {walls['import'][-1]:.2f} s (cpu {cpus['import'][-1]:.2f}), "
                f"console /region {walls['console'][-1]:.2f} s (cpu {cpus['console'][-1]:.2f}), "
                f"polling /region {wall:.2f} s (cpu {cpu:.2f}), first article {article:.2f} s",
                flush=True,
            )
        cold, cold_cpu = await time_console(root, bot_env(root, fresh("cold"), work / "cold-cache"))
        base, base_cpu = mean(walls["import"]), mean(cpus["import"])
        figures: dict[str, Any] = {
            "runs": args.runs,
            "import_aiogram_s": base,
            "console_region_s": mean(walls["console"]),
            "polling_region_s": mean(walls["polling"]),
            "polling_first_article_s": mean(walls["article"]),
            "console_region_cold_cache_s": round(cold, 2),
            "import_aiogram_cpu_s": base_cpu,
            "console_region_cpu_s": mean(cpus["console"]),
            "polling_region_cpu_s": mean(cpus["polling"]),
            "console_region_cold_cache_cpu_s": round(cold_cpu, 2),
            "console_region_models_held_s": mean(walls["held"]),
            "console_region_models_held_cpu_s": mean(cpus["held"]),
        }
        for mode in ("console", "polling"):
            figures[f"{mode}_over_import_s"] = round(figures[f"{mode}_region_s"] - base, 2)
            figures[f"{mode}_over_import_cpu_s"] = round(figures[f"{mode}_region_cpu_s"] - base_cpu, 2)
            figures[f"{mode}_ratio"] = round(figures[f"{mode}_region_s"] / base, 2)
        print()
        print(f"bare import aiogram:           {base:6.2f} s wall, {base_cpu:5.2f} s cpu")
        for name, key in (
            ("console: start -> /region", "console_region"),
            ("polling: start -> /region", "polling_region"),
            ("console, empty CACHE_DIR", "console_region_cold_cache"),
            ("console, models held back", "console_region_models_held"),
        ):
            wall, cpu = figures[f"{key}_s"], figures[f"{key}_cpu_s"]
            print(
                f"{name:31s}{wall:6.2f} s wall (+{wall - base:5.2f}, x{wall / base:.2f}), "
                f"{cpu:5.2f} s cpu (+{cpu - base_cpu:5.2f})"
            )
        article = figures["polling_first_article_s"]
        print(f"{'polling: start -> 1st article':31s}{article:6.2f} s wall (+{article - base:5.2f}, x{article / base:.2f})")
        print(json.dumps(figures))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
