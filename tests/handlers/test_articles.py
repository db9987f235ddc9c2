"""Articles from users end to end: forwards, captions, documents, links (a real local site) and bad input."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
import pytest_asyncio
from aiohttp import web

from db.read import queries
from handlers.articles import ALREADY_KNOWN
from tests.botapp import App, start_app

pytestmark = pytest.mark.asyncio(loop_scope="module")

# Sentences of our own (not from the dev set).
FORWARD = (
    "Вчера в Ярославле губернатор Ярославской области Михаил Евраев и ректор МГУ Виктор Садовничий "
    "подписали меморандум о сотрудничестве в области образования. Стороны откроют в регионе филиал "
    "подготовительных курсов для школьников."
)
CAPTION = (
    "Администрация Томской области и ООО «Северный ветер» заключили соглашение о строительстве ветропарка. "
    "Соглашение подписали губернатор Томской области Владимир Мазур и генеральный директор компании "
    "Пётр Сидоров. Объём инвестиций составит 2,5 млрд рублей."
)
LINKED = (
    "Правительство Тульской области и компания «Ростелеком» подписали соглашение о сотрудничестве в сфере "
    "цифровой экономики. Документ 14 июня подписали губернатор Тульской области Алексей Дюмин и президент "
    "ПАО «Ростелеком» Михаил Осеевский в ходе Петербургского международного экономического форума. "
    "Стороны намерены развивать сети связи в малых населённых пунктах региона."
)
NO_AGREEMENT = (
    "В Костромской области завершился сезон сбора урожая. Аграрии собрали больше зерна, чем в прошлом году, "
    "а губернатор поблагодарил работников сельского хозяйства за их труд на торжественном собрании."
)
WEATHER = "Синоптики обещают в регионе тёплую погоду и кратковременные дожди к выходным дням. "


def page(title: str, body: str, published: str) -> str:
    paragraphs = "".join(f"<p>{s}.</p>" for s in body.split(". ") if s)
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='article:published_time' content='{published}'></head><body>"
        "<nav><a href='/'>Главная</a> <a href='/about'>О нас</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>© Новости регионов. Все права защищены.</footer></body></html>"
    )


class Site:
    """A small local news site on 127.0.0.1 with good and bad pages."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.base = ""
        self.runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{name}", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.hits[name] = self.hits.get(name, 0) + 1
        if name in ("tula", "shared"):
            await asyncio.sleep(0.3)  # long enough for concurrent requests to overlap
            html = page("Тула и Ростелеком подписали соглашение", LINKED, "2022-06-15")
            if name == "shared":
                html = html.replace("малых населённых пунктах", "сёлах и деревнях")
            return web.Response(text=html, content_type="text/html")
        if name == "missing":
            return web.Response(status=404, text="not found")
        if name == "broken":
            return web.Response(status=500, text="oops")
        if name == "report.pdf":
            return web.Response(body=b"%PDF-1.4\n" + b"0" * 1000, content_type="application/pdf")
        if name == "picture.png":
            return web.Response(body=b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
        if name == "loop":
            raise web.HTTPFound("/loop")
        if name == "huge":
            return web.Response(body=b"<p>" + b"x" * (10 * 1024 * 1024), content_type="text/html")
        if name == "slow":
            await asyncio.sleep(5)
            return web.Response(text="late", content_type="text/html")
        return web.Response(status=404)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site() -> AsyncIterator[Site]:
    s = Site()
    await s.start()
    yield s
    await s.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    """The bot allowed to open 127.0.0.1 (the local site), with short fetch time limits."""
    mp = pytest.MonkeyPatch()
    mp.setenv("FETCH_TOTAL_TIMEOUT", "2")
    mp.setenv("FETCH_READ_TIMEOUT", "1.5")
    path = tmp_path_factory.mktemp("articles") / "agreements.db"
    try:
        async for running in start_app(f"sqlite+aiosqlite:///{path}", allow_private_urls=True):
            yield running
    finally:
        mp.undo()


async def _counts(app: App) -> tuple[int, int]:
    async with app.sessionmaker() as session:
        stats = await queries.stats(session)
    return stats.articles, stats.agreements


async def test_forward_uses_forward_date_stores_and_knows_it_again(app: App, uid: int) -> None:
    articles_before, _ = await _counts(app)
    when = datetime(2023, 6, 15, 9, 30, tzinfo=UTC)
    await app.fake.send_text(uid, FORWARD, forward_date=when, forward_from_chat_title="Вести Ярославль")
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "Нашёл соглашений: 1" in reply.text
    assert "Ярославская область" in reply.text and "МГУ" in reply.text
    assert "14 июня 2023" in reply.text  # "вчера" resolved against the forward's date
    card = next(d for _, d in reply.buttons if d.startswith("ag:"))
    async with app.sessionmaker() as session:
        view = await queries.get(session, int(card.split(":")[1]))
    assert view is not None and view.sources[0].published == date(2023, 6, 15)
    assert (await _counts(app))[0] == articles_before + 1

    await app.fake.send_text(uid + 1, FORWARD, forward_date=when)  # someone else forwards the same post
    [again] = await app.fake.wait_for(uid + 1, timeout=30)
    assert ALREADY_KNOWN in again.text and "Ярославская область" in again.text
    assert (await _counts(app))[0] == articles_before + 1


async def test_photo_caption_is_an_article(app: App, uid: int) -> None:
    await app.fake.send_photo(uid, caption=CAPTION)
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "Томская область" in reply.text and "Северный ветер" in reply.text
    assert "2,5 млрд руб." in reply.text


async def test_text_without_agreement_is_said_so_and_kept(app: App, uid: int) -> None:
    before, _ = await _counts(app)
    await app.fake.send_text(uid, NO_AGREEMENT)
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "не нашлось подписанных соглашений" in reply.text and "сохранена" in reply.text
    assert (await _counts(app))[0] == before + 1


async def test_markup_and_entities_are_escaped(app: App, uid: int) -> None:
    text = (
        "<b>Срочно</b> & <script>alert('x')</script> *важно* _курсив_ `код` [ссылка](javascript:alert) "
        + CAPTION.replace("Северный ветер", "Северный <ветер> & Ко")
    )
    entities = [{"type": "bold", "offset": 0, "length": 8}, {"type": "italic", "offset": 10, "length": 5}]
    await app.fake.send_text(uid, text, entities=entities)
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "Томская область" in reply.text  # parsed, no 400 (checked by the fixture)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("   ", "Пришлите текст новости"),
        ("Привет!", "понял сообщение как вопрос"),  # a short text is a question, never an article
        (
            "The government of the region and a telecom company signed a cooperation agreement today, "
            "the governor said at the economic forum in the regional capital.",
            "не похоже на русский текст",
        ),
        ("#$%^&*()_+=-0987654321!@#$%^&*()_+{}|:<>?~`" * 5 + "ÿþ\x7f\x10¤§" * 20, "не похоже на текст"),
    ],
)
async def test_bad_text_gets_a_clear_answer_and_is_not_stored(
    app: App, uid: int, text: str, expected: str
) -> None:
    before = await _counts(app)
    await app.fake.send_text(uid, text)
    [reply] = await app.fake.wait_for(uid)
    assert expected in reply.text
    assert await _counts(app) == before


async def test_huge_text_and_huge_document(app: App, uid: int) -> None:
    huge = WEATHER * (100_000 // len(WEATHER) + 1)
    assert len(huge) >= 100_000
    await app.fake.send_text(uid, huge)
    replies = await app.fake.wait_for(uid, timeout=60)
    assert "не нашлось" in replies[0].text and "Текст длинный" in replies[0].text
    doc = ("Новости области. " + NO_AGREEMENT + " " + huge).encode("utf-8")
    await app.fake.send_document(uid, doc, "big-article.txt")
    [reply] = await app.fake.wait_for(uid, timeout=60)
    assert "не нашлось" in reply.text
    await app.fake.send_document(uid, b"a" * (2 * 1024 * 1024), "enormous.txt")
    [too_big] = await app.fake.wait_for(uid)
    assert "слишком большой" in too_big.text


async def test_txt_document_in_windows_1251(app: App, uid: int) -> None:
    text = (
        LINKED.replace("14 июня", "20 июля")
        .replace("Тульской", "Рязанской")
        .replace("Алексей Дюмин", "Павел Малков")
    )
    await app.fake.send_document(uid, text.encode("cp1251"), "новость.txt")
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "Рязанская область" in reply.text and "Ростелеком" in reply.text


async def test_html_document_is_read_as_an_article(app: App, uid: int) -> None:
    body = CAPTION.replace("Томской", "Омской").replace("Владимир Мазур", "Виталий Хоценко")
    html = page("Омская область и «Северный ветер»", body, "2021-09-01")
    await app.fake.send_document(uid, html.encode("utf-8"), "omsk.html")
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "Омская область" in reply.text and "Северный ветер" in reply.text


async def test_other_documents_are_refused(app: App, uid: int) -> None:
    await app.fake.send_document(uid, b"%PDF-1.4 ...", "report.pdf")
    [reply] = await app.fake.wait_for(uid)
    assert "только файлы .txt и .html" in reply.text


async def test_link_is_fetched_and_read(app: App, site: Site, uid: int) -> None:
    await app.fake.send_text(uid, f"Смотрите: {site.base}/tula")
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "Ссылка:" in reply.text and "Тула и Ростелеком подписали соглашение" in reply.text
    assert "Тульская область" in reply.text and "Ростелеком" in reply.text
    assert "14 июня 2022" in reply.text  # the year comes from the page's publication date


async def test_several_links_grouped_with_errors(app: App, site: Site, uid: int) -> None:
    links = " ".join(f"{site.base}/{name}" for name in ("missing", "broken", "report.pdf"))
    await app.fake.send_text(uid, links)
    [reply] = await app.fake.wait_for(uid, timeout=30)
    text = reply.text
    assert text.index("Ссылка 1:") < text.index("404") < text.index("Ссылка 2:") < text.index("500")
    assert text.index("Ссылка 3:") < text.index("PDF")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("picture.png", "не веб-страница"),
        ("loop", "по кругу"),
        ("huge", "слишком большая"),
        ("slow", "не ответил"),
    ],
)
async def test_link_errors_get_their_russian_message(
    app: App, site: Site, uid: int, name: str, expected: str
) -> None:
    await app.fake.send_text(uid, f"{site.base}/{name}")
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert expected in reply.text


async def test_malformed_url(app: App, uid: int) -> None:
    await app.fake.send_text(uid, "http://-bad-host-/news")
    [reply] = await app.fake.wait_for(uid)
    assert "Не удалось открыть ссылку" in reply.text


async def test_same_link_from_20_users_is_fetched_once_and_stored_once(
    app: App, site: Site, uid: int
) -> None:
    before, _ = await _counts(app)
    users = [uid + 1000 * i for i in range(20)]
    for user in users:
        await app.fake.send_text(user, f"{site.base}/shared")
    replies = [(await app.fake.wait_for(user, timeout=60))[0] for user in users]
    assert site.hits["shared"] == 1
    known = [r for r in replies if ALREADY_KNOWN in r.text]
    assert len(known) == 19
    assert all("Тульская область" in r.text for r in replies)
    assert (await _counts(app))[0] == before + 1


async def test_same_post_forwarded_by_20_users_at_once_is_extracted_and_stored_once(
    app: App, uid: int
) -> None:
    text = FORWARD.replace("Ярославской", "Владимирской").replace("Михаил Евраев", "Александр Авдеев")
    text = text.replace("Вчера в Ярославле", "Во Владимире")
    before, _ = await _counts(app)
    pool = app.dp["pool"]
    extractions = pool.extractions
    users = [uid + 1000 * i for i in range(20)]
    when = datetime(2024, 5, 20, 8, 0, tzinfo=UTC)
    for user in users:
        await app.fake.send_text(user, text, forward_date=when)
    replies = [(await app.fake.wait_for(user, timeout=60))[0] for user in users]
    assert sum(ALREADY_KNOWN in r.text for r in replies) == 19
    assert all("Владимирская область" in r.text for r in replies)
    assert (await _counts(app))[0] == before + 1
    assert pool.extractions - extractions == 1
