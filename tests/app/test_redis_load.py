"""Redis under load, with the real Redis: a pool far smaller than the crowd still serves everyone,
because a call waits briefly for a free connection instead of failing (shared_state.client)."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from redis.asyncio import Redis

from handlers.errors import OUTAGE
from tests.botapp import ROOT, App, start_app
from tests.conftest import REDIS_HOST, REDIS_PORT, redis_db_url

pytestmark = pytest.mark.asyncio(loop_scope="module")

REDIS_DB = 11  # these tests' own (flushed)
POOL = 20  # connections: far fewer than the updates handled at once below
WAIT = 15.0  # seconds a call may wait for one (a busy test machine is slow to give them back)
SEED = "001_29f0e2c51dd71da6.txt"  # Калуга


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    seeds = tmp_path_factory.mktemp("load-seeds")
    shutil.copy(ROOT / "seeds" / SEED, seeds / SEED)
    path = tmp_path_factory.mktemp("load") / "agreements.db"
    async with redis_db_url(REDIS_DB) as url:
        options = {"seeds_dir": seeds, "redis_url": url, "redis_max_connections": POOL, "redis_pool_timeout": WAIT}
        async for running in start_app(f"sqlite+aiosqlite:///{path}", **options):
            yield running


async def _update_keys() -> int:
    client = Redis.from_url(f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}")
    try:
        return len([k async for k in client.scan_iter(match="agreements:update:*", count=1000)])
    finally:
        await client.aclose()


def _shared_state_failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Warnings of a shared-state call that failed and was let pass (or lost a last result)."""
    signs = ("update ids unavailable", "could not remember the last result", "flood control unavailable")
    return [r.getMessage() for r in caplog.records if any(s in r.getMessage() for s in signs)]


async def test_150_users_export_at_once_and_every_one_gets_the_file(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    users = list(range(70_000, 70_150))
    for uid in users:
        await app.fake.send_command(uid, "/region Калужская")
    for uid in users:
        await app.fake.wait_for(uid, timeout=60)
    for uid in users:
        await app.fake.send_command(uid, "/export")
    for uid in users:
        [reply] = await app.fake.wait_for(uid, ("sendDocument", "sendMessage"), timeout=60)
        assert reply.method == "sendDocument", (uid, reply.text)
    assert not [c for u in users for c in app.fake.calls_for(u, "sendMessage") if c.text == OUTAGE]
    assert not _shared_state_failures(caplog)


async def test_a_burst_of_200_messages_all_pass_the_duplicate_check(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    before = await _update_keys()
    uid = 71_000
    for n in range(200):
        await app.fake.send_text(uid, f"короткое сообщение {n}")
    deadline = time.monotonic() + 60
    while await _update_keys() - before < 200 and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    assert await _update_keys() - before >= 200  # each update id was recorded
    assert not _shared_state_failures(caplog)  # none skipped the check
