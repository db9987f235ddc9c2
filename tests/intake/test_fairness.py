"""Bursts and fairness: a forward of many posts loses none and gets one summary; one user flooding
with long documents neither starves others nor gets more than their share of the queue."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from app.middlewares import THROTTLED_TEXT
from db.models import Article
from tests.botapp import ROOT, App, start_app
from tests.intake.test_load import article

pytestmark = pytest.mark.asyncio(loop_scope="module")

SHARE = 30  # articles one user may have queued here
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
SHORT = (
    "Правительство Смоленской области и АО «Днепровский мост» подписали соглашение о строительстве "
    "моста через Днепр. Документ подписали губернатор Смоленской области Василий Анохин и генеральный "
    "директор АО «Днепровский мост» Олег Кравцов."
)


def long_document(n: int) -> bytes:
    """A long document (~24,000 characters of real news), different for each `n`."""
    order = SEED_TEXTS[n % len(SEED_TEXTS) :] + SEED_TEXTS[: n % len(SEED_TEXTS)]
    return (f"Подборка новостей №{n}\n\n" + "\n\n".join(order)).encode("utf-8")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fair') / 'agreements.db'}"
    options = {"queue_per_user": SHARE, "burst_progress_interval": 0.5, "extract_workers": 1}
    async for running in start_app(url, **options):
        yield running


async def _ids(app: App, user: int) -> list[int]:
    """Ids of a user's stored articles, in the order they were stored (ids are never reused)."""
    table = Article.__table__
    async with app.sessionmaker() as session:
        rows = await session.execute(select(table.c.id).where(table.c.sent_by == user).order_by(table.c.id))
        return [int(i) for i in rows.scalars()]


async def _articles(app: App, user: int | None = None) -> int:
    table = Article.__table__
    query = select(func.count()).select_from(table)
    if user is not None:
        query = query.where(table.c.sent_by == user)
    async with app.sessionmaker() as session:
        return int((await session.execute(query)).scalar_one())


async def test_a_forward_of_eight_posts_loses_none_and_gets_one_summary(app: App, uid: int) -> None:
    before = await _articles(app)
    when = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    posts = [article(i) for i in range(8)]
    for text, _ in posts:  # Telegram delivers a multi-forward within milliseconds
        await app.fake.send_text(uid, text, forward_date=when)
    [summary] = await app.fake.wait_for(
        uid, timeout=90, predicate=lambda c: "Прочитал 8 статей" in (c.text or "")
    )
    assert await _articles(app) == before + 8
    for _, region in posts:
        assert region in summary.text
    assert summary.text.count("соглашений: 1") == 8  # a line per post
    sent = app.fake.calls_for(uid, "sendMessage")
    assert THROTTLED_TEXT not in [c.text for c in sent]  # flood control never touched the articles
    # the first message is the progress message (how many it counts depends on when the burst opened)
    assert re.match(r"Принял \d+ стат\w+\. Читаю по очереди", sent[0].text or ""), sent[0].text
    assert len(sent) <= 3  # the progress message and the summary, not one message per post
    [progress] = [m for m in app.fake.messages(uid) if m["message_id"] == sent[0].result["message_id"]]
    assert "Прочитал все статьи (8)" in progress["text"]
    card_buttons = [d for _, d in summary.buttons if d.startswith("ag:")]
    assert len(card_buttons) == 8


async def test_commands_are_still_throttled(app: App, uid: int) -> None:
    for i in range(20):
        await app.fake.send_command(uid, f"/agreement {i + 1_000_000}")
    await app.fake.wait_for(uid, count=6, timeout=15)
    texts = [c.text for c in app.fake.calls_for(uid, "sendMessage")]
    assert texts.count(THROTTLED_TEXT) == 1 and len(texts) < 20


async def test_one_user_flooding_neither_starves_others_nor_exceeds_a_share(app: App, uid: int) -> None:
    flooder, other, asker = uid, uid + 1, uid + 2
    for n in range(SHARE + 3):
        await app.fake.send_document(flooder, long_document(n), f"подборка-{n:02d}.txt")
    # the three over the share are refused at once, each named, none stored
    [refusal] = await app.fake.wait_for(
        flooder, timeout=30, predicate=lambda c: "Не принял" in (c.text or "")
    )
    assert "Не принял 3 статьи" in refusal.text and f"у вас уже {SHARE} статей в очереди" in refusal.text
    assert all(f"подборка-{n:02d}.txt" in refusal.text for n in range(SHARE, SHARE + 3))
    assert "подборка-00.txt" not in refusal.text

    read_before = set(await _ids(app, flooder))
    sent = time.monotonic()
    await app.fake.send_text(other, SHORT)
    [answer] = await app.fake.wait_for(other, timeout=30)
    waited = answer.at - sent
    assert "Смоленская область" in answer.text
    assert waited < 5.0, f"another user's short article waited {waited:.1f} s"
    # served in turn: stored after the flooder's documents already in hand (one being extracted, one
    # fetched or stored beside it), not after the flooder's queue. Counted by the order of storing,
    # not by the clock: the flooder's next documents are read while the answer is being sent.
    [other_id] = await _ids(app, other)
    stored_first = [i for i in await _ids(app, flooder) if i not in read_before and i < other_id]
    assert len(stored_first) <= 2, f"{len(stored_first)} of the flooder's documents were read first"

    sent = time.monotonic()
    await app.fake.send_command(asker, "/region Калужская")
    [found] = await app.fake.wait_for(asker, timeout=10)
    assert "Калужская область" in found.text
    assert found.at - sent < 2.0  # lookups stay fast meanwhile

    [summary] = await app.fake.wait_for(
        flooder, timeout=240, predicate=lambda c: f"Прочитал {SHARE} статей" in (c.text or "")
    )
    assert "Не принял ещё 3 статьи" in summary.text
    assert await _articles(app, flooder) == SHARE  # every accepted one read and stored, no more
