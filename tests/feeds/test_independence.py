"""A slow feed cannot stall the others: each feed is polled in a task of its own, a slow host holds
only its own feeds, and a poll stops reading items when its time budget is spent (they are read on a
later poll, never lost)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import feed_items
from db import feeds as store
from db.read import queries
from feeds.poller import FeedPoller
from tests.feeds.samples import Item, rss, story
from tests.feeds.site import FeedSite

Make = Callable[..., FeedPoller]
SLOW_ITEMS = 20


async def trickle(request: web.Request) -> web.StreamResponse:
    """A page that sends one byte a second, for ever."""
    response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
    await response.prepare(request)
    try:
        for _ in range(3600):
            await response.write(b" ")
            await asyncio.sleep(1)
    except (ConnectionError, RuntimeError):
        pass
    return response


@pytest.fixture
async def slow_site() -> AsyncIterator[FeedSite]:
    """A site whose feed lists SLOW_ITEMS items, each linking to a page that trickles."""
    s = await FeedSite().start()
    items = []
    for n in range(SLOW_ITEMS):
        s.handle(f"/slow/{n}", trickle)
        items.append(Item(f"slow-{n}", s.url(f"/slow/{n}"), f"Новость {n}", summary="Тизер"))
    s.put("/slow.xml", rss(items), etag='"slow"')
    yield s
    await s.stop()


async def _partners(sessionmaker: async_sessionmaker[AsyncSession], region: str) -> list[str]:
    async with sessionmaker() as session:
        found = await queries.by_region(session, region, limit=50)
    return [p for view in found.page.items for p in view.partners]


async def _until(check: Callable[[], object], seconds: float) -> float:
    """Seconds until `check()` (a coroutine function) is true; fails past `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if await check():  # type: ignore[misc]
            return time.monotonic() - start
        await asyncio.sleep(0.1)
    raise AssertionError(f"not within {seconds} s")


async def test_a_trickling_feed_does_not_delay_a_good_one(
    site: FeedSite, slow_site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    first, second = story(50), story(51)
    good = [Item("g1", site.url("/n/1"), first.title, full_text=first.text)]
    site.put("/good.xml", rss(good))
    async with sessionmaker() as session:
        await store.add_feed(session, slow_site.url("/slow.xml"))
        await store.add_feed(session, site.url("/good.xml"))
    poller = make_poller(interval=0.5, lock_refresh=0.2)
    poller.start()
    try:
        await _until(lambda: _has(sessionmaker, first), 30)
        # the slow feed is busy reading its trickling pages
        await _until(lambda: _true(any(k.startswith("/slow/") for k in slow_site.hits)), 30)
        site.put("/good.xml", rss([Item("g2", site.url("/n/2"), second.title, full_text=second.text), *good]))
        waited = await _until(lambda: _has(sessionmaker, second), 10)
        assert waited < 10
        assert any(t.get_name().startswith("feed-") for t in poller._running.values())  # still reading
    finally:
        await poller.stop()


async def test_items_past_the_budget_wait_for_the_next_poll(
    slow_site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    async with sessionmaker() as session:
        feed_id, _ = await store.add_feed(session, slow_site.url("/slow.xml"))
        feed = await store.get_feed(session, feed_id)
    assert feed is not None
    poller = make_poller(budget=1.0)
    start = time.monotonic()
    report = await poller.poll_feed(feed)
    assert time.monotonic() - start < 4  # the budget, not 20 pages x the fetch timeout
    assert report.error is None and report.new_items == SLOW_ITEMS and report.deferred == SLOW_ITEMS
    async with sessionmaker() as session:
        assert await feed_items.item_errors(session, feed_id) == {}  # nothing recorded as failed
        status = next(f for f in await store.list_feeds(session) if f.id == feed_id)
        again = await store.get_feed(session, feed_id)
    assert status.items_seen == 0 and status.last_error is None
    assert again is not None and again.etag is None  # the next poll reads the whole feed again
    report = await poller.poll_feed(again)
    assert not report.not_modified and report.new_items == SLOW_ITEMS  # resumed, never lost


async def _has(sessionmaker: async_sessionmaker[AsyncSession], news: object) -> bool:
    return news.company in await _partners(sessionmaker, news.region)  # type: ignore[attr-defined]


async def _true(value: bool) -> bool:
    return value
