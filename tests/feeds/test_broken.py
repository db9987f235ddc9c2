"""Broken feeds are recorded with a clear error and backed off; they never stop the poller or
the other feeds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import feed_items
from db import feeds as store
from db.read import queries
from feeds.poller import NO_LINK_NO_TEXT, FeedPoller
from fetching import Fetcher
from tests.feeds.conftest import LOCAL
from tests.feeds.samples import Item, rss, story
from tests.feeds.site import FeedSite

Make = Callable[..., FeedPoller]


async def _statuses(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, store.FeedStatus]:
    async with sessionmaker() as session:
        return {f.url: f for f in await store.list_feeds(session)}


async def _add(sessionmaker: async_sessionmaker[AsyncSession], *urls: str) -> None:
    async with sessionmaker() as session:
        for url in urls:
            await store.add_feed(session, url)


async def test_broken_feeds_are_recorded_and_the_good_one_is_read(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    good = story(30)
    site.put("/good.xml", rss([Item("g", site.url("/n/good"), good.title, full_text=good.text)]))
    site.put("/page.xml", b"<!DOCTYPE html><html><body><p>Not a feed</p></body></html>", "text/html")
    site.put("/garbage.xml", b"{this is not xml at all", "application/xml")
    site.put("/huge.xml", b"<rss>" + b"x" * (10 * 1024 * 1024) + b"</rss>")
    site.put("/image.xml", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png", charset=None)

    async def loop_a(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(site.url("/loop-b"))

    async def loop_b(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(site.url("/loop-a"))

    site.handle("/loop-a", loop_a)
    site.handle("/loop-b", loop_b)
    broken = {
        site.url("/missing.xml"): "ошибка 404",
        site.url("/page.xml"): "не лента RSS или Atom",
        site.url("/garbage.xml"): "не лента RSS или Atom",
        site.url("/huge.xml"): "слишком большая",
        site.url("/image.xml"): "картинка",
        site.url("/loop-a"): "перенаправляет по кругу",
        "http://169.254.169.254/latest/meta-data/": "внутренний или служебный адрес",  # refused, never opened
        "http://127.0.0.1:9/closed.xml": "сайт недоступен",  # nothing listens on port 9
    }
    await _add(sessionmaker, site.url("/good.xml"), *broken)
    reports = await make_poller().poll_due()
    assert len(reports) == len(broken) + 1
    statuses = await _statuses(sessionmaker)
    for url, expected in broken.items():
        status = statuses[url]
        assert status.last_error is not None and expected in status.last_error, (url, status.last_error)
        assert status.failures == 1 and status.items_seen == 0
    ok = statuses[site.url("/good.xml")]
    assert ok.last_error is None and ok.failures == 0 and ok.agreements_found == 1
    async with sessionmaker() as session:
        found = await queries.by_region(session, good.region)
    assert any(good.company in v.partners for v in found.page.items)
    assert "/huge.xml" in site.hits  # it was fetched, and given up on past the cap


async def test_private_address_is_refused_without_allow_private(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    site.put("/rss.xml", rss([]))
    strict = Fetcher(replace(LOCAL, allow_private=False))
    try:
        await _add(sessionmaker, site.url("/rss.xml"))
        [report] = await make_poller(fetch=strict).poll_due()
    finally:
        await strict.close()
    assert report.error is not None and "внутренний или служебный адрес" in report.error
    assert "/rss.xml" not in site.hits  # the guard refused before connecting


async def test_bad_items_are_recorded_and_the_rest_are_read(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    good = story(31)
    items = [
        Item(None, None, None),  # nothing at all
        Item(None, None, "Только заголовок"),  # a title is no text
        Item("dead", site.url("/gone.html"), "Статья удалена"),  # its page answers 404
        Item("en", None, "English", full_text="The governor and the company signed an agreement today. " * 3),
        Item("g", site.url("/n/good"), good.title, full_text=good.text),
    ]
    await _add(sessionmaker, site.put("/rss.xml", rss(items)))
    [report] = await make_poller().poll_due()
    assert report.error is None
    assert (report.stored, report.failed, report.skipped) == (1, 1, 3)
    status = (await _statuses(sessionmaker))[site.url("/rss.xml")]
    assert status.failures == 0 and status.agreements_found == 1
    assert status.last_error is not None and "Не прочитано записей: 4" in status.last_error
    assert f"{NO_LINK_NO_TEXT} — 2" in status.last_error
    async with sessionmaker() as session:
        assert await feed_items.item_errors(session, status.id) == {"failed": 1, "skipped": 1}


async def test_the_running_poller_survives_broken_feeds(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    good = story(32)
    site.put("/good.xml", rss([Item("g", site.url("/n/good"), good.title, full_text=good.text)]))
    site.put("/garbage.xml", b"<<<>>>", "text/xml")
    await _add(sessionmaker, site.url("/missing.xml"), site.url("/garbage.xml"), site.url("/good.xml"))
    poller = make_poller(interval=0.2, lock_refresh=0.2)
    poller.start()
    try:
        for _ in range(400):
            statuses = await _statuses(sessionmaker)
            if statuses[site.url("/good.xml")].agreements_found and statuses[site.url("/missing.xml")].failures >= 2:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"the poller stalled: {statuses}")
        assert poller.polls >= 4
    finally:
        await poller.stop()
