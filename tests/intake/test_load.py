"""50 concurrent forwards from different users all land, none lost, none duplicated (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from db.read import queries
from handlers.articles import ALREADY_KNOWN
from tests.botapp import App, start_app_on

pytestmark = pytest.mark.asyncio(loop_scope="module")

REGIONS = (
    ("Тульской", "Тульская"), ("Калужской", "Калужская"), ("Томской", "Томская"), ("Рязанской", "Рязанская"),
    ("Курской", "Курская"), ("Орловской", "Орловская"), ("Тверской", "Тверская"), ("Псковской", "Псковская"),
    ("Омской", "Омская"), ("Пензенской", "Пензенская"),
)  # fmt: skip
PARTNERS = ("Северный ветер", "Южный берег", "Восточный луч", "Западный мост", "Горная тропа")


def article(n: int) -> tuple[str, str]:
    """(text, official region name) of the n-th test article: a distinct region+partner pair each."""
    (genitive, nominative), partner = list(itertools.product(REGIONS, PARTNERS))[n]
    text = (
        f"Правительство {genitive} области и ООО «{partner}» подписали соглашение о сотрудничестве "
        f"в сфере энергетики. Документ подписали губернатор {genitive} области Иван Петров и генеральный "
        f"директор ООО «{partner}» Сергей Смирнов. Стороны построят в регионе новые подстанции."
    )
    return text, f"{nominative} область"


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgresql"])
async def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    # no seeds here: only what the test sends is counted, and startup stays quick
    options = {"seeds_dir": tmp_path_factory.mktemp("no-seeds")}
    async for running in start_app_on(request.param, tmp_path_factory, "load", **options):
        yield running


async def _counts(app: App) -> tuple[int, int]:
    async with app.sessionmaker() as session:
        stats = await queries.stats(session)
    return stats.articles, stats.agreements


async def test_50_concurrent_forwards_all_land_once(app: App, uid: int) -> None:
    articles, agreements = await _counts(app)
    users = [uid * 100 + i for i in range(50)]
    when = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    for i, user in enumerate(users):
        await app.fake.send_text(user, article(i)[0], forward_date=when)
    replies = await asyncio.gather(*(app.fake.wait_for(user, timeout=120) for user in users))
    for i, [reply] in enumerate(replies):
        assert "Нашёл соглашений: 1" in reply.text, reply.text
        assert article(i)[1] in reply.text
    assert await _counts(app) == (articles + 50, agreements + 50)

    # the same 50 posts forwarded again by 50 other users: all known, nothing new stored
    others = [user + 50 for user in users]
    for i, user in enumerate(others):
        await app.fake.send_text(user, article(i)[0], forward_date=when)
    replies = await asyncio.gather(*(app.fake.wait_for(user, timeout=120) for user in others))
    assert all(ALREADY_KNOWN in reply.text for [reply] in replies)
    assert await _counts(app) == (articles + 50, agreements + 50)
