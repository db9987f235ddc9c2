"""The console chat in process: the real dispatcher, handlers and base behind `ConsoleSession`,
driven line by line (`ConsoleChat`) or through `run_console` with a stream as stdin."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from app.console import CONSOLE_USER_ID, FILE_USAGE, NO_BUTTONS, ConsoleChat, ConsoleSession, run_console
from bot import Settings, app_context
from db.write.ingest import ArticleIn, ingest
from extraction.models import Agreement, Partner
from handlers.commands import CONSOLE_ADMIN
from handlers.follow import CONSOLE_ALERTS

pytestmark = pytest.mark.asyncio(loop_scope="module")
ROOT = Path(__file__).resolve().parents[2]
ARTICLE_LINES = [
    "Ветропарк в Томской области",
    "Правительство Томской области и ООО «Северный ветер» заключили соглашение о строительстве ветропарка.",
    "Соглашение подписали губернатор Томской области Владимир Мазур и директор компании Пётр Сидоров. "
    "Объём инвестиций составит 2,5 млрд рублей.",
]


@dataclass
class Console:
    out: io.StringIO
    session: ConsoleSession
    chat: ConsoleChat
    dp: Any
    bot: Any

    def take(self) -> str:
        """What was printed since the last take."""
        text = self.out.getvalue()
        self.out.seek(0)
        self.out.truncate()
        return text


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def console(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Console]:
    path = tmp_path_factory.mktemp("console-chat") / "agreements.db"
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{path}",
        admin_ids=frozenset({CONSOLE_USER_ID}),  # as bot.run_console makes it
        throttle_burst=0,
        extract_workers=1,
        seeds_dir=ROOT / "seeds",
        alerts_poll_interval=0.2,
        alerts_chat_interval=0.0,
    )
    out = io.StringIO()
    session = ConsoleSession(out)
    async with app_context(settings, session=session, wait_for_seeds=True) as (bot, dp):
        yield Console(out, session, ConsoleChat(dp, bot, session), dp, bot)


async def test_a_wrong_button_number_keeps_the_buttons(console: Console) -> None:
    await console.chat.feed_line("/region Калужская")
    assert "Регион: Калужская область" in console.take()
    choices = list(console.session.choices)
    assert choices
    await console.chat.feed_line("7")
    assert f"Нет кнопки с номером 7: есть [1]–[{len(choices)}]." in console.take()
    assert console.session.choices == choices  # still there
    await console.chat.feed_line("1")
    card = console.take()
    assert "Из текста:" in card and "Артамонов" in card  # the button was pressed, no article read


async def test_a_number_with_no_buttons_is_explained(console: Console) -> None:
    await console.chat.feed_line("/help")
    console.take()
    console.session.choices.clear()
    await console.chat.feed_line("2")
    assert console.take().strip() == NO_BUTTONS


async def test_file_without_a_path_says_what_to_do(console: Console) -> None:
    await console.chat.feed_line("/file")
    assert console.take().strip() == FILE_USAGE


async def test_console_help_has_no_inline_mode_and_says_the_user_is_admin(console: Console) -> None:
    await console.chat.feed_line("/help")
    text = console.take()
    assert "В базе" in text and "/region" in text
    assert "@" not in text  # no inline mode in a terminal
    assert "/reload" in text and CONSOLE_ADMIN in text


async def test_lines_pasted_together_are_one_article(console: Console) -> None:
    pasted = io.StringIO("\n".join(ARTICLE_LINES) + "\n")  # a stream whose lines are all there at once
    await run_console(console.dp, console.bot, console.session, pasted, join_pastes=True)
    text = console.take()
    assert text.count("Нашёл соглашений: 1") == 1 and "2,5 млрд руб." in text
    assert "Источник: Ветропарк в Томской области" in text
    assert "Слишком короткий" not in text and "не похоже на новость" not in text


async def test_piped_lines_stay_a_message_each(console: Console) -> None:
    piped = io.StringIO("/region Томская\n/partner Северный ветер\n")
    await run_console(console.dp, console.bot, console.session, piped, join_pastes=False)
    text = console.take()
    assert "Регион: Томская область" in text and "Партнёр: Северный ветер" in text


async def test_follow_in_console_shows_alerts(console: Console) -> None:
    await console.chat.feed_line("/follow Курганская")
    answer = console.take()
    assert "подписал вас на регион «Курганская область»" in answer and CONSOLE_ALERTS in answer
    async with console.dp["sessionmaker"]() as session:  # a feed item's agreement, say
        await ingest(
            session,
            ArticleIn(text="Статья о Кургане. " * 5, url="https://example.org/kurgan"),
            [Agreement(doc_type="соглашение", regions=["Курганская область"], partners=[Partner("ООО «Зауралье»")])],
        )
    console.dp["alert_sender"].wake()
    for _ in range(100):
        if "по вашей подписке" in console.out.getvalue():
            break
        await asyncio.sleep(0.1)
    text = console.take()
    assert "Новое соглашение по вашей подписке" in text and "Зауралье" in text

