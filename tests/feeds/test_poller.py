"""The poller against real local sites: RSS, RDF and Atom feeds, the pages they link to, and the
real ingest (natasha extraction) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import feeds as store
from db.models import KIND_FEED, Article
from db.models.feeds import Feed
from db.read import queries
from feeds.poller import FeedPoller
from tests.feeds.helpers import add as _add
from tests.feeds.helpers import row as _feed
from tests.feeds.helpers import status as _status
from tests.feeds.samples import NO_AGREEMENT, Item, article_page, atom, rdf, rss, story
from tests.feeds.site import FeedSite

Make = Callable[..., FeedPoller]


async def _partners(sessionmaker: async_sessionmaker[AsyncSession], region: str) -> list[str]:
    async with sessionmaker() as session:
        found = await queries.by_region(session, region, limit=50)
    return [p for view in found.page.items for p in view.partners]


async def test_rss_full_text_is_stored_once_and_polled_conditionally(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    one, two = story(0), story(1)
    items = [
        Item("g1", site.url("/news/1"), one.title, full_text=one.text),
        Item("g2", site.url("/news/2"), two.title, full_text=two.text),
        Item("g3", site.url("/news/3"), "Урожай", full_text=NO_AGREEMENT),
    ]
    url = site.put("/rss.xml", rss(items), etag='"v1"')
    feed = await _add(sessionmaker, url)
    poller = make_poller()
    report = await poller.poll_feed(feed)
    assert report.error is None and report.items_in_feed == 3
    assert (report.new_items, report.stored, report.failed) == (3, 3, 0)
    assert len(report.new_agreement_ids) == 2  # the ids the alerts hook gets
    assert "Северный ветер" in await _partners(sessionmaker, one.region)
    assert "Северный ветер" in await _partners(sessionmaker, two.region)
    assert not any(path.startswith("/news/") for path in site.hits)  # full text: no page fetched
    async with sessionmaker() as session:
        rows = (await session.execute(select(Article.url, Article.kind).order_by(Article.id))).all()
    assert (site.url("/news/1"), KIND_FEED) in rows  # the item's URL is the article's url

    status = await _status(sessionmaker, feed.id)
    assert (status.items_seen, status.agreements_found, status.items_in_feed) == (3, 2, 3)
    assert status.last_error is None and status.failures == 0 and status.last_poll_at is not None
    assert status.title == "Новости регионов"
    assert timedelta(seconds=55) < status.next_poll_at - status.last_poll_at < timedelta(seconds=65)

    again = await poller.poll_feed(await _feed(sessionmaker, feed.id))  # ETag sent back: 304
    assert again.not_modified and again.new_items == 0
    assert site.not_modified["/rss.xml"] == 1


async def test_last_modified_makes_a_conditional_get(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    stamp = "Tue, 04 Jun 2024 10:00:00 GMT"
    one = story(9)
    url = site.put("/rss.xml", rss([Item("g", site.url("/n"), one.title, full_text=one.text)]), last_modified=stamp)
    poller = make_poller()
    feed = await _add(sessionmaker, url)
    assert (await poller.poll_feed(feed)).stored == 1
    again = await poller.poll_feed(await _feed(sessionmaker, feed.id))
    assert again.not_modified and site.not_modified["/rss.xml"] == 1
    status = await _status(sessionmaker, feed.id)
    assert status.items_in_feed == 1 and status.last_error is None  # a 304 keeps what the last copy said

    newer = story(19)
    changed = "Wed, 05 Jun 2024 10:00:00 GMT"
    site.put("/rss.xml", rss([Item("g2", site.url("/n2"), newer.title, full_text=newer.text)]), last_modified=changed)
    third = await poller.poll_feed(await _feed(sessionmaker, feed.id))
    assert third.stored == 1 and not third.not_modified
    assert (await _feed(sessionmaker, feed.id)).last_modified == changed


async def test_item_is_read_once_across_restarts(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    one = story(2)
    items = [Item(None, site.url("/news/a"), one.title, full_text=one.text)]  # no guid: the link counts
    # no validators: the whole feed comes every time; windows-1251, declared in the XML prolog only
    url = site.put("/rss.xml", rss(items, encoding="windows-1251"), charset=None)
    feed = await _add(sessionmaker, url)
    first = await make_poller().poll_feed(feed)
    assert first.stored == 1
    # a new process: a new poller with nothing in memory
    later = make_poller()
    second = await later.poll_feed(await _feed(sessionmaker, feed.id))
    assert second.items_in_feed == 1 and second.new_items == 0 and second.stored == 0

    newer = story(3)
    items.insert(0, Item(None, site.url("/news/b"), newer.title, full_text=newer.text))
    site.put("/rss.xml", rss(items, encoding="windows-1251"), charset=None)
    third = await later.poll_feed(await _feed(sessionmaker, feed.id))
    assert (third.new_items, third.stored) == (1, 1)
    assert one.company in await _partners(sessionmaker, one.region)  # decoded from windows-1251
    assert newer.company in await _partners(sessionmaker, newer.region)


async def test_rdf_items_are_read_from_their_pages_windows_1251_included(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    utf, cp = story(4), story(5)
    site.put("/a.html", article_page(utf.title, utf.text), "text/html")
    site.put("/b.html", article_page(cp.title, cp.text, charset="windows-1251"), "text/html", charset=None)
    items = [
        Item(None, site.url("/a.html"), utf.title, summary="Тизер"),
        Item(None, site.url("/b.html"), cp.title, summary="Тизер"),
    ]
    url = site.put("/rdf.xml", rdf(items), "application/rdf+xml")
    report = await make_poller().poll_feed(await _add(sessionmaker, url))
    assert report.error is None and (report.stored, report.failed) == (2, 0)
    assert site.hits["/a.html"] == 1 and site.hits["/b.html"] == 1
    assert cp.company in await _partners(sessionmaker, cp.region)  # decoded from windows-1251
    async with sessionmaker() as session:
        found = await queries.by_region(session, utf.region)
    [view] = [v for v in found.page.items if utf.company in v.partners]
    assert view.sources[0].url == site.url("/a.html") and view.sources[0].kind == KIND_FEED


async def test_atom_and_the_same_agreement_from_two_sites(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    other = await FeedSite().start()
    try:
        one = story(6)
        retold = (
            f"{one.text}\nЭто уже второе соглашение между сторонами: первое было подписано три года назад, "
            "рассказали в компании."
        )
        atom_url = site.put(
            "/atom.xml", atom([Item("urn:1", site.url("/n/1"), one.title, full_text=one.text)]),
            "application/atom+xml",
        )  # fmt: skip
        rss_url = other.put("/rss.xml", rss([Item("x", other.url("/n/1"), one.title, full_text=retold)]))
        poller = make_poller()
        first = await poller.poll_feed(await _add(sessionmaker, atom_url))
        second = await poller.poll_feed(await _add(sessionmaker, rss_url))
        assert first.stored == 1 and second.stored == 1
        assert len(first.new_agreement_ids) == 1 and second.new_agreement_ids == []  # not new the second time
        async with sessionmaker() as session:
            found = await queries.by_region(session, one.region)
        [view] = [v for v in found.page.items if one.company in v.partners]
        assert sorted(s.url or "" for s in view.sources) == sorted([site.url("/n/1"), other.url("/n/1")])
    finally:
        await other.stop()


async def test_a_due_feed_is_polled_by_the_running_loop(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    import asyncio

    one = story(7)
    url = site.put("/rss.xml", rss([Item("g", site.url("/n"), one.title, full_text=one.text)]))
    poller = make_poller(interval=0.3, lock_refresh=0.2)
    poller.start()
    try:
        feed = await _add(sessionmaker, url)
        poller.wake()
        for _ in range(400):
            if one.company in await _partners(sessionmaker, one.region):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the running poller never stored the item")
        for _ in range(300):  # polled again after its interval
            if site.hits["/rss.xml"] >= 2:
                break
            await asyncio.sleep(0.1)
        assert site.hits["/rss.xml"] >= 2
        assert (await _status(sessionmaker, feed.id)).items_seen == 1
    finally:
        await poller.stop()
    assert not poller.holding


async def test_one_request_at_a_time_per_host(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    urls = []
    for n in range(4):
        one = story(10 + n)
        site.put(f"/p{n}.html", article_page(one.title, one.text), "text/html", delay=0.1)
        items = [Item(None, site.url(f"/p{n}.html"), one.title)]
        urls.append(site.put(f"/f{n}.xml", rss(items), delay=0.1))
    for url in urls:
        await _add(sessionmaker, url)
    reports = await make_poller(concurrency=4).poll_due()
    assert len(reports) == 4 and sum(r.stored for r in reports) == 4
    assert site.max_inflight == 1


async def test_next_poll_after_failures_backs_off(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    feed = await _add(sessionmaker, site.url("/missing.xml"))
    poller = make_poller(interval=60.0)
    waits = []
    for _ in range(3):
        report = await poller.poll_feed(await _feed(sessionmaker, feed.id))
        assert report.error is not None and "404" in report.error
        status = await _status(sessionmaker, feed.id)
        assert status.last_poll_at is not None
        waits.append((status.next_poll_at - status.last_poll_at).total_seconds())
    assert [round(w) for w in waits] == [120, 240, 480]
    assert (await _status(sessionmaker, feed.id)).failures == 3

    one = story(20)
    site.put("/missing.xml", rss([Item("g", site.url("/x"), one.title, full_text=one.text)]))
    report = await poller.poll_feed(await _feed(sessionmaker, feed.id))
    status = await _status(sessionmaker, feed.id)
    assert report.error is None and status.failures == 0 and status.last_error is None
    assert round((status.next_poll_at - status.last_poll_at).total_seconds()) == 60  # type: ignore[operator]


async def test_due_feeds_only(sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make) -> None:
    async with sessionmaker() as session:
        early, _ = await store.add_feed(session, "http://127.0.0.1:9/a")
        later, _ = await store.add_feed(session, "http://127.0.0.1:9/b")
        await session.execute(
            update(Feed).where(Feed.id == later).values(next_poll_at=datetime.now(UTC) + timedelta(hours=1))
        )
        await session.commit()
        due = await store.due_feeds(session, datetime.now(UTC))
    assert [f.id for f in due] == [early]
