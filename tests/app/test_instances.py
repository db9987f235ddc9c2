"""Two instances in webhook mode behind one "load balancer": one base (SQLite file or PostgreSQL schema),
one Redis, one fake Telegram; updates go alternately to A and B, as a balancer would send them.

A forward on A is found on B at once; paging, card buttons and /export work on the other instance;
a burst of 50 forwards spread over both stores each article once; flood control counts both; /healthz.
Also an instance whose Redis is down: still answers, in Russian, and /healthz says why it is unwell.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from app.middlewares import THROTTLED_TEXT
from bot import app_context, build_dispatcher, make_webhook_app
from db.models import Article
from handlers.errors import OUTAGE
from tests.botapp import make_settings
from tests.conftest import pg_schema_url, redis_db_url
from tests.fake_telegram import FakeTelegram
from tests.intake.test_fairness import SHORT
from tests.intake.test_load import article

pytestmark = pytest.mark.asyncio(loop_scope="module")

SECRET = "two-instances-secret"
PATH = "/tg/webhook"
DEAD_REDIS = "redis://127.0.0.1:1/0"
_users = itertools.count(50_000)


@dataclass
class Instance:
    bot: Bot
    dp: Dispatcher
    server: TestServer

    def url(self, path: str = PATH) -> str:
        return str(self.server.make_url(path))


@dataclass
class Cluster:
    fake: FakeTelegram
    instances: list[Instance]
    http: ClientSession
    turn: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def sessionmaker(self) -> Any:
        return self.instances[0].dp["sessionmaker"]

    async def deliver(self, to: int | None = None) -> None:
        """POST every queued update to an instance: `to`, or A and B in turn (a round-robin balancer)."""
        for update in self.fake.take_updates():
            target = self.instances[to if to is not None else next(self.turn) % len(self.instances)]
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with self.http.post(target.url(), json=update, headers=headers) as resp:
                assert resp.status == 200, await resp.text()

    async def articles_of(self, user: int) -> tuple[int, int]:
        """(articles stored from `user`, distinct texts among them)."""
        table = Article.__table__
        query = select(func.count(), func.count(func.distinct(table.c.text))).where(table.c.sent_by == user)
        async with self.sessionmaker() as session:
            total, distinct = (await session.execute(query)).one()
        return int(total), int(distinct)


@dataclass
class Booted:
    instances: list[Instance]
    stack: list[Any]


async def _serve(bot: Bot, dp: Dispatcher, settings: Any) -> Instance:
    server = TestServer(make_webhook_app(bot, dp, settings), host="127.0.0.1", port=0)
    await server.start_server()
    return Instance(bot, dp, server)


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgresql"])
async def cluster(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    no_seeds = tmp_path_factory.mktemp("no-seeds")  # only what the tests send; quick starts
    async with redis_db_url(15) as redis_url:
        if request.param == "sqlite":
            async for running in _cluster(f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('two') / 'a.db'}",
                                          redis_url, no_seeds):  # fmt: skip
                yield running
            return
        async with pg_schema_url("t_two") as db_url:
            async for running in _cluster(db_url, redis_url, no_seeds):
                yield running


async def _cluster(db_url: str, redis_url: str, seeds: Path) -> AsyncIterator[Cluster]:
    async with FakeTelegram() as fake, ClientSession() as http:
        options = {
            "seeds_dir": seeds,
            "redis_url": redis_url,
            "redis_prefix": f"t{uuid.uuid4().hex[:8]}:",
            "webhook_secret": SECRET,
            "webhook_path": PATH,
        }
        settings = make_settings(fake, db_url, **options)
        # one after the other, as a deployment rolls out (both would seed an empty base otherwise)
        async with app_context(settings) as (bot_a, dp_a), app_context(settings) as (bot_b, dp_b):
            a, b = await _serve(bot_a, dp_a, settings), await _serve(bot_b, dp_b, settings)
            try:
                yield Cluster(fake, [a, b], http)
            finally:
                await a.server.close()
                await b.server.close()


async def test_both_instances_are_healthy(cluster: Cluster) -> None:
    for instance in cluster.instances:
        async with cluster.http.get(instance.url("/healthz")) as resp:
            assert resp.status == 200
            assert await resp.json() == {"status": "ok"}


async def test_a_forward_on_one_instance_is_found_on_the_other_at_once(cluster: Cluster) -> None:
    uid = next(_users)
    await cluster.fake.send_command(uid, "/partner Днепровский мост")
    await cluster.deliver(to=1)
    [unknown] = await cluster.fake.wait_for(uid, timeout=30)
    assert "Не нашёл партнёра" in unknown.text  # B's name index is built, without this partner

    await cluster.fake.send_text(uid, SHORT, forward_date=datetime(2024, 3, 1, tzinfo=UTC))
    await cluster.deliver(to=0)
    [stored] = await cluster.fake.wait_for(uid, timeout=60)
    assert "Нашёл соглашений: 1" in stored.text

    await cluster.fake.send_command(uid, "/partner Днепровский мост")
    await cluster.deliver(to=1)
    [found] = await cluster.fake.wait_for(uid, timeout=30)
    assert "Днепровский мост" in found.text and "Смоленская область" in found.text, found.text


def _answered(texts: list[str]) -> int:
    """Articles answered in these messages: a summary counts its articles, a lone answer one."""
    count = 0
    for text in texts:
        summary = re.search(r"Прочитал (\d+) стат", text)
        if summary:
            count += int(summary.group(1))
        elif text.startswith("Нашёл соглашений") or "Сохранил в базу" in text:
            count += 1
    return count


async def test_a_burst_of_50_forwards_spread_over_both_stores_each_article_once(cluster: Cluster) -> None:
    uid = next(_users)
    when = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    for i in range(50):  # Telegram delivers a multi-forward within milliseconds
        await cluster.fake.send_text(uid, article(i)[0], forward_date=when)
        await cluster.deliver()
    texts: list[str] = []
    while _answered(texts) < 50:
        [reply] = await cluster.fake.wait_for(uid, timeout=180)
        texts.append(reply.text or "")
    assert _answered(texts) == 50  # every article answered, none twice
    assert await cluster.articles_of(uid) == (50, 50)  # every article stored, once
    assert THROTTLED_TEXT not in texts  # flood control never touched the articles
    summaries = [t for t in texts if "Прочитал" in t]
    assert 1 <= len(summaries) <= 4, texts  # a summary per instance's part, not a message per post


async def _lookup_pages(cluster: Cluster, uid: int) -> Any:
    when = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    for i in range(0, 50, 5):  # ten agreements with «Северный ветер» (already known after the burst)
        await cluster.fake.send_text(uid, article(i)[0], forward_date=when)
        await cluster.deliver()
    texts: list[str] = []
    while _answered(texts) < 10:
        [reply] = await cluster.fake.wait_for(uid, timeout=120)
        texts.append(reply.text or "")
    # a colon keeps the query out of the button's data: the button holds a key into the shared store
    await cluster.fake.send_command(uid, "/partner ООО: «Северный ветер»")
    await cluster.deliver(to=0)
    [first] = await cluster.fake.wait_for(uid, timeout=30)
    return first


async def test_paging_card_buttons_and_export_work_on_the_other_instance(cluster: Cluster) -> None:
    uid = next(_users)
    first = await _lookup_pages(cluster, uid)
    assert "Показаны 1–5 из 10" in first.text, first.text
    [more] = [d for t, d in first.buttons if t == "Дальше »"]
    assert "#" in more  # the query itself is in Redis, put there by A

    await cluster.fake.press_button(uid, first, more)
    await cluster.deliver(to=1)
    [second] = await cluster.fake.wait_for(uid, timeout=30)
    assert "Показаны 6–10 из 10" in second.text, second.text

    card = next(d for _, d in first.buttons if d.startswith("ag:"))
    await cluster.fake.press_button(uid, first, card)
    await cluster.deliver(to=1)
    [full] = await cluster.fake.wait_for(uid, timeout=30)
    assert "Северный ветер" in full.text and "Неверно?" in [t for t, _ in full.buttons]

    await cluster.fake.send_command(uid, "/partner ООО: «Северный ветер»")  # last result set on A...
    await cluster.deliver(to=0)
    await cluster.fake.wait_for(uid, timeout=30)
    await cluster.fake.send_command(uid, "/export")  # ...exported by B
    await cluster.deliver(to=1)
    [doc] = await cluster.fake.wait_for(uid, "sendDocument", timeout=30)
    [data] = doc.files.values()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 10 and all("Северный ветер" in row[7] for row in rows[1:])


async def test_an_update_delivered_again_to_the_other_instance_is_handled_once(cluster: Cluster) -> None:
    uid = next(_users)
    await cluster.fake.send_text(uid, article(3)[0] + " Повтор доставки.", forward_date=datetime(2024, 3, 2, tzinfo=UTC))
    [update] = cluster.fake.take_updates()
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    for instance in (*cluster.instances, cluster.instances[0]):  # Telegram retried: A, then B, then A
        async with cluster.http.post(instance.url(), json=update, headers=headers) as resp:
            assert resp.status == 200
    [answer] = await cluster.fake.wait_for(uid, timeout=60)
    assert "Нашёл соглашений: 1" in answer.text
    with pytest.raises(AssertionError):  # no second answer
        await cluster.fake.wait_for(uid, timeout=2)
    assert await cluster.articles_of(uid) == (1, 1)


async def test_flood_control_counts_the_commands_sent_to_both(cluster: Cluster) -> None:
    uid = next(_users)
    for i in range(10):
        await cluster.fake.send_command(uid, f"/agreement {900_000_000 + i}")
    await cluster.deliver()  # five to A, five to B: each alone would let all of them pass
    replies = await cluster.fake.wait_for(uid, count=6, timeout=30)
    texts = [c.text for c in replies]
    assert texts.count(THROTTLED_TEXT) == 1
    with pytest.raises(AssertionError):  # the rest were dropped (a burst of 5, one more refilled)
        await cluster.fake.wait_for(uid, count=2, timeout=1.5)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cut_off(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    """One instance whose Redis does not answer (nothing listens on its port)."""
    db_url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('cut') / 'a.db'}"
    async with FakeTelegram() as fake, ClientSession() as http:
        options = {
            "seeds_dir": tmp_path_factory.mktemp("no-seeds"),
            "redis_url": DEAD_REDIS,
            "webhook_secret": SECRET,
            "webhook_path": PATH,
        }
        settings = make_settings(fake, db_url, **options)
        async with app_context(settings) as (bot, dp):
            instance = await _serve(bot, dp, settings)
            try:
                yield Cluster(fake, [instance], http)
            finally:
                await instance.server.close()


async def test_without_redis_an_instance_still_answers_in_russian_and_says_it_is_unwell(
    cut_off: Cluster,
) -> None:
    async with cut_off.http.get(cut_off.instances[0].url("/healthz")) as resp:
        assert resp.status == 503
        body = await resp.json()
    assert body["status"] == "unavailable" and body["reason"].startswith("redis:")

    uid = next(_users)
    await cut_off.fake.send_text(uid, SHORT, forward_date=datetime(2024, 3, 1, tzinfo=UTC))
    await cut_off.deliver()
    [stored] = await cut_off.fake.wait_for(uid, timeout=60)
    assert "Нашёл соглашений: 1" in stored.text  # articles are read and stored all the same
    assert await cut_off.articles_of(uid) == (1, 1)

    await cut_off.fake.send_command(uid, "/partner Днепровский мост")  # flood control lets it pass
    await cut_off.deliver()
    [found] = await cut_off.fake.wait_for(uid, timeout=30)
    assert "Смоленская область" in found.text

    await cut_off.fake.send_command(uid, "/export")  # the last result lives in Redis: a clear answer
    await cut_off.deliver()
    [outage] = await cut_off.fake.wait_for(uid, timeout=30)
    assert outage.text == OUTAGE


async def test_healthz_reports_a_database_that_does_not_answer(tmp_path: Path) -> None:
    from db.engine import make_engine, make_sessionmaker

    async with FakeTelegram() as fake:
        settings = make_settings(fake, "sqlite+aiosqlite:///unused.db")
        dp = build_dispatcher(settings)
        engine = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")  # nothing listens there
        dp["sessionmaker"] = make_sessionmaker(engine)
        server = TestServer(make_webhook_app(fake.make_bot(), dp, settings), host="127.0.0.1", port=0)
        await server.start_server()
        try:
            async with ClientSession() as http, http.get(str(server.make_url("/healthz"))) as resp:
                assert resp.status == 503
                assert (await resp.json())["reason"].startswith("database:")
        finally:
            await server.close()
            await engine.dispose()
