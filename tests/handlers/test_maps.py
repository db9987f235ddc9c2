"""/map, /event, /events and the map button under /region and /partner, end to end through the fake
Bot API, with WEB_PUBLIC_URL set (the Mini App buttons) on the seeded base plus a few agreements."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from db.read import aggregates
from db.read.aggregates import Filters
from tests.botapp import App, start_app
from tests.web.conftest import store
from views.map_image import COUNT, SUM, bands, colour_of, render_map

pytestmark = pytest.mark.asyncio(loop_scope="module")

WEB_URL = "https://map.example.org/app"
STORED = [
    ("Приморский край", "Роснефть", (2023, 9, 11), "ВЭФ-2023", 2e10),
    ("Приморский край", "Сбер", (2022, 9, 6), "Восточный экономический форум", 3e9),
    ("Тульская область", "МТС", (2024, 6, 7), "ПМЭФ-2024", 5e8),
    ("Калужская область", "Ростех", (2024, 6, 6), "Петербургский международный экономический форум", 1.5e9),
    ("Калужская область", "Сбер", (2024, 6, 5), "ПМЭФ-2024", None),
    ("Калужская область", "Яндекс", (2023, 6, 15), "ПМЭФ-2023", 2e9),
    ("Калужская область", "Газпром", (2024, 6, 28), "XI Форум регионов России и Беларуси", None),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    """The bot with a public web address, so that «Открыть карту» buttons and the menu button appear."""
    path = tmp_path_factory.mktemp("mapdb") / "agreements.db"
    async for running in start_app(f"sqlite+aiosqlite:///{path}", web_public_url=WEB_URL):
        async with running.sessionmaker() as session:
            await store(session, STORED, "map")
        yield running


def pixels(png: bytes) -> Any:
    import matplotlib.image

    return matplotlib.image.imread(io.BytesIO(png), format="png")


def hex_of(rgba: Any) -> str:
    return "#" + "".join(f"{round(float(c) * 255):02x}" for c in rgba[:3])


async def expected_colours(app: App, filters: Filters, mode: str) -> dict[str, str]:
    async with app.sessionmaker() as session:
        totals = await aggregates.region_totals(session, await aggregates.select_by(session, filters))
    values = {t.name: float(t.count if mode == COUNT else t.total) for t in totals}
    scale = bands(max(values.values()), mode)
    return {name: colour_of(v, scale) for name, v in values.items()}


def check_tiles(png: bytes, expected: dict[str, str]) -> None:
    """Each of the 89 tiles shows the colour its count (or sum) in the base calls for."""
    probes = render_map({}, COUNT, "", []).probes  # the layout does not depend on the values
    assert len(probes) == 89
    image = pixels(png)
    seen = {name: hex_of(image[y, x]) for name, (x, y) in probes.items()}
    assert seen == {name: expected[name] for name in probes}


def web_buttons(call: Any) -> list[str]:
    markup = call.params.get("reply_markup")
    markup = json.loads(markup) if isinstance(markup, str) else markup or {}
    return [b["web_app"]["url"] for row in markup.get("inline_keyboard", []) for b in row if "web_app" in b]


async def test_map_colours_every_tile_by_the_base_and_switches_to_sums(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/map")
    [photo] = await app.fake.wait_for(uid, "sendPhoto", timeout=30)
    [png] = photo.files.values()
    check_tiles(png, await expected_colours(app, Filters(), COUNT))
    assert "Соглашения регионов" in photo.text and "1. Калужская область — 5" in photo.text
    assert web_buttons(photo) == [WEB_URL]
    [(label, data)] = photo.buttons
    assert label == "Показать по сумме"
    await app.fake.press_button(uid, photo.result["message_id"], callback_data=data)
    [by_sum] = await app.fake.wait_for(uid, "sendPhoto", timeout=30)
    [png] = by_sum.files.values()
    check_tiles(png, await expected_colours(app, Filters(), SUM))
    assert "по сумме" in by_sum.text and "1. Приморский край — 23 млрд ₽" in by_sum.text
    assert by_sum.buttons[0][0] == "Показать по количеству"


@pytest.mark.parametrize(
    ("args", "filters", "caption"),
    [
        ("2024", Filters(year=2024), "Соглашения регионов, 2024"),
        ("МТС", Filters(partner="МТС"), "Соглашения регионов: МТС"),
        ("Белоруссия", Filters(partner="Беларусь"), "Соглашения регионов: Беларусь"),
    ],
)
async def test_map_variants(app: App, uid: int, args: str, filters: Filters, caption: str) -> None:
    await app.fake.send_command(uid, f"/map {args}")
    [photo] = await app.fake.wait_for(uid, "sendPhoto", timeout=30)
    [png] = photo.files.values()
    check_tiles(png, await expected_colours(app, filters, COUNT))
    assert caption in photo.text


async def test_map_by_sum_and_unknown_names(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/map сумма 2023")
    [photo] = await app.fake.wait_for(uid, "sendPhoto", timeout=30)
    [png] = photo.files.values()
    check_tiles(png, await expected_colours(app, Filters(year=2023), SUM))
    assert "2023 — по сумме" in photo.text
    await app.fake.send_command(uid, "/map Калужская")
    [photo] = await app.fake.wait_for(uid, "sendPhoto", timeout=30)
    assert "Калужская область: 5, выделен на карте" in photo.text
    await app.fake.send_command(uid, "/map Щщщзззх")
    [answer] = await app.fake.wait_for(uid)
    assert "Не нашёл партнёра, страну или регион" in answer.text


async def test_event_with_and_without_a_year(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/event ПМЭФ-2024")
    [answer] = await app.fake.wait_for(uid)
    assert answer.text.startswith("ПМЭФ-2024\n3 соглашения на сумму 2 млрд ₽.")
    assert "Калужская область — 2" in answer.text and "Тульская область — 1" in answer.text
    assert "Ростех — 1" in answer.text
    assert (
        answer.text.index("7 июня 2024") < answer.text.index("6 июня 2024") < answer.text.index("5 июня 2024")
    )
    await app.fake.send_command(uid, "/event Петербургский международный экономический форум")
    [answer] = await app.fake.wait_for(uid)
    assert "По годам: 2024 — 3, 2023 — 1" in answer.text
    year_buttons = [(t, d) for t, d in answer.buttons if t.endswith("2023")]
    assert year_buttons
    await app.fake.press_button(uid, answer.result["message_id"], callback_data=year_buttons[0][1])
    [answer] = await app.fake.wait_for(uid)
    assert answer.text.startswith("ПМЭФ-2023\n1 соглашение")
    await app.fake.send_command(uid, "/event форум регионов России и Беларуси")
    [answer] = await app.fake.wait_for(uid)
    assert answer.text.startswith("Форум регионов России и Беларуси") and "Газпром" in answer.text
    await app.fake.send_command(uid, "/event ВЭФ-2019")
    [answer] = await app.fake.wait_for(uid)
    assert "не нашлось" in answer.text and "/events" in answer.text


async def test_event_pages(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/event ПМЭФ")
    [first] = await app.fake.wait_for(uid)
    assert "Показаны 1–4 из 4" not in first.text  # four fit on one page of five
    await app.fake.send_command(uid, "/events")
    [listed] = await app.fake.wait_for(uid)
    assert "ПМЭФ — 4 (2024: 3, 2023: 1)" in listed.text and "ВЭФ — 2 (2023: 1, 2022: 1)" in listed.text


async def test_region_answer_has_totals_and_a_map_button(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/region Калуга")
    [answer] = await app.fake.wait_for(uid)
    assert "Всего 5 соглашений" in answer.text and "на сумму 3,5 млрд ₽" in answer.text
    [(_, data)] = [(t, d) for t, d in answer.buttons if t == "На карте"]
    await app.fake.press_button(uid, answer.result["message_id"], callback_data=data)
    [photo] = await app.fake.wait_for(uid, "sendPhoto", timeout=30)
    assert "Калужская область: 5, выделен на карте" in photo.text
    await app.fake.send_command(uid, "/partner Роснефть")
    [answer] = await app.fake.wait_for(uid)
    assert "Всего" not in answer.text  # one agreement: no totals line
    [(_, data)] = [(t, d) for t, d in answer.buttons if t == "На карте"]
    await app.fake.press_button(uid, answer.result["message_id"], callback_data=data)
    [photo] = await app.fake.wait_for(uid, "sendPhoto", timeout=30)
    assert "Соглашения регионов: Роснефть" in photo.text and "1. Приморский край — 1" in photo.text


async def test_start_and_menu_open_the_page(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/start")
    [start] = await app.fake.wait_for(uid)
    assert web_buttons(start) == [WEB_URL] and "/map" in start.text and "/event" in start.text
    menu = [c for c in app.fake.calls if c.method == "setChatMenuButton"]
    assert menu and menu[-1].params["menu_button"]["web_app"]["url"] == WEB_URL
