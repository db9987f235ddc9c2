"""The fake Bot API server is as strict as Telegram: proven with aiogram's real HTTP client."""

from __future__ import annotations

import asyncio
import struct
import time
import zlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router, html
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command
from aiogram.types import BotCommand, BufferedInputFile, CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from tests.fake_telegram import FakeTelegram, run_polling

USER = 1001


def png(width: int = 2, height: int = 3) -> bytes:
    """A valid PNG image of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        server.user(USER, first_name="Анна", username="anna")
        yield server


@pytest.fixture
def bot(fake: FakeTelegram) -> Bot:
    return fake.make_bot(default=DefaultBotProperties(parse_mode="HTML"))


def echo_dispatcher() -> Dispatcher:
    """A throwaway bot: echoes text, offers a button, reads documents."""
    router = Router()

    @router.message(Command("menu"))
    async def menu(message: Message) -> None:
        keyboard = InlineKeyboardBuilder()
        keyboard.button(text="Дальше", callback_data="page:2")
        await message.answer("Страница 1", reply_markup=keyboard.as_markup())

    @router.callback_query(F.data.startswith("page:"))
    async def page(callback: CallbackQuery) -> None:
        await callback.answer("Листаю")
        await callback.message.edit_text(f"Страница {callback.data.split(':')[1]}")

    @router.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        data = await bot.download(message.document)
        await message.answer(f"Получено {html.quote(data.read().decode())}")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(html.quote(message.text))

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def test_message_in_reply_out(fake: FakeTelegram, bot: Bot) -> None:
    async with run_polling(echo_dispatcher(), bot):
        sent = await fake.send_text(USER, "a < b & «кавычки»")
        [call] = await fake.wait_for(USER)
    assert call.method == "sendMessage" and call.ok
    assert call.text == "a < b & «кавычки»"  # the bot escaped, the user sees plain text
    assert call.result["chat"]["id"] == USER
    assert call.result["from"]["id"] == bot.id
    assert call.result["message_id"] == sent["message_id"] + 1
    assert fake.messages(USER)[-1]["text"] == "a < b & «кавычки»"
    assert (await bot.get_webhook_info()).pending_update_count == 0  # confirmed by offset
    assert fake.errors == []


async def test_run_polling_stops_fast(fake: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    async with run_polling(echo_dispatcher(), bot, polling_timeout=30):
        await fake.send_text(USER, "раз")
        await fake.wait_for(USER)
    assert time.monotonic() - started < 3


async def test_text_length_counted_after_html_in_utf16(fake: FakeTelegram, bot: Bot) -> None:
    for ok_text in ("я" * 4096, "😀" * 2048, "<b>" + "x" * 4096 + "</b>", "&lt;" * 4096):
        await bot.send_message(USER, ok_text)
    for long_text in ("я" * 4097, "😀" * 2049, "<b>" + "x" * 4097 + "</b>", "&lt;" * 4097):
        with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
            await bot.send_message(USER, long_text)
    assert len(fake.errors) == 4


@pytest.mark.parametrize("text", ["", "   \n ", "<b></b>"])
async def test_empty_text(bot: Bot, text: str) -> None:
    with pytest.raises(TelegramBadRequest, match="Bad Request: message text is empty"):
        await bot.send_message(USER, text)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("a < b", 'Unsupported start tag ""'),
        ("AT&T", 'Character "&" must be escaped'),
        ("<b>жирный", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag"),
        ("строка<br>строка", 'Unsupported start tag "br"'),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;"'),
        ("<span>x</span>", 'must have class "tg-spoiler"'),
        ('<a href="x">x', "Can't find end tag"),
    ],
)
async def test_bad_html(bot: Bot, text: str, detail: str) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities") as info:
        await bot.send_message(USER, text)
    assert detail in info.value.message


async def test_good_html_gives_entities(bot: Bot) -> None:
    text = (
        '<b>Ж</b> <strong>ж</strong> <i>к</i> <u>п</u> <s>з</s> <span class="tg-spoiler">с</span> '
        '<a href="https://example.ru/?a=1&amp;b=2">ссылка</a> <code>x</code> '
        '<pre><code class="language-python">y</code></pre> <blockquote expandable>ц</blockquote> '
        "&lt;&gt;&amp;&quot;&#1046;&#x416;"
    )
    message = await bot.send_message(USER, text)
    assert message.text.endswith('<>&"ЖЖ')
    kinds = [e.type for e in message.entities]
    assert kinds.count("bold") == 2 and "spoiler" in kinds and "expandable_blockquote" in kinds
    link = next(e for e in message.entities if e.type == "text_link")
    assert link.url == "https://example.ru/?a=1&b=2"
    assert next(e for e in message.entities if e.type == "pre").language == "python"
    # Without parse_mode the same text is sent literally, tags and all.
    plain = await bot.send_message(USER, "a < b & <div>", parse_mode=None)
    assert plain.text == "a < b & <div>"


async def test_photo_caption_limit_and_image_check(fake: FakeTelegram, bot: Bot) -> None:
    photo = BufferedInputFile(png(40, 30), "chart.png")
    message = await bot.send_photo(USER, photo, caption="я" * 1024)
    assert (message.photo[-1].width, message.photo[-1].height) == (40, 30)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message caption is too long"):
        await bot.send_photo(USER, BufferedInputFile(png(), "c.png"), caption="я" * 1025)
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(USER, BufferedInputFile(b"not a picture", "c.png"))
    [ok_call] = [c for c in fake.calls if c.method == "sendPhoto" and c.ok]
    assert list(ok_call.files.values()) == [png(40, 30)]


async def test_inline_keyboard_limits(bot: Bot) -> None:
    def markup(**button: str) -> object:
        builder = InlineKeyboardBuilder()
        builder.button(text=button.pop("text", "Кнопка"), **button)
        return builder.as_markup()

    await bot.send_message(USER, "ok", reply_markup=markup(callback_data="x" * 64))
    for data in ("x" * 65, "я" * 33):  # 65 and 66 bytes
        with pytest.raises(TelegramBadRequest, match="Bad Request: BUTTON_DATA_INVALID"):
            await bot.send_message(USER, "no", reply_markup=markup(callback_data=data))
    with pytest.raises(TelegramBadRequest, match="BUTTON_URL_INVALID"):
        await bot.send_message(USER, "no", reply_markup=markup(url="not a url"))
    with pytest.raises(TelegramBadRequest, match="BUTTON_TEXT_INVALID"):
        await bot.send_message(USER, "no", reply_markup=markup(text="", callback_data="a"))
    with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
        await bot.send_message(USER, "no", reply_markup={"inline_keyboard": [[{"text": "просто текст"}]]})


async def test_button_press_reaches_callback_handler(fake: FakeTelegram, bot: Bot) -> None:
    async with run_polling(echo_dispatcher(), bot):
        await fake.send_command(USER, "/menu")
        [menu] = await fake.wait_for(USER)
        assert menu.buttons == [("Дальше", "page:2")]
        with pytest.raises(ValueError, match="no button"):
            await fake.press_button(USER, menu, "page:3")  # not on the message
        query_id = await fake.press_button(USER, menu, "page:2")
        [answer] = await fake.wait_for(USER, "answerCallbackQuery")
        [edit] = await fake.wait_for(USER, "editMessageText")
    assert answer.params["callback_query_id"] == query_id and answer.params["text"] == "Листаю"
    assert edit.result["message_id"] == menu.result["message_id"]
    assert [m["text"] for m in fake.messages(USER)] == ["Страница 2"]
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)  # answered already


async def test_edit_and_delete_rules(fake: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_message(USER, "<b>один</b>")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("<b>один</b>", chat_id=USER, message_id=message.message_id)
    edited = await bot.edit_message_text("<i>один</i>", chat_id=USER, message_id=message.message_id)
    assert edited.entities[0].type == "italic" and edited.edit_date is not None
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)
    assert await bot.delete_message(USER, message.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, message.message_id)
    assert fake.messages(USER) == []


async def test_user_document_downloaded_and_bot_document_recorded(fake: FakeTelegram, bot: Bot) -> None:
    async with run_polling(echo_dispatcher(), bot):
        await fake.send_document(USER, "текст статьи".encode(), "article.txt")
        [reply] = await fake.wait_for(USER)
    assert reply.text == "Получено текст статьи"
    sent = await bot.send_document(USER, BufferedInputFile(b"id;region\n1;x\n", "export.csv"))
    assert sent.document.file_name == "export.csv"
    assert fake.calls[-1].files == {"export.csv": b"id;region\n1;x\n"}


async def test_flood_answers_429_once(fake: FakeTelegram, bot: Bot) -> None:
    fake.flood_next("sendMessage", retry_after=3)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(USER, "раз")
    assert info.value.retry_after == 3
    assert (await bot.send_message(USER, "два")).text == "два"
    assert [c.status for c in fake.calls] == [429, 200]


async def test_long_polling_waits_and_confirms(fake: FakeTelegram, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()  # nothing queued: the request waits
    started = time.monotonic()
    await fake.send_text(
        USER,
        "Губернатор подписал соглашение",
        forward_date=datetime(2024, 5, 17, 12, 0),
        forward_from_chat_title="Вести Калуга",
    )
    [update] = await poll
    assert time.monotonic() - started < 1
    origin = update.message.forward_origin
    assert origin.type == "channel" and origin.chat.title == "Вести Калуга"
    assert origin.date.date().isoformat() == "2024-05-17"
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == []
    for word in ("раз", "два", "три"):
        await fake.send_text(USER, word)
    first_two = await bot.get_updates(limit=2, timeout=0)
    assert [u.message.text for u in first_two] == ["раз", "два"]
    [last] = await bot.get_updates(offset=first_two[-1].update_id + 1, timeout=0)
    assert last.message.text == "три" and last.message.message_id > first_two[-1].message.message_id


async def test_commands_menu_validated(bot: Bot) -> None:
    commands = [BotCommand(command="region", description="Соглашения региона")]
    assert await bot.set_my_commands(commands)
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("region", "Соглашения региона")
    ]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Region", description="x")])
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_DESCRIPTION_INVALID"):
        await bot.set_my_commands([BotCommand(command="region", description="x" * 257)])


async def test_wrong_token_unknown_method_unknown_chat(fake: FakeTelegram, bot: Bot) -> None:
    stranger = fake.make_bot(token="42:wrong-token")
    with pytest.raises(TelegramUnauthorizedError):
        await stranger.get_me()
    url = f"{fake.base_url}/bot{fake.token}/fooBar"
    async with aiohttp.ClientSession() as http, http.post(url) as resp:
        assert resp.status == 404
        assert await resp.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(777, "кому?")
    fake.block(USER)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER, "привет")


async def test_wait_for_reports_what_came(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "один")
    with pytest.raises(AssertionError, match="один"):
        await fake.wait_for(USER, count=2, timeout=0.2)
    [first] = await fake.wait_for(USER, timeout=0.2)
    assert first.text == "один"


async def test_run_polling_raises_a_failed_startup(fake: FakeTelegram, bot: Bot) -> None:
    dp = echo_dispatcher()

    async def bad_menu(bot: Bot) -> None:
        await bot.set_my_commands([BotCommand(command="поиск", description="не латиница")])

    dp.startup.register(bad_menu)
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        async with run_polling(dp, bot):
            pass


async def test_reset_while_polling_keeps_delivering(fake: FakeTelegram, bot: Bot) -> None:
    async with run_polling(echo_dispatcher(), bot):
        await fake.send_text(USER, "до")
        await fake.wait_for(USER)
        fake.reset()
        await fake.send_text(USER, "после")
        [reply] = await fake.wait_for(USER, timeout=3)
    assert reply.text == "после"
    assert [c.text for c in fake.calls if c.method == "sendMessage"] == ["после"]


def _article(result_id: str, text: str = "<b>Карточка</b>") -> Any:
    from aiogram.types import InlineQueryResultArticle, InputTextMessageContent

    return InlineQueryResultArticle(
        id=result_id, title="Заголовок", input_message_content=InputTextMessageContent(message_text=text)
    )


async def test_answer_inline_query_validated_like_telegram(fake: FakeTelegram, bot: Bot) -> None:
    async def answer(results: list[Any]) -> str:
        query_id = await fake.send_inline_query(USER, "Калуга")
        await bot.answer_inline_query(query_id, results)
        return query_id

    query_id = await answer([_article("a1"), _article("a2", "<i>ок</i> &amp; всё")])
    assert [r["id"] for r in fake.inline_answers[query_id]["results"]] == ["a1", "a2"]
    assert fake.calls_for(USER, "answerInlineQuery")[-1].ok  # recorded as a call to the user
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_inline_query(query_id, [_article("a1")])  # answered already
    cases = [
        ([_article(f"a{n}") for n in range(51)], "RESULTS_TOO_MUCH"),
        ([_article("same"), _article("same")], "RESULT_ID_DUPLICATE"),
        ([_article("x" * 65)], "RESULT_ID_INVALID"),
        ([_article("a1", "<b>не закрыт")], "can't parse entities"),
        ([_article("a1", "a & b")], "can't parse entities"),
        ([_article("a1", "я" * 4097)], "MESSAGE_TOO_LONG"),
    ]
    for results, error in cases:
        with pytest.raises(TelegramBadRequest, match=error):
            await answer(results)


async def test_inline_queries_reach_the_dispatcher(fake: FakeTelegram, bot: Bot) -> None:
    from aiogram.types import InlineQuery

    router = Router()

    @router.inline_query()
    async def on_query(query: InlineQuery) -> None:
        await query.answer([_article("r1", f"Вы искали: {html.quote(query.query)}")], cache_time=1)

    dp = Dispatcher()
    dp.include_router(router)
    async with run_polling(dp, bot):
        query_id = await fake.send_inline_query(USER, "<Калуга>")
        await fake.wait_for(USER, "answerInlineQuery")
    content = fake.inline_answers[query_id]["results"][0]["input_message_content"]
    assert content["message_text"] == "Вы искали: &lt;Калуга&gt;"
