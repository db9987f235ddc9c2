"""Every command end to end: aiogram's real client, the fake Bot API over HTTP, SQLite with the seeds."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date

import pytest
import pytest_asyncio

from app.middlewares import THROTTLED_TEXT
from db.write.ingest import ArticleIn, ingest
from extraction.models import Agreement, Amount, PartialDate, Partner, Signatory
from tests.botapp import App, texts

pytestmark = pytest.mark.asyncio(loop_scope="module")

TULA = "Тульская область"
TULA_COUNT = 12


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tula(app: App) -> list[int]:
    """Twelve agreements of one region stored directly (no extraction), so paging has pages."""
    ids: list[int] = []
    async with app.sessionmaker() as session:
        for i in range(TULA_COUNT):
            agreement = Agreement(
                doc_type="соглашение",
                regions=[TULA],
                partners=[Partner(name=f"Тестовая компания {i + 1}")],
                signatories=[Signatory(name="Иван Петров", role="губернатор")],
                date=PartialDate(2020 + i % 4, 1 + i % 12, 10 + i),
                event="Форум <Тест> & «Проверка»",
                amount=Amount(1.5e9 + i, "RUB"),
                evidence=[
                    f"Тульская область и Тестовая компания {i + 1} подписали соглашение <b>о сотрудничестве</b>."
                ],
            )
            text = f"Тульская область и Тестовая компания {i + 1} подписали соглашение о сотрудничестве. " * 3
            result = await ingest(
                session,
                ArticleIn(
                    text=text, url=f"https://example.org/tula/{i}", published=date(2024, 1, 1), source="user"
                ),
                [agreement],
            )
            ids.extend(v.id for v in result.agreements)
    return ids


async def test_start_and_help_show_counts_and_examples(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/start")
    [start] = await app.fake.wait_for(uid)
    assert "соглашени" in start.text
    assert "/region" in start.text and "/partner" in start.text
    assert "В базе" in start.text and "из 5 статей" in start.text  # the seeds
    await app.fake.send_command(uid, "/help")
    [help_] = await app.fake.wait_for(uid)
    assert help_.text == start.text


async def test_command_menu_registered_on_startup(app: App) -> None:
    for _ in range(100):  # startup runs in the polling task
        calls = [c for c in app.fake.calls if c.method.lower() == "setmycommands"]
        if calls:
            break
        await asyncio.sleep(0.05)
    assert calls and calls[0].ok
    commands = {c["command"] for c in next(iter(app.fake.commands.values()))}
    assert {"region", "partner", "search", "recent", "stats", "export", "agreement", "help"} <= commands


async def test_region_without_argument_gives_usage(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/region")
    [reply] = await app.fake.wait_for(uid)
    assert "Укажите регион" in reply.text and "/region Калужская" in reply.text


@pytest.mark.parametrize("name", ["Калужская", "калужской", "Калуга", "КАЛУЖСКАЯ ОБЛ."])
async def test_region_finds_seed_by_colloquial_names(app: App, uid: int, name: str) -> None:
    await app.fake.send_command(uid, f"/region {name}")
    [reply] = await app.fake.wait_for(uid)
    assert "Калужская область" in reply.text
    assert "Цифровая экономика" in reply.text  # the seed's partner
    assert "Артамонов" in reply.text  # its signatory
    assert any(data.startswith("ag:") for _, data in reply.buttons)


async def test_region_orenburzhye_finds_mts_with_sum(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/region Оренбуржье")
    [reply] = await app.fake.wait_for(uid)
    assert "Оренбургская область" in reply.text and "МТС" in reply.text
    assert "1 млрд руб." in reply.text


async def test_partner_lookup(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/partner мтс")
    [reply] = await app.fake.wait_for(uid)
    assert "МТС" in reply.text and "Оренбургская область" in reply.text


async def test_unknown_region_with_html_is_escaped(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/region <script>alert(1)</script> & <b>")
    [reply] = await app.fake.wait_for(uid)
    assert "<script>alert(1)</script> & <b>" in reply.text  # shown literally, not parsed


async def test_suggestion_button_runs_the_lookup(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/region Тверской край")
    [reply] = await app.fake.wait_for(uid)
    assert "Не нашёл регион «Тверской край»" in reply.text and "Возможно, вы имели в виду" in reply.text
    suggestions = [(t, d) for t, d in reply.buttons if d.startswith("sg:")]
    assert suggestions and all(len(d.encode()) <= 64 for _, d in suggestions)
    label, data = suggestions[0]
    await app.fake.press_button(uid, reply, data)
    [answer] = await app.fake.wait_for(uid, "answerCallbackQuery")
    assert answer.ok
    [found] = await app.fake.wait_for(uid)
    assert label in found.text  # the lookup ran for the suggested region


async def test_nothing_close_gets_a_clear_answer(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/partner Ъъъъъъ")
    [reply] = await app.fake.wait_for(uid)
    assert "Не нашёл партнёра" in reply.text


@pytest.mark.parametrize(("command", "far"), [("/partner Газпром", "Гана"), ("/region 123", "Алтайский край")])
async def test_nothing_close_says_so_and_offers_search(app: App, uid: int, command: str, far: str) -> None:
    await app.fake.send_command(uid, command)
    [reply] = await app.fake.wait_for(uid)
    assert "нет ничего похожего" in reply.text and "Возможно" not in reply.text
    assert far not in reply.text and all(far not in label for label, _ in reply.buttons)
    [(label, data)] = reply.buttons
    assert "по тексту" in label
    await app.fake.press_button(uid, reply, data)
    [found] = await app.fake.wait_for(uid)
    assert "По запросу" in found.text and "ничего не нашлось" in found.text  # /search ran


async def test_paging_and_full_card(app: App, tula: list[int], uid: int) -> None:
    await app.fake.send_command(uid, "/region Тульская")
    [first] = await app.fake.wait_for(uid)
    assert f"Соглашений: {TULA_COUNT}" in first.text and "Показаны 1–5" in first.text
    assert first.text.count("Тестовая компания") == 5
    assert "Форум <Тест> & «Проверка»" in first.text  # escaped on the way out, literal on screen
    assert all(len(d.encode()) <= 64 for _, d in first.buttons)
    nxt = next(d for t, d in first.buttons if t.startswith("Дальше"))
    await app.fake.press_button(uid, first, nxt)
    [second] = await app.fake.wait_for(uid)
    assert "Показаны 6–10" in second.text
    first_ids = {d for _, d in first.buttons if d.startswith("ag:")}
    second_ids = {d for _, d in second.buttons if d.startswith("ag:")}
    assert len(second_ids) == 5 and not first_ids & second_ids
    nxt = next(d for t, d in second.buttons if t.startswith("Дальше"))
    await app.fake.press_button(uid, second, nxt)
    [third] = await app.fake.wait_for(uid)
    assert "Показаны 11–12" in third.text
    assert not any(t.startswith("Дальше") for t, _ in third.buttons)
    back = next(d for t, d in third.buttons if t.startswith("« Назад"))
    await app.fake.press_button(uid, third, back)
    [again] = await app.fake.wait_for(uid)
    assert "Показаны 6–10" in again.text
    card = sorted(second_ids)[0]
    await app.fake.press_button(uid, second, card)
    [full] = await app.fake.wait_for(uid)
    assert "Из текста:" in full.text
    assert "подписали соглашение <b>о сотрудничестве</b>" in full.text  # evidence, escaped
    assert "Источники:" in full.text


async def test_agreement_command(app: App, tula: list[int], uid: int) -> None:
    await app.fake.send_command(uid, f"/agreement {tula[0]}")
    [reply] = await app.fake.wait_for(uid)
    assert f"№{tula[0]}." in reply.text and "Тульская область" in reply.text and "Из текста:" in reply.text
    await app.fake.send_command(uid, "/agreement 999999")
    [missing] = await app.fake.wait_for(uid)
    assert "не найдено" in missing.text
    await app.fake.send_command(uid, "/agreement abc")
    [usage] = await app.fake.wait_for(uid)
    assert "Укажите номер" in usage.text


async def test_search_and_recent(app: App, tula: list[int], uid: int) -> None:
    await app.fake.send_command(uid, "/search Артамонов")
    [found] = await app.fake.wait_for(uid)
    assert "Калужская область" in found.text
    await app.fake.send_command(uid, "/search")
    [usage] = await app.fake.wait_for(uid)
    assert "Напишите, что искать" in usage.text
    await app.fake.send_command(uid, "/recent")
    [recent] = await app.fake.wait_for(uid)
    assert "Последние соглашения" in recent.text
    assert any(t.startswith("Дальше") for t, _ in recent.buttons)


async def test_stats_sends_counts_and_a_chart(app: App, tula: list[int], uid: int) -> None:
    await app.fake.send_command(uid, "/stats")
    [text] = await app.fake.wait_for(uid)
    assert "Статистика" in text.text and "По регионам" in text.text and "По годам" in text.text
    assert "Тульская область — 12" in text.text
    [photo] = await app.fake.wait_for(uid, "sendPhoto")
    assert photo.ok
    [data] = photo.files.values()
    assert data.startswith(b"\x89PNG") and len(data) > 5000


async def test_export_last_result_as_csv(app: App, tula: list[int], uid: int) -> None:
    await app.fake.send_command(uid, "/export")
    [nothing] = await app.fake.wait_for(uid)
    assert "нечего выгружать" in nothing.text
    await app.fake.send_command(uid, "/region Тульская")
    await app.fake.wait_for(uid)
    await app.fake.send_command(uid, "/export")
    [doc] = await app.fake.wait_for(uid, "sendDocument")
    [data] = doc.files.values()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["id", "тип", "дата"]
    assert len(rows) == 1 + TULA_COUNT  # every result, not just the page shown
    assert all(TULA in row[6] for row in rows[1:])
    assert {row[11] for row in rows[1:]} == {"RUB"}


async def test_unknown_command_and_unsupported_content(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/frobnicate")
    [reply] = await app.fake.wait_for(uid)
    assert "Не знаю такой команды" in reply.text
    sticker_obj = {"file_id": "s1", "file_unique_id": "s1", "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False}  # fmt: skip
    await app.fake.send_message(uid, sticker=sticker_obj)
    [sticker] = await app.fake.wait_for(uid)
    assert "не понимаю" in sticker.text
    await app.fake.send_message(uid, voice={"file_id": "v1", "file_unique_id": "v1", "duration": 3})
    [voice] = await app.fake.wait_for(uid)
    assert "не понимаю" in voice.text
    await app.fake.send_photo(uid)
    [photo] = await app.fake.wait_for(uid)
    assert "На фото я текст не читаю" in photo.text


async def test_private_link_refused_when_not_allowed(app: App, uid: int) -> None:
    await app.fake.send_text(uid, "http://127.0.0.1:9/news")
    [reply] = await app.fake.wait_for(uid)
    assert "внутренний или служебный адрес" in reply.text


async def test_retry_after_is_waited_out(app: App, uid: int) -> None:
    app.fake.user(uid)
    app.fake.flood_next("sendMessage", retry_after=1, chat_id=uid)
    await app.fake.send_command(uid, "/help")
    [reply] = await app.fake.wait_for(uid, timeout=15)
    assert "/region" in reply.text
    [flooded] = [c for c in app.fake.calls_for(uid, "sendMessage") if c.status == 429]
    assert reply.at - flooded.at >= 0.9


async def test_throttling_one_notice_and_others_unaffected(app: App, uid: int) -> None:
    other = uid + 500_000
    for i in range(30):
        await app.fake.send_command(uid, f"/agreement {i + 1000000}")
    await app.fake.send_command(other, "/help")
    [other_reply] = await app.fake.wait_for(other)
    assert "/region" in other_reply.text
    replies = await app.fake.wait_for(uid, count=6, timeout=15)
    await asyncio.sleep(1.0)
    all_texts = texts(app.fake.calls_for(uid, "sendMessage"))
    notices = [t for t in all_texts if t == THROTTLED_TEXT]
    assert len(notices) == 1
    answered = [t for t in all_texts if "не найдено" in t]
    assert 5 <= len(answered) < 30  # the burst passes, most of the flood is dropped
    assert len(replies) == 6


async def test_error_handler_logs_and_apologizes(
    app: App, uid: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from db.read import queries

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the base is on fire")

    monkeypatch.setattr(queries, "stats", broken)  # a fault injected into one call
    await app.fake.send_command(uid, "/stats")
    [reply] = await app.fake.wait_for(uid)
    assert "Извините, что-то пошло не так" in reply.text
    assert any("the base is on fire" in r.getMessage() and r.exc_info for r in caplog.records)

    await app.fake.send_command(uid, "/region Калужская")
    [found] = await app.fake.wait_for(uid)
    monkeypatch.setattr(queries, "get", broken)
    await app.fake.press_button(uid, found, next(d for _, d in found.buttons if d.startswith("ag:")))
    [apology] = await app.fake.wait_for(uid)
    assert "Извините, что-то пошло не так" in apology.text


async def test_webhook_mode_takes_updates_with_the_secret_only(app: App, uid: int) -> None:
    from dataclasses import replace

    from aiogram.client.default import DefaultBotProperties
    from aiohttp import ClientSession
    from aiohttp.test_utils import TestServer

    from bot import make_webhook_app

    settings = replace(app.settings, webhook_secret="s3cret-token", webhook_path="/tg/hook")
    bot = app.fake.make_bot(default=DefaultBotProperties(parse_mode="HTML"))
    server = TestServer(make_webhook_app(bot, app.dp, settings), host="127.0.0.1", port=0)
    await server.start_server()
    try:
        app.fake.user(uid)
        update = {
            "update_id": 900_000 + uid,
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": uid, "type": "private"},
                "from": {"id": uid, "is_bot": False, "first_name": "Веб"},
                "text": "/region Калужская",
            },
        }
        async with ClientSession() as http:
            url = str(server.make_url("/tg/hook"))
            async with http.post(url, json=update) as resp:
                assert resp.status == 401  # no secret: refused
            headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            async with http.post(url, json=update, headers=headers) as resp:
                assert resp.status == 200
        [reply] = await app.fake.wait_for(uid)
        assert "Калужская область" in reply.text
    finally:
        await server.close()
