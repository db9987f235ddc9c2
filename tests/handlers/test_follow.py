"""Subscriptions, alerts and inline mode end to end: the real bot against the fake Bot API.

A user follows a region; another user pastes a new article about it; the follower is alerted once
(the sender never), and /region answers with the agreement. Blocked users are paused, Telegram's 429
is waited out, an article with many agreements still makes one valid message, inline queries give
agreements or a helpful result.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from db import follows
from db.models.follows import BLOCKED, PENDING, SENT, AlertOutbox
from db.write.ingest import ArticleIn, ingest
from tests.botapp import App, start_app
from tests.db.helpers import make_agreement

pytestmark = pytest.mark.asyncio(loop_scope="module")

KALUGA = (
    "Правительство Калужской области и ООО «Светлый луч» подписали соглашение о строительстве завода "
    "солнечных панелей. Документ подписали губернатор Калужской области Владислав Шапша и генеральный "
    "директор ООО «Светлый луч» Андрей Морозов. Инвестиции составят 3 млрд рублей."
)
ALERT = "по вашей подписке"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    """The bot with no seeds and a fast alert pace (the per-chat pause stays one second)."""
    path = tmp_path_factory.mktemp("follow") / "agreements.db"
    options = {
        "seeds_dir": tmp_path_factory.mktemp("no-seeds"),
        "alerts_poll_interval": 0.2,
        "throttle_burst": 20,  # throttling stays on: inline queries must pass it
    }
    async for running in start_app(f"sqlite+aiosqlite:///{path}", **options):
        yield running


def _alerts(app: App, user: int) -> list[Any]:
    return [c for c in app.fake.calls_for(user, "sendMessage") if c.ok and ALERT in (c.text or "")]


async def _command(app: App, user: int, text: str, **wait: Any) -> Any:
    await app.fake.send_command(user, text)
    [reply] = await app.fake.wait_for(user, **wait)
    return reply


async def _outbox(app: App, user: int) -> list[str]:
    out = AlertOutbox.__table__
    async with app.sessionmaker() as session:
        rows = await session.execute(select(out.c.status).where(out.c.user_id == user).order_by(out.c.id))
        return list(rows.scalars())


async def _store(app: App, text: str, agreements: list[Any], sent_by: int | None = None) -> Any:
    """An article as the common ingest stores it (the path feed items take too)."""
    async with app.sessionmaker() as session:
        result = await ingest(session, ArticleIn(text, sent_by=sent_by), agreements)
    app.dp["alert_sender"].wake()
    return result


async def test_follower_is_alerted_once_and_the_sender_never(app: App, uid: int) -> None:
    follower, sender, bystander = uid, uid + 50_000, uid + 60_000
    reply = await _command(app, follower, "/follow Калуга")
    assert "подписал вас на регион «Калужская область»" in reply.text
    reply = await _command(app, sender, "/follow Калужская")  # the sender follows it too
    assert "Калужская область" in reply.text
    await _command(app, bystander, "/follow Тульская")

    await app.fake.send_text(sender, KALUGA)
    [answer] = await app.fake.wait_for(sender, timeout=60)
    assert "Нашёл соглашений: 1" in answer.text
    [alert] = await app.fake.wait_for(follower, timeout=10, predicate=lambda c: ALERT in (c.text or ""))
    assert "Новое соглашение по вашей подписке" in alert.text
    assert "Калужская область" in alert.text and "Светлый луч" in alert.text
    assert alert.buttons and alert.buttons[0][0].endswith("подробнее")
    await asyncio.sleep(1.5)  # a second alert would come within the sender's next rounds
    assert len(_alerts(app, follower)) == 1
    assert _alerts(app, sender) == [] and _alerts(app, bystander) == []
    assert await _outbox(app, follower) == [SENT] and await _outbox(app, sender) == []

    reply = await _command(app, follower, "/region Калужская")
    assert "Светлый луч" in reply.text

    # the same article again (another user): known, no new agreement, no second alert
    await app.fake.send_text(bystander, KALUGA)
    [again] = await app.fake.wait_for(bystander, timeout=60)
    assert "уже есть в базе" in again.text
    await asyncio.sleep(1.0)
    assert len(_alerts(app, follower)) == 1


async def test_following_lists_and_unfollows_with_a_button(app: App, uid: int) -> None:
    reply = await _command(app, uid, "/following")
    assert "ни на что не подписаны" in reply.text
    await _command(app, uid, "/follow Тверская")
    await _command(app, uid, "/follow Беларусь")
    listing = await _command(app, uid, "/following")
    assert "регион «Тверская область»" in listing.text and "страна «Беларусь»" in listing.text
    labels = [text for text, _ in listing.buttons]
    assert labels == ["Отписаться: Тверская область", "Отписаться: Беларусь"]
    await app.fake.press_button(uid, listing, text="Отписаться: Тверская область")
    [edited] = await app.fake.wait_for(uid, "editMessageText")
    assert "Тверская" not in edited.text and "Беларусь" in edited.text
    reply = await _command(app, uid, "/unfollow Беларусь")
    assert "Подписка «Беларусь» отменена." in reply.text
    reply = await _command(app, uid, "/unfollow Беларусь")
    assert "не подписаны" in reply.text
    async with app.sessionmaker() as session:
        assert await follows.following(session, uid) == []

    # unsubscribed: a new Tver agreement alerts nobody here
    await _store(app, "Статья о Твери.", [make_agreement(["Тверская область"], ["ООО «Тверской берег»"])])
    await asyncio.sleep(1.0)
    assert _alerts(app, uid) == []


async def test_follow_offers_choices_and_explains_unknown_names(app: App, uid: int) -> None:
    reply = await _command(app, uid, "/follow")
    assert "Напишите, на что подписаться" in reply.text
    reply = await _command(app, uid, "/follow Кваказябра")
    assert "Не нашёл региона, партнёра или страны «Кваказябра»" in reply.text
    await _store(
        app,
        "Статья о двух почтах.",
        [
            make_agreement(["Курская область"], ["Почта России"]),
            make_agreement(["Орловская область"], ["Почта Банк"], when=(2022, 1, 1)),
        ],
    )
    reply = await _command(app, uid, "/follow Почта")
    assert "подходит к нескольким" in reply.text
    assert sorted(t for t, _ in reply.buttons) == ["Почта Банк", "Почта России"]
    await app.fake.press_button(uid, reply, text="Почта России")
    [done] = await app.fake.wait_for(uid)
    assert "подписал вас на партнёра «Почта России»" in done.text
    # a misspelt name: near names, the closest first, as buttons that subscribe
    reply = await _command(app, uid, "/follow Почта Руси")
    assert "Не нашёл" in reply.text and "Возможно, вы имели в виду" in reply.text
    assert reply.buttons[0][0] == "Почта России"
    await app.fake.press_button(uid, reply, text="Почта России")
    [again] = await app.fake.wait_for(uid)
    assert "Вы уже подписаны на партнёра «Почта России»" in again.text
    await _store(app, "Ещё статья о почте.", [make_agreement(["Брянская область"], ["Почта России"])])
    [alert] = await app.fake.wait_for(uid, timeout=10, predicate=lambda c: ALERT in (c.text or ""))
    assert "Брянская область" in alert.text


async def test_blocked_user_is_paused_and_resumed(app: App, uid: int) -> None:
    await _command(app, uid, "/follow Псковская")
    app.fake.block(uid)
    await _store(app, "Псков.", [make_agreement(["Псковская область"], ["ООО «Псковский лён»"])])
    await app.fake.wait_for(uid, ok=False, timeout=10)  # the 403
    for _ in range(50):
        if await _outbox(app, uid) == [BLOCKED]:
            break
        await asyncio.sleep(0.1)
    assert await _outbox(app, uid) == [BLOCKED]
    async with app.sessionmaker() as session:
        assert [r.paused for r in await follows.following(session, uid)] == [True]
    # while paused, new agreements are not even queued for them
    await _store(app, "Псков снова.", [make_agreement(["Псковская область"], ["ООО «Псковский хлеб»"])])
    assert await _outbox(app, uid) == [BLOCKED]
    app.fake.block(uid, False)
    reply = await _command(app, uid, "/following")
    assert "Подписки снова включены" in reply.text and "приостановлена" not in reply.text
    await _store(app, "Псков в третий раз.", [make_agreement(["Псковская область"], ["ООО «Псковский сыр»"])])
    [alert] = await app.fake.wait_for(uid, timeout=10, predicate=lambda c: ALERT in (c.text or ""))
    assert "Псковский сыр" in alert.text


async def test_retry_after_is_waited_out_and_the_alert_comes_once(app: App, uid: int) -> None:
    await _command(app, uid, "/follow Омская")
    app.fake.flood_next("sendMessage", retry_after=1, chat_id=uid)
    await _store(app, "Омск.", [make_agreement(["Омская область"], ["ООО «Омский мост»"])])
    [alert] = await app.fake.wait_for(uid, timeout=15, predicate=lambda c: ALERT in (c.text or ""))
    floods = [c for c in app.fake.calls_for(uid, "sendMessage") if c.status == 429]
    assert len(floods) == 1 and alert.at - floods[0].at >= 0.9  # retry_after honoured
    await asyncio.sleep(1.0)
    assert len(_alerts(app, uid)) == 1 and await _outbox(app, uid) == [SENT]


async def test_an_article_with_many_agreements_is_one_valid_message(app: App, uid: int) -> None:
    await _command(app, uid, "/follow Рязанская")
    evidence = (
        "Стороны подписали соглашение о сотрудничестве. " + "Очень длинное доказательство & <тег>. " * 30
    )
    many = [
        make_agreement(["Рязанская область"], [f"ООО «Рязанский партнёр {n}»"], evidence=evidence)
        for n in range(40)
    ]
    result = await _store(app, "Рязань: сорок соглашений.", many)
    assert result.new_agreements == 40
    [alert] = await app.fake.wait_for(uid, timeout=10, predicate=lambda c: ALERT in (c.text or ""))
    assert "Новые соглашения по вашей подписке: 40" in alert.text
    assert "…и ещё" in alert.text and len(alert.text) <= 4096
    await asyncio.sleep(1.0)
    assert len(_alerts(app, uid)) == 1  # one message per article
    assert set(await _outbox(app, uid)) == {SENT} and len(await _outbox(app, uid)) == 40


async def test_inline_mode(app: App, uid: int) -> None:
    await _store(app, "Статья о Пензе.", [make_agreement(["Пензенская область"], ["ООО «Пензенский мёд»"])])
    query_id = await app.fake.send_inline_query(uid, "Пенза")
    [call] = await app.fake.wait_for(uid, "answerInlineQuery")
    results = app.fake.inline_answers[query_id]["results"]
    assert results and results[0]["id"].startswith("a")
    assert "Пензенский мёд" in results[0]["description"] and "Пензенская область" in results[0]["description"]
    assert "Пензенский мёд" in results[0]["input_message_content"]["message_text"]

    query_id = await app.fake.send_inline_query(uid, "")
    await app.fake.wait_for(uid, "answerInlineQuery")
    results = app.fake.inline_answers[query_id]["results"]
    assert results[0]["id"] == "help" and "регион или партнёра" in results[0]["title"]
    assert len(results) > 1  # and the newest agreements

    query_id = await app.fake.send_inline_query(uid, "ъъъ ыыы")
    await app.fake.wait_for(uid, "answerInlineQuery")
    [result] = app.fake.inline_answers[query_id]["results"]
    assert result["id"] == "none" and "Не нашёл" in result["title"]
    assert "@agreements_test_bot" in result["input_message_content"]["message_text"]

    # typed fast (more than the throttling burst): inline queries are never throttled, each is answered
    ids = [await app.fake.send_inline_query(uid, "Пенза"[: n % 5 + 1]) for n in range(30)]
    await app.fake.wait_for(uid, "answerInlineQuery", count=len(ids), timeout=15)
    assert all(i in app.fake.inline_answers for i in ids)


async def test_help_and_menu_list_the_new_commands(app: App, uid: int) -> None:
    reply = await _command(app, uid, "/help")
    for command in ("/follow", "/following", "/unfollow", "@agreements_test_bot"):
        assert command in reply.text
    menu = next(iter(app.fake.commands.values()))
    assert {"follow", "following", "unfollow"} <= {c["command"] for c in menu}


async def test_pending_rows_are_none_left(app: App) -> None:
    """Every alert of this module went out or was closed: none is stuck in the outbox."""
    out = AlertOutbox.__table__
    for _ in range(50):
        async with app.sessionmaker() as session:
            pending = (await session.execute(select(out.c.id).where(out.c.status == PENDING))).all()
        if not pending:
            break
        await asyncio.sleep(0.1)
    assert pending == []
