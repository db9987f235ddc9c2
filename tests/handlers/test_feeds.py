"""News feeds end to end: an admin adds a local feed with /feed_add, a new item about a region
appears in it, and within a few poll intervals /region answers with it; /feeds and removal."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.botapp import ADMIN_ID, App, start_app
from tests.feeds.samples import NO_AGREEMENT, Item, malformed_feed, rss, story
from tests.feeds.site import FeedSite

pytestmark = pytest.mark.asyncio(loop_scope="module")

NEWS = story(8)  # Пензенская область, a region the seeds know nothing of


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site() -> AsyncIterator[FeedSite]:
    s = await FeedSite().start()
    s.put("/rss.xml", rss([Item("old", s.url("/n/old"), "Урожай", full_text=NO_AGREEMENT)]), etag='"v1"')
    yield s
    await s.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(tmp_path_factory: pytest.TempPathFactory, site: FeedSite) -> AsyncIterator[App]:
    """The bot allowed to open 127.0.0.1, polling feeds every second; FEEDS_FILE lists a dead feed."""
    folder = tmp_path_factory.mktemp("feeds")
    feeds_file = folder / "feeds.txt"
    feeds_file.write_text(f"# feeds read at start\n{site.url('/dead.xml')}\n\nnot a url\n", encoding="utf-8")
    options = {
        "allow_private_urls": True, "feed_poll_seconds": 1.0, "feeds_file": feeds_file, "throttle_burst": 0,
        "feed_parse_seconds": 1.0,
    }  # fmt: skip
    async for running in start_app(f"sqlite+aiosqlite:///{folder / 'agreements.db'}", **options):
        yield running


async def _ask(app: App, command: str, timeout: float = 30) -> str:
    await app.fake.send_command(ADMIN_ID, command)
    [reply] = await app.fake.wait_for(ADMIN_ID, timeout=timeout)
    return reply.text or ""


async def test_feed_commands_are_for_admins_only(app: App, uid: int) -> None:
    for command in ("/feed_add http://example.com/rss", "/feeds", "/feed_remove 1"):
        await app.fake.send_command(uid, command)
        [reply] = await app.fake.wait_for(uid)
        assert "только администраторам" in reply.text


async def test_bad_feed_add_gets_a_clear_answer(app: App, site: FeedSite) -> None:
    assert "Укажите адрес ленты" in await _ask(app, "/feed_add")
    assert "ошибка 404" in await _ask(app, f"/feed_add {site.url('/nothing.xml')}")
    site.put("/page.html", b"<!DOCTYPE html><html><body><p>page</p></body></html>", "text/html")
    assert "не лента RSS или Atom" in await _ask(app, f"/feed_add {site.url('/page.html')}")
    assert "Ленту не добавил" in await _ask(app, "/feed_add ftp://example.com/rss")
    assert "Укажите номер ленты" in await _ask(app, "/feed_remove abc")
    assert "Ленты №999 нет" in await _ask(app, "/feed_remove 999")


async def test_a_costly_malformed_feed_is_refused_within_seconds(app: App, site: FeedSite) -> None:
    site.put("/costly.xml", malformed_feed())  # ~20 s of feedparser's CPU if parsed to the end
    reply = await _ask(app, f"/feed_add {site.url('/costly.xml')}", timeout=8)
    assert "Ленту не добавил" in reply and "слишком долго разбирается" in reply


async def test_added_feed_is_polled_and_region_answers_with_its_news(app: App, site: FeedSite) -> None:
    reply = await _ask(app, f"/feed_add {site.url('/rss.xml')}")
    assert "добавлена" in reply and "«Новости регионов»" in reply and "Записей в ней сейчас: 1" in reply
    assert "уже есть" in await _ask(app, f"/feed_add {site.url('/rss.xml')}")
    before = site.hits.get("/rss.xml", 0)
    for _ in range(300):  # the poller reads it at once (the item with no agreement)
        if site.hits.get("/rss.xml", 0) > before:
            break
        await asyncio.sleep(0.1)
    assert "Северный ветер" not in await _ask(app, f"/region {NEWS.region}")
    follower = 55_501  # follows the region: the feed's news reaches them as an alert
    await app.fake.send_command(follower, f"/follow {NEWS.region}")
    [followed] = await app.fake.wait_for(follower)
    assert "Пензенская область" in (followed.text or "")

    site.put(  # a new item about a region appears in the feed
        "/rss.xml",
        rss(
            [
                Item("new", site.url("/n/new"), NEWS.title, full_text=NEWS.text),
                Item("old", site.url("/n/old"), "Урожай", full_text=NO_AGREEMENT),
            ]
        ),
        etag='"v2"',
    )
    answer = ""
    for _ in range(60):  # a few poll intervals of one second, and extraction (on a busy machine)
        answer = await _ask(app, f"/region {NEWS.region}")
        if NEWS.company in answer:
            break
        await asyncio.sleep(1)
    assert "Пензенская область" in answer and NEWS.company in answer, answer
    assert site.not_modified.get("/rss.xml", 0) >= 1  # polls in between were conditional GETs
    [alert] = await app.fake.wait_for(
        follower, timeout=10, predicate=lambda c: "по вашей подписке" in (c.text or "")
    )
    assert NEWS.company in (alert.text or "") and NEWS.title in (alert.text or "")


async def test_feeds_lists_each_feed_and_a_button_removes_it(app: App, site: FeedSite) -> None:
    await app.fake.send_command(ADMIN_ID, "/feeds")
    [listing] = await app.fake.wait_for(ADMIN_ID)
    text = listing.text or ""
    assert "Ленты новостей: 2" in text
    assert site.url("/dead.xml") in text and "ошибка 404" in text  # from FEEDS_FILE, failing
    assert "Записей прочитано: 2, соглашений найдено: 1" in text
    assert "Последний опрос:" in text and "Следующий опрос:" in text
    buttons = [label for label, _ in listing.buttons]
    assert buttons == ["Удалить ленту №1", "Удалить ленту №2"]
    [rss_feed] = [n for n in (1, 2) if f"№{n} «" in text or f"№{n} Новости" in text]

    await app.fake.press_button(ADMIN_ID, listing, text=f"Удалить ленту №{rss_feed}")
    [edit] = await app.fake.wait_for(ADMIN_ID, "editMessageText")
    assert f"Лента №{rss_feed} удалена" in (edit.text or "") and "остаются в базе" in (edit.text or "")
    again = await _ask(app, "/feeds")
    assert "Ленты новостей: 1" in again and site.url("/rss.xml") not in again
    assert NEWS.company in await _ask(app, f"/region {NEWS.region}")  # what it found stays
    dead = 3 - rss_feed
    assert f"Лента №{dead} удалена" in await _ask(app, f"/feed_remove {dead}")
    assert "Лент новостей пока нет" in await _ask(app, "/feeds")


async def test_help_and_menu_list_the_feed_commands_for_admins(app: App, uid: int) -> None:
    admin_help = await _ask(app, "/help")
    assert "/feed_add" in admin_help and "/feeds" in admin_help and "/feed_remove" in admin_help
    await app.fake.send_command(uid, "/help")
    [user_help] = await app.fake.wait_for(uid)
    assert "/feed_add" not in (user_help.text or "")
    menus = [c for c in app.fake.calls if c.method == "setMyCommands"]
    admin_menu = next(c for c in menus if "scope" in c.params and str(ADMIN_ID) in json.dumps(c.params["scope"]))
    commands = json.dumps(admin_menu.params["commands"], ensure_ascii=False)
    assert "feed_add" in commands and "feeds" in commands and "feed_remove" in commands
    public = next(c for c in menus if "scope" not in c.params)
    assert "feed_add" not in json.dumps(public.params["commands"])



async def test_a_long_feeds_list_is_split_within_telegram_limits() -> None:
    from datetime import UTC, datetime

    from db.feeds import FeedStatus
    from handlers.feeds_admin import feeds_messages

    now = datetime.now(UTC)
    feeds = [
        FeedStatus(n, f"https://news{n}.example/" + "x" * 400, "Лента " * 40, now, now, 3, "ошибка " * 200, 50, 10, 2)
        for n in range(1, 26)
    ]
    messages = feeds_messages(feeds, now)
    assert len(messages) > 1 and all(len(text) <= 4096 for text, _ in messages)
    shown = [int(b.callback_data.split(":")[2]) for _, kb in messages for [b] in kb.inline_keyboard]
    assert shown == list(range(1, 26))
    for text, keyboard in messages:  # each message's buttons are for the feeds it shows
        for [button] in keyboard.inline_keyboard:
            assert f"<b>№{button.callback_data.split(':')[2]}</b>" in text
