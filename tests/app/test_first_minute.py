"""The first minute of a fresh clone: queries that arrive while the seeds load into an empty base
wait for them (bounded, with a progress line), then answer with the seeded cards; /start counts
what the base holds. The extraction models (and with them the seeds) are held back by a gate file
(`TEST_EXTRACT_GATE`), so "while the seeds load" does not depend on the machine's speed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from app.startup import SEEDING_NOTE, SEEDS_PROGRESS
from bot import app_context
from db.models import Agreement, Article
from intake.pool import GATE_ENV
from tests.botapp import App, make_settings
from tests.fake_telegram import FakeTelegram, run_polling

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module")
async def gated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[App, Path]]:
    """A bot on an empty SQLite base whose seeds cannot load before the test touches the gate."""
    gate = tmp_path / "models-may-load"
    monkeypatch.setenv(GATE_ENV, str(gate))  # read by the extraction workers when they start
    async with FakeTelegram() as fake:
        settings = make_settings(
            fake, f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}", seeds_progress_after=0.3, seeds_wait=120.0
        )
        try:
            async with app_context(settings) as (bot, dp), run_polling(dp, bot):
                yield App(fake, bot, dp, settings), gate
        finally:
            gate.touch()  # never leave a worker waiting


async def test_queries_of_the_first_minute_wait_for_the_seeds(gated: tuple[App, Path]) -> None:
    app, gate = gated
    fake = app.fake
    region, partner, start, inline = 41_001, 41_002, 41_003, 41_004
    await fake.send_command(region, "/region Калужская")  # the console's own examples
    await fake.send_command(partner, "/partner МТС")
    await fake.send_command(start, "/start")
    query_id = await fake.send_inline_query(inline, "Калуга")
    for chat in (region, partner, start):  # the seeds are late: each chat hears why it waits
        [progress] = await fake.wait_for(chat, timeout=30)
        assert progress.text == SEEDS_PROGRESS
    assert app.dp["seeding"].active
    assert not fake.calls_for(region, "sendMessage")[1:]  # no answer from a half-empty base

    gate.touch()  # the models load, then the seeds
    [kaluga] = await fake.wait_for(region, timeout=240)
    assert "Регион: Калужская область" in kaluga.text and "Артамонов" in kaluga.text
    assert SEEDING_NOTE not in kaluga.text
    [mts] = await fake.wait_for(partner, timeout=30)
    assert "Партнёр: МТС" in mts.text and "Оренбургская область" in mts.text
    assert "Тунис" not in mts.text and "Малайзия" not in mts.text
    [counts] = await fake.wait_for(start, timeout=30)
    async with app.sessionmaker() as session:
        agreements = (await session.execute(select(func.count()).select_from(Agreement))).scalar_one()
        articles = (await session.execute(select(func.count()).select_from(Article))).scalar_one()
    assert (agreements, articles) == (5, 5)  # the demo base: five seed agreements from five articles
    assert "В базе 5 соглашений из 5 статей" in counts.text
    await fake.wait_for(inline, "answerInlineQuery", timeout=30)
    results = fake.inline_answers[query_id]["results"]
    assert results and "Калужская область" in results[0]["description"]


async def test_a_query_waits_no_longer_than_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = tmp_path / "never"
    monkeypatch.setenv(GATE_ENV, str(gate))
    async with FakeTelegram() as fake:
        settings = make_settings(
            fake, f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}", seeds_progress_after=10.0, seeds_wait=0.5
        )
        try:
            async with app_context(settings) as (bot, dp), run_polling(dp, bot):
                await fake.send_command(41_010, "/region Калужская")
                [answer] = await fake.wait_for(41_010, timeout=30)
                assert dp["seeding"].active  # still loading: it answered after the limit, and says so
                assert "Калужская область" in answer.text and SEEDING_NOTE in answer.text
        finally:
            gate.touch()


async def test_the_progress_line_comes_once_per_chat() -> None:
    """`wait_for_seeds` on its own: a real asyncio task stands for the seeds' load."""
    from app.startup import Seeding, wait_for_seeds

    release = asyncio.Event()
    seeding = Seeding(asyncio.create_task(release.wait()))
    async with FakeTelegram() as fake:
        bot = fake.make_bot()
        fake.user(41_020)  # the user has written to the bot before
        told: set[int] = set()
        waits = [
            asyncio.create_task(wait_for_seeds(seeding, bot, 41_020, limit=30, progress_after=0.05, told=told))
            for _ in range(3)
        ]
        [progress] = await fake.wait_for(41_020, timeout=10)
        assert progress.text == SEEDS_PROGRESS
        release.set()
        assert await asyncio.gather(*waits) == [True, True, True]
        assert len(fake.calls_for(41_020, "sendMessage")) == 1  # three waits, one line
        assert await wait_for_seeds(seeding, bot, 41_020, limit=0.01, progress_after=0.0) is True  # done
        await bot.session.close()
