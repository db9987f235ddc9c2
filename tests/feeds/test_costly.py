"""A malformed multi-megabyte feed is parsed off the event loop with a time limit (a worker process that
is stopped), and the feed is backed off."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import feeds as store
from feeds.poller import FeedPoller
from tests.feeds.helpers import add, row
from tests.feeds.samples import malformed_feed
from tests.feeds.site import FeedSite

Make = Callable[..., FeedPoller]


async def test_a_malformed_multi_megabyte_feed_is_cut_off_and_backed_off(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    body = malformed_feed()
    assert len(body) > 2_500_000
    feed_id = (await add(sessionmaker, site.put("/costly.xml", body))).id
    poller = make_poller(interval=60.0, parse_seconds=1.0)
    lag = 0.0

    async def ticker() -> None:  # how long the event loop is held at most
        nonlocal lag
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.05)
            lag = max(lag, time.monotonic() - before - 0.05)

    ticking = asyncio.create_task(ticker())
    try:
        report = await poller.poll_feed(await row(sessionmaker, feed_id))
    finally:
        ticking.cancel()
    assert report.error is not None and "слишком долго разбирается" in report.error
    assert lag < 2.0  # parsing never held the loop (a generous bound: the machine may be busy)
    async with sessionmaker() as session:
        [status] = [f for f in await store.list_feeds(session) if f.id == feed_id]
    assert status.failures == 1 and status.last_poll_at is not None
    assert round((status.next_poll_at - status.last_poll_at).total_seconds()) == 120  # backed off
