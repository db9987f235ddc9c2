"""The real bot (bot.app_context) against the fake Bot API server, shared per test module.

Each module gets one FakeTelegram, one app (SQLite file in a tmp dir, seeds loaded, a real
extraction process pool) and one polling task. Tests use fresh user ids (`uid`) so throttling
and per-user state never leak between them, and every test checks that the fake answered no
400 during it: the bot never sent anything Telegram would refuse.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher

from bot import Settings, app_context
from tests.fake_telegram import FakeTelegram, run_polling

ADMIN_ID = 777
ROOT = Path(__file__).resolve().parents[1]
_user_ids = itertools.count(10_000)


@dataclass
class App:
    fake: FakeTelegram
    bot: Bot
    dp: Dispatcher
    settings: Settings

    @property
    def sessionmaker(self) -> Any:
        return self.dp["sessionmaker"]


def make_settings(fake: FakeTelegram, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": fake.token,
        "database_url": database_url,
        "admin_ids": frozenset({ADMIN_ID}),
        "bot_api_url": fake.base_url,
        "extract_workers": 1,
        "seeds_dir": ROOT / "seeds",
        "progress_interval": 0.0,
    }
    values.update(overrides)
    return Settings(**values)


async def start_app(database_url: str, **overrides: Any) -> AsyncIterator[App]:
    async with FakeTelegram() as fake:
        settings = make_settings(fake, database_url, **overrides)
        async with app_context(settings, wait_for_seeds=True) as (bot, dp), run_polling(dp, bot):
            yield App(fake, bot, dp, settings)


async def start_app_on(
    backend: str, tmp_path_factory: pytest.TempPathFactory, name: str, **overrides: Any
) -> AsyncIterator[App]:
    """`start_app` on a fresh SQLite file or a fresh PostgreSQL schema (`backend`, a db_url param)."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp(name) / 'agreements.db'}"
        async for running in start_app(url, **overrides):
            yield running
        return
    from tests.conftest import pg_schema_url

    async with pg_schema_url(f"t_{name}") as url:
        async for running in start_app(url, **overrides):
            yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    """The bot on a fresh SQLite file with the seeds loaded; private addresses refused."""
    path = tmp_path_factory.mktemp("botdb") / "agreements.db"
    async for running in start_app(f"sqlite+aiosqlite:///{path}"):
        yield running


@pytest.fixture
def uid() -> int:
    """A user id no other test has used (throttling and /export state are per user)."""
    return next(_user_ids)


@pytest.fixture(autouse=True)
def no_bad_requests(request: pytest.FixtureRequest) -> Any:
    """Fail a test during which the bot made a call the fake (like Telegram) refused with 400."""
    if "app" not in request.fixturenames:
        yield
        return
    running: App = request.getfixturevalue("app")
    start = len(running.fake.calls)
    yield
    bad = [(c.method, c.description) for c in running.fake.calls[start:] if c.status == 400]
    assert not bad, f"the bot made calls Telegram would refuse: {bad}"


def texts(calls: list[Any]) -> list[str]:
    return [c.text or "" for c in calls]
