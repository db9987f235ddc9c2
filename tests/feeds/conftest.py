"""Local feed sites, a fetcher allowed to open them, and a poller storing through the real ingest."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.write.ingest import ArticleIn, IngestResult, ingest
from feeds.lock import LocalLock
from feeds.poller import FeedPoller, PollerSettings
from fetching import Fetcher, FetchLimits
from tests.feeds.site import FeedSite

# Private addresses allowed (the sites are on 127.0.0.1); short timeouts keep tests fast.
LOCAL = FetchLimits(allow_private=True, connect_timeout=2, read_timeout=2, total_timeout=5)


@pytest.fixture
async def site() -> AsyncIterator[FeedSite]:
    s = await FeedSite().start()
    yield s
    await s.stop()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    f = Fetcher(LOCAL)
    yield f
    await f.close()


def store_with(sessionmaker: async_sessionmaker[AsyncSession]) -> Callable[[ArticleIn], Any]:
    """The real ingest (extraction with natasha in a worker thread), one session per article."""

    async def store(article: ArticleIn) -> IngestResult:
        async with sessionmaker() as session:
            return await ingest(session, article)

    return store


@pytest.fixture
def make_poller(
    sessionmaker: async_sessionmaker[AsyncSession], fetcher: Fetcher
) -> Callable[..., FeedPoller]:
    """Factory: a poller on the test's base with a lock of its own (tests never share one)."""
    pollers: list[FeedPoller] = []

    def make(fetch: Any = None, lock: Any = None, **settings: Any) -> FeedPoller:
        options: dict[str, Any] = {"interval": 60.0, "jitter": 0.0}
        options.update(settings)
        poller = FeedPoller(
            sessionmaker,
            fetch or fetcher,
            store_with(sessionmaker),
            lock=lock or LocalLock(f"test-{uuid.uuid4().hex}"),
            settings=PollerSettings(**options),
        )
        pollers.append(poller)
        return poller

    return make
