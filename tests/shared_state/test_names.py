"""A partner stored through one instance's engine is in every other instance's name index at once
(Redis pub/sub), on SQLite (two engines on one file) and PostgreSQL; without it, only after 30 s."""

from __future__ import annotations

import asyncio

from db import cache
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade
from db.read import names
from db.write.ingest import ingest
from db.write.store import ArticleIn
from shared_state import open_shared_state
from tests.db.helpers import make_agreement


async def _partner_known(sessionmaker, name: str) -> bool:  # type: ignore[no-untyped-def]
    async with sessionmaker() as session:
        index = await names.partner_index(session)
    return bool(names.match(index, name, names.org_key).targets)


async def test_a_new_partner_reaches_the_other_instance_at_once(db_url: str, redis_url: str) -> None:
    engine_a, engine_b, engine_c = make_engine(db_url), make_engine(db_url), make_engine(db_url)
    shared_a, shared_b = open_shared_state(redis_url, "t:"), open_shared_state(redis_url, "t:")
    try:
        await upgrade(engine_a)
        await shared_a.sync_names(engine_a)
        await shared_b.sync_names(engine_b)
        a, b, c = make_sessionmaker(engine_a), make_sessionmaker(engine_b), make_sessionmaker(engine_c)
        # every instance has its index cached before the change (as after warm_up_lookups)
        for sessionmaker in (a, b, c):
            assert not await _partner_known(sessionmaker, "Северный ветер")

        async with a() as session:
            await ingest(
                session,
                ArticleIn("Правительство Тульской области и ООО «Северный ветер» подписали соглашение."),
                [make_agreement(["Тульская область"], ["ООО «Северный ветер»"])],
            )
        assert await _partner_known(a, "Северный ветер")  # the writer's own cache, as before

        for _ in range(100):  # the message takes a moment to arrive
            if await _partner_known(b, "Северный ветер"):
                break
            await asyncio.sleep(0.01)
        assert await _partner_known(b, "Северный ветер")
        assert not await _partner_known(c, "Северный ветер")  # not listening: stale up to MAX_AGE_S
        assert shared_b._syncs[0].received >= 1 and shared_a._syncs[0].received == 0  # no echo
    finally:
        await shared_a.close()
        await shared_b.close()
        for engine in (engine_a, engine_b, engine_c):
            await engine.dispose()


async def test_after_close_no_more_announcements(db_url: str, redis_url: str) -> None:
    engine = make_engine(db_url)
    shared = open_shared_state(redis_url, "t:")
    try:
        await shared.sync_names(engine)
        sync = shared._syncs[0]
        pubsub = shared.redis.pubsub()  # type: ignore[union-attr]
        await pubsub.subscribe("t:names-changed")
        await pubsub.get_message(timeout=1.0)  # the subscription's confirmation
        cache.invalidate(engine)
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=2.0)
        assert message is not None and message["data"].decode() == sync.instance
        await sync.close()
        cache.invalidate(engine)
        assert await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.3) is None
        await pubsub.aclose()
    finally:
        await shared.close()
        await engine.dispose()


async def test_a_lost_channel_is_rejoined_and_what_was_missed_is_dropped(db_url: str, redis_url: str) -> None:
    from redis.asyncio import Redis

    from shared_state import SharedState

    name = f"t-names-{id(db_url)}"
    engine_a, engine_b = make_engine(db_url), make_engine(db_url)
    shared_a = open_shared_state(redis_url, "t:")
    shared_b = SharedState(Redis.from_url(redis_url, client_name=name), "t:")
    admin = Redis.from_url(redis_url)
    try:
        await upgrade(engine_a)
        await shared_b.sync_names(engine_b)
        shared_b._syncs[0].retry_delay = 0.2
        a, b = make_sessionmaker(engine_a), make_sessionmaker(engine_b)
        assert not await _partner_known(b, "Южный берег")
        # only this test's own connections are cut: the Redis server is shared
        for client in await admin.client_list():
            if client.get("name") == name:
                await admin.client_kill_filter(_id=client["id"])
        async with a() as session:  # stored while B is not listening (A does not announce it here)
            await ingest(
                session,
                ArticleIn("Правительство Курской области и ООО «Южный берег» подписали соглашение."),
                [make_agreement(["Курская область"], ["ООО «Южный берег»"])],
            )
        for _ in range(300):
            if await _partner_known(b, "Южный берег"):
                break
            await asyncio.sleep(0.01)
        assert await _partner_known(b, "Южный берег")  # rejoining dropped B's possibly stale index
    finally:
        await admin.aclose()
        await shared_a.close()
        await shared_b.close()
        for engine in (engine_a, engine_b):
            await engine.dispose()
