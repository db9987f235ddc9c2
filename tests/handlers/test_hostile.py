"""Hostile and careless input end to end, on SQLite and PostgreSQL: numbers beyond any id, forged
buttons, NUL and invisible characters, look-alike letters, ids never reused, facts kept per
source, reports, hiding and deleting."""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web
from sqlalchemy import func, select

from db.models import Agreement, Article, Report
from handlers.articles import ALREADY_KNOWN
from handlers.errors import APOLOGY
from tests.botapp import ADMIN_ID, ROOT, App, start_app_on
from tests.handlers.test_articles import page

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEEDS = ("000_cc2a2fcf6b0f8fea.txt", "001_29f0e2c51dd71da6.txt")  # Оренбург + МТС, Калуга
ORENBURG = (ROOT / "seeds" / SEEDS[0]).read_text(encoding="utf-8")
# A text of our own, dated in the text so that a page and a pasted copy name the same signing.
TOMSK = (
    "Администрация Томской области и ООО «Северный ветер» заключили соглашение о строительстве "
    "ветропарка. Соглашение подписали 14 марта 2024 года губернатор Томской области Владимир Мазур и "
    "генеральный директор компании Пётр Сидоров. Объём инвестиций составит 2,5 млрд рублей. Ветропарк "
    "мощностью 50 МВт построят на севере региона, он даст работу двумстам жителям окрестных сёл."
)
# The page the local site serves.
NOVGOROD = (
    TOMSK.replace("Томской", "Новгородской")
    .replace("Владимир Мазур", "Александр Дронов")
    .replace("Северный ветер", "Волховский ветер")
)


class Site:
    """One news page on 127.0.0.1 (a fetched page outranks a pasted copy)."""

    def __init__(self) -> None:
        self.runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/tomsk", self.tomsk)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def tomsk(self, request: web.Request) -> web.Response:
        html = page("Новгородская область построит ветропарк", NOVGOROD, "2024-03-15")
        return web.Response(text=html, content_type="text/html")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site() -> AsyncIterator[Site]:
    s = Site()
    await s.start()
    yield s
    assert s.runner is not None
    await s.runner.cleanup()


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgresql"])
async def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    seeds = tmp_path_factory.mktemp("two-seeds")  # one per app: a test changes it
    for name in SEEDS:
        shutil.copy(ROOT / "seeds" / name, seeds / name)
    # no throttling: one user here asks many questions in a row (throttling is tested elsewhere)
    options = {"seeds_dir": seeds, "allow_private_urls": True, "throttle_burst": 0}
    async for running in start_app_on(request.param, tmp_path_factory, "hostile", **options):
        yield running


async def _count(app: App, model: type, *where: object) -> int:
    async with app.sessionmaker() as session:
        query = select(func.count()).select_from(model.__table__).where(*where)  # type: ignore[attr-defined]
        return int((await session.execute(query)).scalar_one())


async def _max_id(app: App) -> int:
    async with app.sessionmaker() as session:
        return int((await session.execute(select(func.max(Agreement.__table__.c.id)))).scalar_one() or 0)


def _card_ids(call: object) -> list[int]:
    return [int(d.split(":")[1]) for _, d in call.buttons if d.startswith("ag:")]  # type: ignore[attr-defined]


async def _answer_text(app: App, uid: int) -> str:
    [answer] = await app.fake.wait_for(uid, "answerCallbackQuery")
    return answer.params.get("text") or ""


def _no_apology(app: App, uid: int) -> None:
    assert not [c for c in app.fake.calls_for(uid, "sendMessage") if APOLOGY in (c.text or "")]


async def test_freed_ids_are_never_given_again(app: App, uid: int) -> None:
    seeds = app.settings.seeds_dir
    await app.fake.send_command(uid, "/region Калужская")
    [kaluga] = await app.fake.wait_for(uid)
    [kaluga_id] = _card_ids(kaluga)
    assert kaluga_id == await _max_id(app)  # the second seed holds the newest id
    (seeds / SEEDS[1]).unlink()  # the seeds change: Калуга's agreement goes away on reload
    await app.fake.send_command(ADMIN_ID, "/reload")
    await app.fake.wait_for(ADMIN_ID)  # "Перезагружаю базу…"
    await app.fake.wait_for(
        ADMIN_ID, "editMessageText", timeout=60, predicate=lambda c: "База перезагружена" in (c.text or "")
    )
    assert await _max_id(app) < kaluga_id
    await app.fake.send_text(uid, TOMSK)
    [stored] = await app.fake.wait_for(uid, timeout=30)
    assert "Нашёл соглашений: 1" in stored.text
    [tomsk_id] = _card_ids(stored)
    assert tomsk_id > kaluga_id  # not the freed number
    await app.fake.press_button(uid, kaluga, f"ag:{kaluga_id}")  # an old button of the freed id
    assert "не найдено" in await _answer_text(app, uid)
    assert not app.fake.calls_for(uid, "sendMessage")[2:]  # no card of another agreement was sent


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/agreement 99999999999999999999", "не найдено"),  # beyond 64 bits
        ("/agreement 3000000000", "не найдено"),  # beyond int4, PostgreSQL's id type
        ("/agreement " + "9" * 200, "Укажите номер"),
        ("/agreement ²", "Укажите номер"),  # a digit for str.isdigit, no number
        ("/agreement ５", "Укажите номер"),
        ("/agreement -5", "Укажите номер"),
        ("/agreement №0", "не найдено"),
    ],
)
async def test_numbers_no_id_can_be(app: App, uid: int, command: str, expected: str) -> None:
    await app.fake.send_command(uid, command)
    [reply] = await app.fake.wait_for(uid)
    assert expected in reply.text
    _no_apology(app, uid)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("ag:99999999999999999999999", "не найдено"),
        ("ag:3000000000", "не найдено"),
        ("ag:-7", "не найдено"),
        ("ag:abc", "больше не работает"),
        ("rp:99999999999999999999", "не найдено"),
        ("rr:3000000000:not_agreement", "не найдено"),
        ("rr:1:drop_table", "больше не работает"),
    ],
)
async def test_forged_buttons_get_a_precise_answer(app: App, uid: int, data: str, expected: str) -> None:
    await app.fake.send_command(uid, "/region Оренбургская")
    [reply] = await app.fake.wait_for(uid)
    await app.fake.forge_callback(uid, reply, data)
    assert expected in await _answer_text(app, uid)
    _no_apology(app, uid)


@pytest.mark.parametrize("kind", ["r", "p", "s", "n"])
async def test_forged_page_offsets_say_there_is_no_more(app: App, uid: int, kind: str) -> None:
    await app.fake.send_command(uid, "/recent")
    [reply] = await app.fake.wait_for(uid)
    query = {"r": "Оренбургская", "p": "МТС", "s": "МТС", "n": ""}[kind]
    await app.fake.forge_callback(uid, reply, f"pg:{kind}:99999999999999999999:{query}")
    await app.fake.wait_for(uid, "answerCallbackQuery")
    [more] = await app.fake.wait_for(uid)
    assert "Больше" in more.text and "нет" in more.text
    _no_apology(app, uid)


async def test_recent_next_past_the_end_says_no_more(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/recent")
    [first] = await app.fake.wait_for(uid)
    total = int(first.text.split("Всего в базе: ")[1].split(".")[0])
    await app.fake.forge_callback(uid, first, f"pg:n:{total + 5}:")  # as if the base had shrunk
    await app.fake.wait_for(uid, "answerCallbackQuery")
    [more] = await app.fake.wait_for(uid)
    assert "Больше соглашений нет" in more.text
    assert "пока нет соглашений" not in more.text


async def test_nul_and_invisible_characters_are_stripped_before_storing(app: App, uid: int) -> None:
    articles = await _count(app, Article)
    text = (
        TOMSK.replace("Томской", "Ивановской")
        .replace("Владимир Мазур", "Станислав Воскресенский")
        .replace("Северный ветер", "Сев\u200bерный\u202e бриз")
        .replace("ветропарка.", "ветропарка.\x00\x01\x7f")
    )
    await app.fake.send_text(uid, text)
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "Нашёл соглашений: 1" in reply.text and "Ивановская область" in reply.text
    assert "Северный бриз" in reply.text  # stored and shown without the invisible characters
    assert await _count(app, Article) == articles + 1
    async with app.sessionmaker() as session:
        stored = (await session.execute(select(Article.__table__.c.text).order_by(Article.__table__.c.id.desc()))).scalars().first()
    assert stored is not None and "\x00" not in stored and "\u200b" not in stored and "\u202e" not in stored
    # the same text with other invisible characters (and none) is the same article
    for variant in (text.replace("\u200b", "\u2060\u00ad"), text.replace("\x00", "").replace("\u200b", "")):
        await app.fake.send_text(uid, variant)
        [again] = await app.fake.wait_for(uid, timeout=30)
        assert ALREADY_KNOWN in again.text
    assert await _count(app, Article) == articles + 1
    await app.fake.send_command(uid, "/partner Северный бриз")
    [found] = await app.fake.wait_for(uid)
    assert "Ивановская область" in found.text


async def test_document_with_nul_bytes_is_stored(app: App, uid: int) -> None:
    text = (
        TOMSK.replace("Томской", "Курганской")
        .replace("Владимир Мазур", "Вадим Шумков")
        .replace("Северный ветер", "Степной ветер")
    )
    data = text.encode("utf-8").replace("ветропарка.".encode(), "ветропарка.\x00".encode(), 1)
    await app.fake.send_document(uid, data, "kurgan.txt")
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "Нашёл соглашений: 1" in reply.text and "Курганская область" in reply.text


@pytest.mark.parametrize("query", ["MTC", "mtc", "МТC", "M\u200bТС", "ＭＴＣ"])
async def test_partner_lookup_folds_lookalikes_and_invisible_characters(app: App, uid: int, query: str) -> None:
    await app.fake.send_command(uid, f"/partner {query}")
    [reply] = await app.fake.wait_for(uid)
    assert "Партнёр: МТС" in reply.text and "Оренбургская область" in reply.text


async def test_latin_lookalikes_in_a_stored_name_are_folded(app: App, uid: int) -> None:
    text = (
        TOMSK.replace("Томской", "Пензенской")
        .replace("Владимир Мазур", "Олег Мельниченко")
        .replace("Северный ветер", "CEBEPНЫЙ ПОТОК")  # Latin C, E, B, E, P in a Cyrillic word
    )
    await app.fake.send_text(uid, text)
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "Пензенская область" in reply.text
    await app.fake.send_command(uid, "/partner Северный поток")
    [found] = await app.fake.wait_for(uid)
    assert "Пензенская область" in found.text
    await app.fake.send_command(uid, "/search северный поток")
    [searched] = await app.fake.wait_for(uid)
    assert "Пензенская область" in searched.text


async def _card(app: App, uid: int, agreement_id: int) -> str:
    await app.fake.send_command(uid, f"/agreement {agreement_id}")
    [card] = await app.fake.wait_for(uid)
    return card.text or ""


async def test_a_pasted_copy_with_a_made_up_sum_changes_nothing(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/partner МТС")
    [found] = await app.fake.wait_for(uid)
    [mts] = _card_ids(found)
    before = await _card(app, uid, mts)
    assert "Сумма: 1 млрд руб." in before
    await app.fake.send_text(uid, ORENBURG.replace("1 миллиард рублей", "9 миллиардов рублей"))
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert _card_ids(reply) == [mts]  # the same agreement, one more source
    card = await _card(app, uid, mts)
    assert "Сумма: 1 млрд руб." in card  # the seed outranks a pasted text
    assert "Источники называют разную сумму" in card
    assert "9 млрд руб." in card and "текст от пользователя" in card
    # a copy with another date: kept with its source, the card shows both
    await app.fake.send_text(uid, ORENBURG.replace("23 августа", "25 августа"))
    [dated] = await app.fake.wait_for(uid, timeout=30)
    assert _card_ids(dated) == [mts]
    card = await _card(app, uid, mts)
    assert "23 августа" in card.split("\n")[0]  # the head keeps the trusted date
    assert "Источники называют разную дату" in card and "25 августа" in card
    await app.fake.send_command(uid, "/region Оренбургская")
    [listing] = await app.fake.wait_for(uid)
    assert "Соглашений: 1" in listing.text and "источники расходятся" in listing.text


async def test_a_fetched_page_outranks_a_pasted_text(app: App, site: Site, uid: int) -> None:
    # a user pastes the news first, with a made-up sum
    await app.fake.send_text(uid, NOVGOROD.replace("2,5 млрд рублей", "7 млрд рублей"))
    [first] = await app.fake.wait_for(uid, timeout=30)
    [novgorod] = _card_ids(first)
    assert "Сумма: 7 млрд руб." in await _card(app, uid, novgorod)  # the only source so far
    await app.fake.send_text(uid, f"{site.base}/tomsk")
    [fetched] = await app.fake.wait_for(uid, timeout=30)
    assert _card_ids(fetched) == [novgorod]
    card = await _card(app, uid, novgorod)
    assert "Сумма: 2,5 млрд руб." in card  # the page's sum, whoever came first
    assert "7 млрд руб." in card and "Источники называют разную сумму" in card


async def _press(app: App, uid: int, message: object, text: str) -> None:
    await app.fake.press_button(uid, message, text=text)  # type: ignore[arg-type]
    await app.fake.wait_for(uid, "answerCallbackQuery")


async def _visible_everywhere(app: App, uid: int, agreement_id: int, partner: str, region: str) -> dict[str, bool]:
    """Whether the agreement shows in each kind of answer."""
    seen: dict[str, bool] = {}
    for name, command in (
        ("region", f"/region {region}"),
        ("partner", f"/partner {partner}"),
        ("search", f"/search {partner}"),
    ):
        await app.fake.send_command(uid, command)
        [reply] = await app.fake.wait_for(uid)
        seen[name] = agreement_id in _card_ids(reply)
    await app.fake.send_command(uid, "/export")
    exported = await app.fake.wait_for(uid, ("sendDocument", "sendMessage"))
    rows = []
    if exported[0].method == "sendDocument":
        [data] = exported[0].files.values()
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))[1:]
    seen["export"] = any(row[0] == str(agreement_id) for row in rows)
    await app.fake.send_command(uid, "/recent")
    [recent] = await app.fake.wait_for(uid)
    seen["recent"] = agreement_id in _card_ids(recent)
    await app.fake.send_command(uid, "/stats")
    [stats] = await app.fake.wait_for(uid)
    seen["stats"] = region in stats.text
    with_photo = await app.fake.wait_for(uid, "sendPhoto", timeout=10)
    assert with_photo
    seen["card"] = "не найдено" not in await _card(app, uid, agreement_id)
    return seen


async def test_report_hide_restore_and_delete(app: App, uid: int) -> None:
    text = (
        TOMSK.replace("Томской", "Магаданской")
        .replace("Владимир Мазур", "Сергей Носов")
        .replace("Северный ветер", "Колымский луч")
    )
    await app.fake.send_text(uid, text)
    [stored] = await app.fake.wait_for(uid, timeout=30)
    [target] = _card_ids(stored)
    region, partner = "Магаданская область", "Колымский луч"
    assert set((await _visible_everywhere(app, uid, target, partner, region)).values()) == {True}

    # a user reports it from the full card
    await app.fake.send_command(uid, f"/agreement {target}")
    [card] = await app.fake.wait_for(uid)
    assert ("Неверно?", f"rp:{target}") in card.buttons
    await _press(app, uid, card, "Неверно?")
    [question] = await app.fake.wait_for(uid)
    assert "Что не так" in question.text
    assert [t for t, _ in question.buttons] == [
        "Не соглашение", "Неверные стороны", "Неверная дата или сумма", "Отмена",
    ]  # fmt: skip
    await _press(app, uid, question, "Не соглашение")
    [thanks] = await app.fake.wait_for(uid, "editMessageText")
    assert "Спасибо" in thanks.text and "передано администраторам" in thanks.text
    await app.fake.press_button(uid, card, text="Неверно?")  # the same report again
    await app.fake.wait_for(uid, "answerCallbackQuery")
    [question] = await app.fake.wait_for(uid)
    await _press(app, uid, question, "Не соглашение")
    [again] = await app.fake.wait_for(uid, "editMessageText")
    assert "уже сообщали" in again.text
    assert await _count(app, Report, Report.__table__.c.agreement_id == target) == 1

    # only admins see reports and act on them, also through forged buttons
    await app.fake.send_command(uid, "/reports")
    [refused] = await app.fake.wait_for(uid)
    assert "только администраторам" in refused.text
    await app.fake.forge_callback(uid, card, f"md:h:{target}")
    assert "только администраторам" in await _answer_text(app, uid)
    assert (await _visible_everywhere(app, uid, target, partner, region))["card"]

    await app.fake.send_command(ADMIN_ID, "/reports")
    [reports] = await app.fake.wait_for(ADMIN_ID)
    assert f"№{target}" in reports.text and "не соглашение ×1" in reports.text
    await _press(app, ADMIN_ID, reports, f"Скрыть №{target}")
    [hidden] = await app.fake.wait_for(ADMIN_ID)
    assert "скрыто" in hidden.text
    seen = await _visible_everywhere(app, uid, target, partner, region)
    assert set(seen.values()) == {False}, seen
    await app.fake.press_button(uid, stored, f"ag:{target}")  # an old card button
    assert "не найдено" in await _answer_text(app, uid)
    await app.fake.send_command(ADMIN_ID, "/reports")
    [none_open] = await app.fake.wait_for(ADMIN_ID)
    assert f"№{target}" not in none_open.text

    await app.fake.send_command(ADMIN_ID, f"/restore {target}")
    [restored] = await app.fake.wait_for(ADMIN_ID)
    assert "снова показывается" in restored.text
    assert set((await _visible_everywhere(app, uid, target, partner, region)).values()) == {True}

    await app.fake.send_command(ADMIN_ID, f"/delete {target}")
    [ask] = await app.fake.wait_for(ADMIN_ID)
    assert "Скрыть его или удалить совсем?" in ask.text
    await _press(app, ADMIN_ID, ask, "Удалить совсем")
    [deleted] = await app.fake.wait_for(ADMIN_ID)
    assert "удалено" in deleted.text
    assert set((await _visible_everywhere(app, uid, target, partner, region)).values()) == {False}
    # the article sent again, or an edited copy, does not bring it back
    await app.fake.send_text(uid, text)
    [known] = await app.fake.wait_for(uid, timeout=30)
    assert ALREADY_KNOWN in known.text and target not in _card_ids(known)
    await app.fake.send_text(uid, text + " Строительство начнётся летом.")
    [copy] = await app.fake.wait_for(uid, timeout=30)
    assert target not in _card_ids(copy)
    await app.fake.send_command(ADMIN_ID, f"/restore {target}")
    [no] = await app.fake.wait_for(ADMIN_ID)
    assert "вернуть его нельзя" in no.text
    # the report is kept, resolved, with the agreement as it was reported
    async with app.sessionmaker() as session:
        row = (
            await session.execute(select(Report.__table__).where(Report.__table__.c.agreement_id == target))
        ).one()
    assert row.status == "resolved" and row.resolution == "hidden" and "Колымский луч" in row.snapshot


async def test_admin_commands_are_for_admins_in_help_and_menu(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/help")
    [user_help] = await app.fake.wait_for(uid)
    assert "/reports" not in user_help.text and "Неверно?" in user_help.text
    await app.fake.send_command(ADMIN_ID, "/help")
    [admin_help] = await app.fake.wait_for(ADMIN_ID)
    assert "/reports" in admin_help.text and "/delete" in admin_help.text and "/restore" in admin_help.text
    for _ in range(100):
        if len(app.fake.commands) >= 2:
            break
        await asyncio.sleep(0.05)
    menus = {key: {c["command"] for c in commands} for key, commands in app.fake.commands.items()}
    default = next(v for k, v in menus.items() if '"default"' in k)
    admin = next(v for k, v in menus.items() if str(ADMIN_ID) in k)
    assert "reports" not in default and {"reports", "delete", "restore", "reload"} <= admin
