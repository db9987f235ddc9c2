"""Limits that hold against a hostile client, end to end on SQLite and PostgreSQL: forged buttons of
every kind (ids beyond 64 bits and beyond int4, unicode digits, negatives, junk) and inline offsets
always get an answer; /follow echoes no bidi or invisible characters; two admins acting on one
agreement see each other's action."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from handlers.errors import APOLOGY, SHORT_APOLOGY, SHORT_OUTAGE
from tests.botapp import ADMIN_ID, ROOT, App, start_app_on

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEEDS = ("000_cc2a2fcf6b0f8fea.txt", "001_29f0e2c51dd71da6.txt")  # Оренбург + МТС, Калуга
SECOND_ADMIN = 778
HUGE = "99999999999999999999"  # beyond 64 bits
BEYOND_INT4 = "3000000000"
INVISIBLE = ("\u202e", "\u202d", "\u200b", "\u2066", "\u200f", "\x00")


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgresql"])
async def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    seeds = tmp_path_factory.mktemp("limit-seeds")
    for name in SEEDS:
        shutil.copy(ROOT / "seeds" / name, seeds / name)
    options = {"seeds_dir": seeds, "throttle_burst": 0, "admin_ids": frozenset({ADMIN_ID, SECOND_ADMIN})}
    async for running in start_app_on(request.param, tmp_path_factory, "limits", **options):
        yield running


def _no_apology(app: App, uid: int) -> None:
    assert not [c for c in app.fake.calls_for(uid, "sendMessage") if APOLOGY in (c.text or "")]


async def _forge(app: App, uid: int, data: str) -> str:
    """Press a forged button under the bot's last message to `uid`; the callback answer's text."""
    await app.fake.send_command(uid, "/region Калужская")
    [reply] = await app.fake.wait_for(uid)
    await app.fake.forge_callback(uid, reply, data)
    [answer] = await app.fake.wait_for(uid, "answerCallbackQuery")
    return answer.params.get("text") or ""


USER_BUTTONS = [
    (f"uf:{HUGE}", "подписки уже нет"),
    (f"uf:{BEYOND_INT4}", "подписки уже нет"),
    ("uf:-1", "подписки уже нет"),
    ("uf:²", "больше не работает"),
    ("uf:１２", "больше не работает"),
    ("uf:" + "9" * 55, "больше не работает"),
    (f"fw:r:{HUGE}", "устарела"),
    (f"fw:o:{BEYOND_INT4}", "устарела"),
    ("fw:c:-3", "устарела"),
    ("fw:r:²", "больше не работает"),
    ("fw:zz:5", "устарела"),
    ("fn:#ffffffffffff", "устарела"),
    ("pg:r:²:Калужская", "больше не работает"),
    ("pg:q:5:Калужская", "устарел"),
    ("ag:²", "больше не работает"),
    (f"rp:{BEYOND_INT4}", "не найдено"),
    ("rr:²:not_agreement", "больше не работает"),
    ("sg:r:#zzzz", "устарела"),
    (f"md:h:{HUGE}", "только администраторам"),
    (f"fd:r:{HUGE}", "только администраторам"),
    ("\u202e" * 30, "больше не работает"),
    ("uf:1:2:3", "больше не работает"),
]


@pytest.mark.parametrize(("data", "expected"), USER_BUTTONS)
async def test_every_forged_button_is_answered_in_words(app: App, uid: int, data: str, expected: str) -> None:
    text = await _forge(app, uid, data)
    assert expected in text
    assert text not in (SHORT_APOLOGY, SHORT_OUTAGE)
    _no_apology(app, uid)


ADMIN_BUTTONS = [
    (f"md:h:{HUGE}", "не найдено"),
    (f"md:d:{BEYOND_INT4}", "не найдено"),
    (f"md:v:{HUGE}", "не найдено"),
    ("md:r:²", "больше не работает"),
    (f"fd:r:{HUGE}", "Готово"),
    ("fd:r:²", "больше не работает"),
]


@pytest.mark.parametrize(("data", "expected"), ADMIN_BUTTONS)
async def test_forged_admin_buttons_are_answered_in_words(app: App, data: str, expected: str) -> None:
    text = await _forge(app, ADMIN_ID, data)
    assert expected in text
    _no_apology(app, ADMIN_ID)


@pytest.mark.parametrize("offset", ["²", "-1", HUGE, "9" * 300, "１２", "abc", "20"])
async def test_every_inline_offset_is_answered(app: App, uid: int, offset: str) -> None:
    query_id = await app.fake.send_inline_query(uid, "Калуга", offset=offset)
    await app.fake.wait_for(uid, "answerInlineQuery")
    assert query_id in app.fake.inline_answers


@pytest.mark.parametrize("command", ["/follow", "/unfollow", "/region", "/partner"])
async def test_no_bidi_or_invisible_character_is_echoed(app: App, uid: int, command: str) -> None:
    await app.fake.send_command(uid, f"{command} \u202eабв\u200bгд\u2066ежз\u200f\x00 кл")
    [reply] = await app.fake.wait_for(uid)
    assert "абвгд" in reply.text
    assert not [c for c in INVISIBLE if c in reply.text], ascii(reply.text)


async def _agreement_id(app: App, uid: int) -> int:
    await app.fake.send_command(uid, "/region Калужская")
    [reply] = await app.fake.wait_for(uid)
    return int(next(d for _, d in reply.buttons if d.startswith("ag:")).split(":")[1])


async def test_second_admin_sees_the_first_ones_delete(app: App, uid: int) -> None:
    number = await _agreement_id(app, uid)
    asked = []
    for admin in (ADMIN_ID, SECOND_ADMIN):  # both are shown the agreement and the choice
        await app.fake.send_command(admin, f"/delete {number}")
        asked += await app.fake.wait_for(admin)
    await app.fake.press_button(ADMIN_ID, asked[0], f"md:d:{number}")
    [deleted] = await app.fake.wait_for(ADMIN_ID)
    assert "удалено" in deleted.text
    await app.fake.press_button(SECOND_ADMIN, asked[1], f"md:h:{number}")
    [answer] = await app.fake.wait_for(SECOND_ADMIN, "answerCallbackQuery")
    [told] = await app.fake.wait_for(SECOND_ADMIN)
    assert "Уже удалено" in told.text and "вернуть его нельзя" in told.text
    assert "/restore" not in told.text and "скрыто" not in told.text
    assert answer.params.get("text") == "Уже сделано"
    await app.fake.send_command(SECOND_ADMIN, f"/restore {number}")
    [restore] = await app.fake.wait_for(SECOND_ADMIN)
    assert "вернуть его нельзя" in restore.text


def test_every_button_kind_declares_its_numbers_as_checked_types() -> None:
    """A new button kind with a bare `int` would skip the one check: every int field is RowId or
    Offset (views.keyboards), whose validator refuses non-ASCII digits and bounds the value."""
    from aiogram.filters.callback_data import CallbackData

    import handlers  # noqa: F401 - every router module, and with them every button kind
    from handlers import fresh_routers
    from views.keyboards import _offset, _row_id

    fresh_routers()
    kinds = CallbackData.__subclasses__()
    assert len(kinds) >= 10
    for kind in kinds:
        for name, field in kind.model_fields.items():
            if field.annotation is int:
                checks = [getattr(m, "func", None) for m in field.metadata]
                assert _row_id in checks or _offset in checks, f"{kind.__name__}.{name}"
