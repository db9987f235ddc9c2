"""What came of an agreement, end to end: the real bot (real extraction pool) against the fake Bot API.

A user forwards the signing article, later another forwards news that the agreement was terminated:
the full card shows «Что было дальше», the short card in /region says it was terminated, and a
follower of the region gets exactly one alert about the termination (the same news again: none).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

import pytest
import pytest_asyncio

from db.write.ingest import ArticleIn, ingest
from extraction.history.models import Mention
from extraction.models import Partner
from tests.botapp import App, start_app
from tests.db.helpers import make_agreement

pytestmark = pytest.mark.asyncio(loop_scope="module")

SIGNING = (
    "Правительство Оренбургской области и ПАО «Газпром нефть» подписали соглашение о строительстве "
    "спортивного комплекса в Оренбурге. Документ подписали губернатор Оренбургской области Денис Паслер и "
    "генеральный директор ПАО «Газпром нефть» Александр Дюков. Инвестиции составят 2 млрд рублей."
)
ENDED = (
    "Власти Оренбургской области сообщили об изменениях в инвестиционных планах региона. "
    "Соглашение правительства Оренбургской области с «Газпром нефтью» о строительстве спортивного "
    "комплекса расторгнуто по инициативе компании. Участок под стройку вернут городу."
)
ENDED_AGAIN = (
    "Оренбургская область осталась без спорткомплекса. Соглашение Оренбургской области с «Газпром "
    "нефтью» о строительстве спортивного комплекса расторгнуто, сообщили в правительстве региона."
)
TERMINATED_ALERT = "по вашей подписке: расторгнуто"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    path = tmp_path_factory.mktemp("history") / "agreements.db"
    options = {"seeds_dir": tmp_path_factory.mktemp("no-seeds"), "alerts_poll_interval": 0.2}
    async for running in start_app(f"sqlite+aiosqlite:///{path}", **options):
        yield running


async def _command(app: App, user: int, text: str) -> Any:
    await app.fake.send_command(user, text)
    [reply] = await app.fake.wait_for(user)
    return reply


def _terminations(app: App, user: int) -> list[Any]:
    return [c for c in app.fake.calls_for(user, "sendMessage") if c.ok and TERMINATED_ALERT in (c.text or "")]


async def test_later_news_reaches_the_card_and_one_alert(app: App, uid: int) -> None:
    follower, reader, other = uid, uid + 50_000, uid + 60_000
    reply = await _command(app, follower, "/follow Оренбургская")
    assert "Оренбургская область" in reply.text

    await app.fake.send_text(reader, SIGNING, forward_date=datetime(2024, 3, 1, 12), forward_from_chat_title="Оренбург 24")
    [answer] = await app.fake.wait_for(reader, timeout=90)
    assert "Нашёл соглашений: 1" in answer.text
    await app.fake.wait_for(follower, timeout=10, predicate=lambda c: "Новое соглашение" in (c.text or ""))

    await app.fake.send_text(reader, ENDED, forward_date=datetime(2024, 5, 14, 9), forward_from_chat_title="Оренбург 24")
    await app.fake.wait_for(reader, timeout=90)
    [alert] = await app.fake.wait_for(follower, timeout=10, predicate=lambda c: TERMINATED_ALERT in (c.text or ""))
    assert "Газпром нефть" in alert.text and "расторгнуто по инициативе компании" in alert.text
    assert alert.buttons and alert.buttons[0][0].endswith("подробнее")
    agreement_id = int(alert.buttons[0][0].split()[0].lstrip("№"))

    # the full card: the news, newest first, with its date, kind and source
    card = await _command(app, reader, f"/agreement {agreement_id}")
    assert "Что было дальше" in card.text
    assert "расторгнуто" in card.text and "по инициативе компании" in card.text
    # the short card in a region's list says it was terminated
    listing = await _command(app, reader, "/region Оренбургская")
    assert "Статус:" in listing.text and "расторгнуто" in listing.text

    # the same end reported by another outlet: the card gains a line, the follower no second alert
    await app.fake.send_text(other, ENDED_AGAIN, forward_date=datetime(2024, 5, 15, 9), forward_from_chat_title="Урал 56")
    await app.fake.wait_for(other, timeout=90)
    await asyncio.sleep(1.5)  # a second alert would come within the sender's next rounds
    assert len(_terminations(app, follower)) == 1
    assert _terminations(app, reader) == [] and _terminations(app, other) == []
    card = await _command(app, reader, f"/agreement {agreement_id}")
    assert card.text.count("расторгнуто") >= 2


async def test_button_lists_the_news_the_card_has_no_room_for(app: App, uid: int) -> None:
    async with app.sessionmaker() as session:
        signed = await ingest(session, ArticleIn("Подписано.", url="https://n.ru/sig"),
                              [make_agreement(["Тульская область"], ["Тульский завод"])])
        agreement_id = signed.new_ids[0]
        for day in range(1, 6):
            news = Mention(f"В рамках соглашения с «Тульским заводом» открыт цех №{day}.", "progress",
                           ["Тульская область"], [Partner("Тульский завод")])
            await ingest(session, ArticleIn(f"Цех {day}.", url=f"https://n.ru/p{day}", published=date(2024, 6, day)),
                         [], mentions=[news])
    card = await _command(app, uid, f"/agreement {agreement_id}")
    assert "цех №5" in card.text and "цех №3" in card.text and "цех №2" not in card.text  # newest first
    assert [text for text, _ in card.buttons][0] == "Что было дальше (5)"
    await app.fake.press_button(uid, card, text="Что было дальше (5)")
    [page] = await app.fake.wait_for(uid)
    assert f"соглашение №{agreement_id} (4–5 из 5)" in page.text
    assert "цех №2" in page.text and "цех №1" in page.text and "цех №5" not in page.text
