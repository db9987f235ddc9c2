"""Start-up: from process start to the first answer, against a bare `import aiogram`.

Measures, in one run, each averaged over `--runs` fresh processes:

- baseline: `python -c "import aiogram"` (aiogram rebuilds its Bot API types at import: most of a
  start on a slow machine, and nothing the project can change);
- console: `python bot.py --console` with `/region Калужская` on stdin, until its answer is printed;
- polling: `python bot.py` against the fake Bot API server (`tests.fake_telegram`) with a
  `/region Калужская` and an article already waiting in getUpdates: start -> the /region answer,
  and start -> the article's answer with its extracted agreement (the models load meanwhile).

Each run starts on a copy of one seeded SQLite base, with the pymorphy2 memos (`CACHE_DIR`) filled
by the seeding run, as a restart finds them; one more console run with an empty `CACHE_DIR` shows
the very first start. Prints the figures and each one's excess over the baseline; the last line is
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


async def time_import_aiogram() -> float:
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "import aiogram")
    if await proc.wait() != 0:
        raise RuntimeError("import aiogram failed")
    return time.perf_counter() - started


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), 60)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def time_console(root: Path, env: dict[str, str], stdin: str = REGION + "\n") -> float:
    """Start -> the /region answer printed by console mode."""
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
                elapsed = time.perf_counter() - started
                break
        proc.stdin.close()
        await asyncio.wait_for(proc.wait(), 120)
        return elapsed
    finally:
        await _stop(proc)


async def time_polling(root: Path, env: dict[str, str]) -> tuple[float, float]:
    """Start -> the /region answer, start -> the article's answer, in polling mode."""
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
            region, article = await asyncio.gather(
                fake.wait_for(1, timeout=TIMEOUT, predicate=lambda c: REGION_ANSWER in (c.text or "")),
                fake.wait_for(2, timeout=TIMEOUT, predicate=lambda c: ARTICLE_ANSWER in (c.text or "")),
            )
            # the fake stamps each call with time.monotonic() as it arrives
            return region[0].at - started, article[0].at - started
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

        baseline, console, polling_region, polling_article = [], [], [], []
        for i in range(args.runs):
            baseline.append(await time_import_aiogram())
            console.append(await time_console(root, bot_env(root, fresh(f"c{i}"), cache)))
            region, article = await time_polling(root, bot_env(root, fresh(f"p{i}"), cache))
            polling_region.append(region)
            polling_article.append(article)
            print(
                f"run {i + 1}: import aiogram {baseline[-1]:.2f} s, console /region {console[-1]:.2f} s, "
                f"polling /region {region:.2f} s, first article {article:.2f} s",
                flush=True,
            )
        cold = await time_console(root, bot_env(root, fresh("cold"), work / "cold-cache"))
        base = mean(baseline)
        figures: dict[str, Any] = {
            "runs": args.runs,
            "import_aiogram_s": base,
            "console_region_s": mean(console),
            "polling_region_s": mean(polling_region),
            "polling_first_article_s": mean(polling_article),
            "console_region_cold_cache_s": round(cold, 2),
        }
        figures["console_over_import_s"] = round(figures["console_region_s"] - base, 2)
        figures["polling_over_import_s"] = round(figures["polling_region_s"] - base, 2)
        figures["console_ratio"] = round(figures["console_region_s"] / base, 2)
        figures["polling_ratio"] = round(figures["polling_region_s"] / base, 2)
        print()
        print(f"bare import aiogram:          {base:6.2f} s")
        for name, key in (
            ("console: start -> /region", "console_region_s"),
            ("polling: start -> /region", "polling_region_s"),
            ("polling: start -> 1st article", "polling_first_article_s"),
            ("console, empty CACHE_DIR", "console_region_cold_cache_s"),
        ):
            value = figures[key]
            print(f"{name:30s}{value:6.2f} s  (+{value - base:5.2f} s over import aiogram, x{value / base:.2f})")
        print(json.dumps(figures))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
