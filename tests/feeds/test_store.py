"""Feeds in the base: migration 0004, add/list/remove, and items remembered per feed."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db import feed_items
from db import feeds as store
from db.migrate import downgrade, upgrade
from db.models.feeds import ITEM_FAILED, ITEM_STORED
from db.moderation import hide
from db.write.ingest import ArticleIn, ingest
from tests.db.helpers import make_agreement


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_migration_0004_up_down_up(engine: AsyncEngine) -> None:
    assert {"feed", "feed_item"} <= await _tables(engine)
    await downgrade(engine, "0003")
    assert not {"feed", "feed_item"} & await _tables(engine)
    await upgrade(engine)
    assert {"feed", "feed_item"} <= await _tables(engine)


async def test_add_list_remove(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        first, created = await store.add_feed(session, "https://a.example/rss", title="A", added_by=1)
        again, created_again = await store.add_feed(session, "https://a.example/rss")
        second, _ = await store.add_feed(session, "https://b.example/rss")
        assert created and not created_again and again == first and second > first
        article = await ingest(session, ArticleIn(text="Статья о соглашении. " * 10, url="https://a.example/1"),
                               [make_agreement()])  # fmt: skip
        key = store.item_key("guid-1")
        await feed_items.record_item(
            session, first, key, link="https://a.example/1", status=ITEM_STORED, article_id=article.article_id
        )
        await feed_items.record_item(session, first, key, link="x", status=ITEM_FAILED)  # once, ever
        other = store.item_key("other")
        found = await feed_items.known_items(
            session, first, [feed_items.ItemKeys(key, None, None), feed_items.ItemKeys(other, None, None)]
        )
        assert [(k.key, k.status) if k else None for k in found] == [(key, ITEM_STORED), None]
        assert await feed_items.known_items(session, second, [feed_items.ItemKeys(key, None, None)]) == [None]
        listed = {f.id: f for f in await store.list_feeds(session)}
        assert (listed[first].items_seen, listed[first].agreements_found) == (1, 1)
        assert listed[first].title == "A" and listed[second].items_seen == 0

        await hide(session, article.agreements[0].id, admin_id=1)  # hidden agreements are not counted as found
        listed = {f.id: f for f in await store.list_feeds(session)}
        assert listed[first].agreements_found == 0

        assert await store.remove_feed(session, first) == "https://a.example/rss"
        assert await store.remove_feed(session, first) is None
        assert await store.get_feed(session, first) is None
        assert await store.get_feed(session, 2**40) is None  # beyond any id: simply not found
        assert [f.id for f in await store.list_feeds(session)] == [second]
        third, _ = await store.add_feed(session, "https://c.example/rss")
        assert third > second  # a removed feed's number is never handed out again
