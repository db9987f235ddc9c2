"""An item whose page fails in passing (5xx, 429, a timeout) is read again on a later poll with a
growing wait, up to a limit, and then reported in /feeds; a 404 fails at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import feed_items
from db import feeds as store
from db.models.feeds import ITEM_FAILED, ITEM_RETRY, FeedItem
from db.read import queries
from feeds.poller import FeedPoller
from tests.feeds.helpers import add as _feed
from tests.feeds.helpers import row as _again
from tests.feeds.helpers import status as _status
from tests.feeds.samples import Item, article_page, rss, story
from tests.feeds.site import FeedSite

Make = Callable[..., FeedPoller]


async def _item(sessionmaker: async_sessionmaker[AsyncSession], feed_id: int) -> FeedItem:
    async with sessionmaker() as session:
        [row] = (await session.execute(select(FeedItem).where(FeedItem.feed_id == feed_id))).scalars().all()
    return row


def _failing(site: FeedSite, path: str, statuses: list[int], body: bytes, headers: dict[str, str] | None = None) -> None:
    """`path` answers each status of `statuses` in turn, then the page `body`."""
    left = list(statuses)

    async def handler(request: web.Request) -> web.StreamResponse:
        if left:
            return web.Response(status=left.pop(0), text="busy", headers=headers)
        return web.Response(body=body, content_type="text/html", charset="utf-8")

    site.handle(path, handler)


async def test_503_once_then_200_is_stored_on_the_next_poll(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    news = story(60)
    _failing(site, "/n/flaky", [503], article_page(news.title, news.text))
    url = site.put("/rss.xml", rss([Item("g", site.url("/n/flaky"), news.title, summary="Тизер")]), etag='"v1"')
    feed = await _feed(sessionmaker, url)
    poller = make_poller(interval=0.4)  # the first retry waits half an interval
    first = await poller.poll_feed(feed)
    assert first.error is None and (first.retrying, first.stored, first.failed) == (1, 0, 0)
    status = await _status(sessionmaker, feed.id)
    assert (status.items_retrying, status.items_seen, status.last_error) == (1, 0, None)
    row = await _item(sessionmaker, feed.id)
    assert row.status == ITEM_RETRY and row.attempts == 1 and "503" in (row.error or "")

    await asyncio.sleep(0.3)
    second = await poller.poll_feed(await _again(sessionmaker, feed.id))
    assert not second.not_modified  # the ETag was not kept while an item waited
    assert (second.new_items, second.stored, second.retrying) == (1, 1, 0)
    async with sessionmaker() as session:
        found = await queries.by_region(session, news.region)
    assert any(news.company in v.partners for v in found.page.items)
    status = await _status(sessionmaker, feed.id)
    assert (status.items_retrying, status.items_seen, status.agreements_found) == (0, 1, 1)
    assert site.hits["/n/flaky"] == 2


async def test_retries_back_off_then_give_up_and_are_reported(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    _failing(site, "/n/down", [502] * 10, b"")
    url = site.put("/rss.xml", rss([Item("g", site.url("/n/down"), "Новость", summary="Тизер")]))
    feed = await _feed(sessionmaker, url)
    poller = make_poller(interval=60.0, retry_base=10.0, item_attempts=3)
    waits = []
    for _ in range(2):
        report = await poller.poll_feed(await _again(sessionmaker, feed.id))
        assert report.retrying == 1
        row = await _item(sessionmaker, feed.id)
        assert row.retry_at is not None
        waits.append(round((store.utc(row.retry_at) - store.utc(row.seen_at)).total_seconds()))  # type: ignore[operator]
        again = await poller.poll_feed(await _again(sessionmaker, feed.id))
        assert again.new_items == 0 and site.hits["/n/down"] == len(waits)  # not due yet: not read
        async with sessionmaker() as session:  # let its time come
            await session.execute(update(FeedItem).values(retry_at=datetime.now(UTC) - timedelta(seconds=1)))
            await session.commit()
    assert waits == [10, 20]  # doubling
    last = await poller.poll_feed(await _again(sessionmaker, feed.id))
    assert (last.retrying, last.failed) == (0, 1)
    row = await _item(sessionmaker, feed.id)
    assert row.status == ITEM_FAILED and row.attempts == 3 and row.retry_at is None
    status = await _status(sessionmaker, feed.id)
    assert status.items_retrying == 0 and status.items_seen == 1
    assert status.last_error is not None and "код 502" in status.last_error and "попыток: 3" in status.last_error
    await poller.poll_feed(await _again(sessionmaker, feed.id))
    assert site.hits["/n/down"] == 3  # given up: never read again


async def test_429_retry_after_is_honoured_and_404_fails_at_once(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    _failing(site, "/n/busy", [429], b"", {"Retry-After": "120"})
    items = [
        Item("busy", site.url("/n/busy"), "Новость", summary="Тизер"),
        Item("gone", site.url("/n/gone"), "Удалена", summary="Тизер"),
    ]
    feed = await _feed(sessionmaker, site.put("/rss.xml", rss(items)))
    report = await make_poller(interval=10.0).poll_feed(feed)
    assert (report.retrying, report.failed) == (1, 1)
    async with sessionmaker() as session:
        assert await feed_items.item_errors(session, feed.id) == {ITEM_RETRY: 1, ITEM_FAILED: 1}
        rows = {r.link: r for r in (await session.execute(select(FeedItem))).scalars()}
    busy, gone = rows[site.url("/n/busy")], rows[site.url("/n/gone")]
    assert busy.retry_at is not None
    assert (store.utc(busy.retry_at) - store.utc(busy.seen_at)).total_seconds() >= 119  # type: ignore[operator]
    assert gone.status == ITEM_FAILED and gone.retry_at is None and "404" in (gone.error or "")
