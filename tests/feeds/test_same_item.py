"""A feed that changes each item's guid on every poll: the same item is known by its link, else by its
text — no new item row, no new extraction, /feeds counts stay right. Items sharing one link are still
told apart by their text."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import feeds as store
from db.models.feeds import FeedItem
from db.write.ingest import ArticleIn, IngestResult
from feeds.poller import FeedPoller
from tests.feeds.conftest import store_with
from tests.feeds.samples import Item, rss, story
from tests.feeds.site import FeedSite

Make = Callable[..., FeedPoller]


async def _feed(sessionmaker: async_sessionmaker[AsyncSession], url: str) -> int:
    async with sessionmaker() as session:
        feed_id, _ = await store.add_feed(session, url)
    return feed_id


async def _poll(sessionmaker: async_sessionmaker[AsyncSession], poller: FeedPoller, feed_id: int):  # type: ignore[no-untyped-def]
    async with sessionmaker() as session:
        feed = await store.get_feed(session, feed_id)
    assert feed is not None
    return await poller.poll_feed(feed)


async def _rows(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(FeedItem))).scalar_one())


def _counting(sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make) -> tuple[FeedPoller, list[str]]:
    """A poller whose ingest (extraction included) notes every article it is handed."""
    seen: list[str] = []
    real = store_with(sessionmaker)

    async def ingest(article: ArticleIn) -> IngestResult:
        seen.append(article.url or article.text[:40])
        return await real(article)

    poller = make_poller()
    poller.ingest = ingest
    return poller, seen


async def test_changing_guids_are_the_same_items(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    linked, unlinked = story(70), story(71)

    def copy(poll: int) -> bytes:
        return rss([
            Item(f"a-{poll}", site.url("/n/a"), linked.title, full_text=linked.text),
            Item(f"b-{poll}", None, unlinked.title, full_text=unlinked.text),  # no link: known by its text
        ])  # fmt: skip

    feed_id = await _feed(sessionmaker, site.put("/rss.xml", copy(1)))
    poller, ingested = _counting(sessionmaker, make_poller)
    first = await _poll(sessionmaker, poller, feed_id)
    assert (first.new_items, first.stored) == (2, 2) and len(ingested) == 2
    for poll in (2, 3):
        site.put("/rss.xml", copy(poll))
        report = await _poll(sessionmaker, poller, feed_id)
        assert report.items_in_feed == 2 and report.new_items == 0 and report.stored == 0
    assert len(ingested) == 2 and await _rows(sessionmaker) == 2  # no new row, no new extraction
    async with sessionmaker() as session:
        [status] = [f for f in await store.list_feeds(session) if f.id == feed_id]
    assert (status.items_seen, status.agreements_found) == (2, 2)


async def test_items_sharing_one_link_are_told_apart_by_their_text(
    site: FeedSite, sessionmaker: async_sessionmaker[AsyncSession], make_poller: Make
) -> None:
    one, two = story(72), story(73)
    home = site.url("/")  # a feed whose every item links to the front page
    items = [Item("x-1", home, one.title, full_text=one.text)]
    feed_id = await _feed(sessionmaker, site.put("/rss.xml", rss(items)))
    poller, ingested = _counting(sessionmaker, make_poller)
    assert (await _poll(sessionmaker, poller, feed_id)).stored == 1
    both = [Item("x-2", home, two.title, full_text=two.text), Item("x-1b", home, one.title, full_text=one.text)]
    site.put("/rss.xml", rss(both))
    report = await _poll(sessionmaker, poller, feed_id)
    assert report.new_items == 1  # the new one is read; the old one is known by its text
    assert len(ingested) == 2 and await _rows(sessionmaker) == 2
