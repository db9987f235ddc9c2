"""Feed rows for the poller tests: add a feed, read it back, its /feeds status."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import feeds as store


async def add(sessionmaker: async_sessionmaker[AsyncSession], url: str) -> store.FeedRow:
    """A new feed, due at once."""
    async with sessionmaker() as session:
        feed_id, created = await store.add_feed(session, url)
        assert created
    return await row(sessionmaker, feed_id)


async def row(sessionmaker: async_sessionmaker[AsyncSession], feed_id: int) -> store.FeedRow:
    """The feed as the poller reads it now (validators, failures)."""
    async with sessionmaker() as session:
        feed = await store.get_feed(session, feed_id)
    assert feed is not None
    return feed


async def status(sessionmaker: async_sessionmaker[AsyncSession], feed_id: int) -> store.FeedStatus:
    """The feed as /feeds shows it."""
    async with sessionmaker() as session:
        return next(f for f in await store.list_feeds(session) if f.id == feed_id)
