"""The JSON API over HTTP: regions, filters, paging bounds, a card, CSV, security headers, initData
checked server-side for following a region, flood control."""

from __future__ import annotations

import csv
import io
import time

import aiohttp
import pytest
from sqlalchemy import select

from db.models.follows import Follow
from shared_state.buckets import LocalTokenBuckets
from tests.botapp import App
from tests.web.conftest import init_data
from web.auth import user_of
from web.server import make_web_app

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def get(url: str, **kwargs: object) -> tuple[int, dict[str, str], bytes]:
    async with aiohttp.ClientSession() as http, http.get(url, **kwargs) as response:  # type: ignore[arg-type]
        return response.status, dict(response.headers), await response.read()


async def test_regions_cover_the_grid_with_counts(site: str) -> None:
    status, headers, body = await get(f"{site}/api/regions")
    assert status == 200
    data = __import__("json").loads(body)
    assert len(data["regions"]) == 89 and data["rows"] == 11 and data["cols"] == 19
    by_name = {r["name"]: r for r in data["regions"]}
    assert by_name["Калужская область"]["count"] >= 2  # a seed and one of ours
    assert by_name["Приморский край"]["sum"] == 2.3e10
    assert data["scale"]["count"] and data["scale"]["count"][0]["low"] == 1
    assert (
        "default-src 'self'" in headers["Content-Security-Policy"]
        and "unsafe-inline" not in headers["Content-Security-Policy"]
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, _, body = await get(f"{site}/api/regions", params={"year": "2022"})
    primorye = {r["name"]: r for r in __import__("json").loads(body)["regions"]}["Приморский край"]
    assert primorye["count"] == 1


async def test_agreements_filter_sort_and_card(site: str, extra: list[int]) -> None:
    import json

    status, _, body = await get(f"{site}/api/agreements", params={"event": "ВЭФ", "sort": "sum"})
    data = json.loads(body)
    assert status == 200 and data["total"] == 2
    assert [i["amount"]["value"] for i in data["items"]] == [2e10, 3e9]
    data = json.loads(
        (await get(f"{site}/api/agreements", params={"event": "ПМЭФ-2024", "region": "Калуга"}))[2]
    )
    assert [i["id"] for i in data["items"]] == [extra[3]]
    status, _, body = await get(f"{site}/api/agreements/{extra[3]}")
    card = json.loads(body)
    assert status == 200 and card["signatories"] == ["Иван Петров (губернатор)"]
    assert "<script>" in card["evidence"]  # data, never markup: the page sets it as text
    assert card["sources"][0]["url"] == "https://example.org/web/3"
    assert (await get(f"{site}/api/agreements/99999999"))[0] == 404
    assert (await get(f"{site}/api/agreements/abc"))[0] == 400


async def test_bounds_are_refused_with_a_russian_reason(site: str) -> None:
    import json

    for params in ({"q": "я" * 201}, {"page": "0"}, {"page": "100001"}, {"year": "20x4"}, {"sort": "name"}):
        status, headers, body = await get(f"{site}/api/agreements", params=params)
        assert status == 400, params
        assert json.loads(body)["error"] and headers["X-Content-Type-Options"] == "nosniff"
    data = json.loads((await get(f"{site}/api/agreements", params={"partner": "Несуществующая Щщщ"}))[2])
    assert data["total"] == 0 and data["unknown"] == ["partner"]


async def test_csv_of_the_selection(site: str) -> None:
    status, headers, body = await get(f"{site}/api/export.csv", params={"region": "Приморский край"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "id" and len(rows) == 3
    assert all("Приморский край" in row[6] for row in rows[1:])


async def test_events_list(site: str) -> None:
    import json

    listed = json.loads((await get(f"{site}/api/events"))[2])["events"]
    assert {(e["key"], e["year"]) for e in listed} >= {("vef", 2023), ("vef", 2022), ("pmef", 2024)}


async def test_init_data_check() -> None:
    token = "123:secret"
    assert user_of(init_data(token, 42), token) == 42
    assert user_of(init_data("123:other", 42), token) is None  # signed with another bot's token
    assert user_of(init_data(token, 42, time.time() - 25 * 3600), token) is None  # stale
    assert user_of(init_data(token, 42).replace("42", "43"), token) is None  # altered
    assert user_of("hash=00&auth_date=1", token) is None and user_of("", token) is None


async def test_follow_needs_valid_init_data(app: App, site: str) -> None:
    token = app.settings.bot_token
    assert token
    user = 555_001

    async def follow(header: str | None) -> int:
        headers = {"X-Telegram-Init-Data": header} if header is not None else {}
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{site}/api/follow", json={"region": "Калужская"}, headers=headers) as response,
        ):
            return response.status

    async def follows() -> list[str]:
        async with app.sessionmaker() as session:
            return list((await session.execute(select(Follow.key).where(Follow.user_id == user))).scalars())

    assert await follow(None) == 401
    assert await follow(init_data("999:forged", user)) == 401
    assert await follow(init_data(token, user, time.time() - 2 * 24 * 3600)) == 401
    assert await follows() == []
    assert await follow(init_data(token, user)) == 200
    assert await follows() == ["Калужская область"]


async def test_flood_control_answers_429(app: App) -> None:
    from aiohttp import web

    runner = web.AppRunner(make_web_app(app.sessionmaker, app.settings.bot_token, LocalTokenBuckets(3, 0.01)))
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        statuses = [(await get(f"http://127.0.0.1:{port}/api/events"))[0] for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
        assert (await get(f"http://127.0.0.1:{port}/"))[0] == 200  # the page itself is not counted
    finally:
        await runner.cleanup()
