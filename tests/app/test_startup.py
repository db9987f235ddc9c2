"""A fresh start end to end: `python bot.py` (long polling) against the fake Bot API server answers
commands before the extraction models are loaded, and an article sent at once waits for them.

The models are held back by a gate file (`TEST_EXTRACT_GATE`): the workers do not load them before
the test creates it, so "before the models are ready" does not depend on the machine's speed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.startup import MODELS_NOTICE, SEEDING_NOTE
from intake.pool import GATE_ENV
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
ASKER, SENDER = 31_001, 31_002
ARTICLE = (
    "Правительство Томской области и ООО «Северный ветер» заключили соглашение о строительстве "
    "ветропарка. Соглашение подписали губернатор Томской области Владимир Мазур и генеральный "
    "директор компании Пётр Сидоров."
)
START_TIMEOUT = 240.0  # importing aiogram alone takes 7-9 s here, much more on a busy machine


async def _wait_for_log(log: Path, text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        written = log.read_text(encoding="utf-8", errors="replace")
        if text in written:
            return written
        assert time.monotonic() < deadline, f"no {text!r} in the log within {timeout}s:\n{written[-3000:]}"
        await asyncio.sleep(0.2)


async def test_commands_are_answered_before_the_models_load_and_an_early_article_waits(tmp_path: Path) -> None:
    gate = tmp_path / "models-may-load"
    log = tmp_path / "bot.log"
    async with FakeTelegram() as fake:
        # both are waiting in getUpdates before the process even starts
        await fake.send_command(ASKER, "/region Калужская")
        await fake.send_text(SENDER, ARTICLE)
        env = {
            **os.environ,
            "BOT_TOKEN": fake.token,
            "BOT_API_URL": fake.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}",  # empty: seeds load first
            "EXTRACT_WORKERS": "1",
            "LOG_LEVEL": "INFO",
            "MODELS_NOTICE_AFTER": "0.5",
            "SEEDS_WAIT": "1",  # a query waits this long for the seeds, which wait for the gated models
            GATE_ENV: str(gate),
            "PYTHONIOENCODING": "utf-8",
        }
        with log.open("w", encoding="utf-8") as err:
            proc = subprocess.Popen(
                [sys.executable, "bot.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err
            )
        try:
            [answer] = await fake.wait_for(
                ASKER, timeout=START_TIMEOUT, predicate=lambda c: "Калужская" in (c.text or "")
            )
            # answered (after SEEDS_WAIT) from an empty base whose seeds wait for the models, and says so
            assert "Калужская область" in (answer.text or "")
            assert SEEDING_NOTE in (answer.text or "")
            [notice] = await fake.wait_for(SENDER, timeout=60, predicate=lambda c: MODELS_NOTICE in (c.text or ""))
            assert not gate.exists()
            sent = [c.text or "" for c in fake.calls_for(SENDER, "sendMessage")]
            assert not any("соглашени" in text.lower() and text != MODELS_NOTICE for text in sent), sent
            written = log.read_text(encoding="utf-8")
            assert "extraction models still loading in the background" in written
            assert "extraction models ready" not in written

            gate.touch()  # now the workers load natasha
            [found] = await fake.wait_for(
                SENDER, timeout=START_TIMEOUT, predicate=lambda c: "Нашёл соглашений" in (c.text or "")
            )
            assert "Северный ветер" in (found.text or "") and "Томская область" in (found.text or "")
            assert len(fake.calls_for(SENDER, "sendMessage")) == 2  # the notice once, then the answer

            # the seeds are read after the models too, and then found
            await _wait_for_log(log, "seeds loaded", START_TIMEOUT)
            await fake.send_command(ASKER, "/region Калужская")
            [later] = await fake.wait_for(ASKER, timeout=30)
            assert "Регион: Калужская область" in (later.text or "") and "Артамонов" in (later.text or "")
            assert SEEDING_NOTE not in (later.text or "")
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
            try:
                code = await asyncio.to_thread(proc.wait, 90)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
    assert code == 0, log.read_text(encoding="utf-8")[-3000:]
    written = log.read_text(encoding="utf-8")
    order = [written.index(s) for s in ("answering", "extraction models ready", "seeds loaded")]
    assert order == sorted(order), written[-3000:]
    assert "Traceback" not in written, written[-3000:]


async def test_a_failing_command_menu_does_not_hold_up_the_bot(tmp_path: Path) -> None:
    from bot import app_context
    from tests.botapp import make_settings
    from tests.fake_telegram import run_polling

    async with FakeTelegram() as fake:
        fake.flood_next("setMyCommands", retry_after=3600)  # longer than the bot waits out: it gives up
        settings = make_settings(fake, f"sqlite+aiosqlite:///{tmp_path / 'menu.db'}", admin_ids=frozenset())
        async with app_context(settings) as (bot, dp), run_polling(dp, bot):
            await fake.send_command(ASKER, "/region Калужская")
            [answer] = await fake.wait_for(  # after a progress line when the seeds still load
                ASKER, timeout=60, predicate=lambda c: "Калужская" in (c.text or "")
            )
            assert "Калужская область" in (answer.text or "")
            for _ in range(200):  # the menu is registered in the background
                menu = [c for c in fake.calls if c.method.lower() == "setmycommands"]
                if menu:
                    break
                await asyncio.sleep(0.05)
            assert [c.status for c in menu] == [429]  # tried once, refused; the bot answers all the same
