"""The poller lock: in-process default, and a PostgreSQL advisory lock across instances."""

from __future__ import annotations

import asyncio
import uuid

from db.engine import make_engine
from feeds.lock import LocalLock, PgAdvisoryLock, make_poller_lock
from tests.conftest import pg_schema_url


async def test_local_lock_excludes_refreshes_and_expires() -> None:
    name = f"t-{uuid.uuid4().hex}"
    first, second = LocalLock(name, ttl=0.2), LocalLock(name, ttl=0.2)
    assert await first.acquire() and not await second.acquire()
    assert await first.refresh() and not await second.refresh()
    await asyncio.sleep(0.3)  # the holder stopped refreshing: the lock is free again
    assert await second.acquire() and not await first.refresh()
    await second.release()
    assert await first.acquire()
    await first.release()
    await first.release()  # releasing twice is harmless


async def test_sqlite_gets_the_in_process_lock(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        assert isinstance(make_poller_lock(engine), LocalLock)
    finally:
        await engine.dispose()


async def test_pg_advisory_lock_one_instance_at_a_time() -> None:
    async with pg_schema_url() as url:
        one, two = make_engine(url), make_engine(url)  # two bot instances on one base
        try:
            first, second = make_poller_lock(one), make_poller_lock(two)
            assert isinstance(first, PgAdvisoryLock)
            assert await first.acquire()
            assert not await second.acquire()
            assert await first.refresh() and not await second.refresh()
            await first.release()
            assert not await first.refresh()
            assert await second.acquire()
            # the holder dies (its connections close): the lock is free at once, no TTL to wait out
            await second._drop()
            assert await first.acquire()
            await first.release()
        finally:
            await one.dispose()
            await two.dispose()


async def test_pg_lock_is_per_schema() -> None:
    async with pg_schema_url() as url_a, pg_schema_url() as url_b:
        a, b = make_engine(url_a), make_engine(url_b)
        try:
            first, second = PgAdvisoryLock(a), PgAdvisoryLock(b)
            assert await first.acquire() and await second.acquire()  # other bases don't block
            await first.release()
            await second.release()
        finally:
            await a.dispose()
            await b.dispose()


async def test_two_instances_on_postgresql_one_polls(site, fetcher) -> None:  # type: ignore[no-untyped-def]
    from db import feeds as store
    from db.engine import make_sessionmaker
    from db.migrate import upgrade
    from feeds.poller import FeedPoller, PollerSettings
    from tests.feeds.conftest import store_with
    from tests.feeds.samples import Item, rss, story

    one = story(40)
    url = site.put("/rss.xml", rss([Item("g", site.url("/n"), one.title, full_text=one.text)]))
    async with pg_schema_url() as db_url:
        engines = [make_engine(db_url), make_engine(db_url)]
        pollers: list[FeedPoller] = []
        try:
            await upgrade(engines[0])
            for engine in engines:
                sm = make_sessionmaker(engine)
                pollers.append(
                    FeedPoller(
                        sm, fetcher, store_with(sm), lock=make_poller_lock(engine),
                        settings=PollerSettings(interval=0.3, lock_refresh=0.2, jitter=0.0),
                    )
                )  # fmt: skip
            async with make_sessionmaker(engines[0])() as session:
                feed_id, _ = await store.add_feed(session, url)
            for poller in pollers:
                poller.start()
            for _ in range(300):
                if max(p.polls for p in pollers) >= 3:
                    break
                await asyncio.sleep(0.1)
            assert [p.holding for p in pollers].count(True) == 1
            holder = next(p for p in pollers if p.holding)
            other = next(p for p in pollers if not p.holding)
            assert holder.polls >= 3 and other.polls == 0
            await holder.stop()  # the holder shuts down: the other takes over
            for _ in range(300):
                if other.polls:
                    break
                await asyncio.sleep(0.1)
            assert other.holding and other.polls >= 1
            async with make_sessionmaker(engines[0])() as session:
                [status] = [f for f in await store.list_feeds(session) if f.id == feed_id]
            assert status.items_seen == 1 and status.agreements_found == 1
        finally:
            for poller in pollers:
                await poller.stop()
            for engine in engines:
                await engine.dispose()
