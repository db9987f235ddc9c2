"""Article extraction: body kept, menus/footers/comments dropped, title and original date."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from aiohttp import web

from fetching import NoArticleError, extract_article, fetch_article, publication_date

from .conftest import LOCAL, html_page

NEWS = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8">
<title>Псковская область и «Кедр» договорились о сотрудничестве — Вести Пскова</title>
<meta property="og:title" content="Псковская область и «Кедр» договорились о сотрудничестве">
{meta}
</head><body>
<header><div class="today">Сегодня 21 ноября 2026 года</div>
<nav class="menu"><ul><li><a href="/">Главная</a></li><li><a href="/pol">Политика</a></li>
<li><a href="/eco">Экономика и МЕНЮСАЙТА</a></li><li><a href="/sport">Спорт</a></li></ul></nav></header>
<main><article>
<h1>Псковская область и «Кедр» договорились о сотрудничестве</h1>
{time}
<p>Губернатор Псковской области Олег Морозов и председатель совета директоров компании «Кедр»
Анна Белова подписали соглашение о создании деревообрабатывающего производства в Великих Луках.</p>
<p>Инвестиции в проект оцениваются в 3,2 миллиарда рублей. На предприятии будет создано
около четырёхсот рабочих мест, а первая продукция выйдет уже в следующем году.</p>
<p>Стороны также договорились о подготовке кадров на базе местного колледжа.</p>
</article>
<section class="comments" id="comments"><h3>Комментарии читателей</h3>
<div class="comment"><p>Иван: КОММЕНТАРИЙЧИТАТЕЛЯ, посмотрим, что построят.</p></div>
<div class="comment"><p>Ольга: ВТОРОЙКОММЕНТАРИЙ и опять обещания.</p></div></section>
</main>
<footer><p>© 2026 Вести Пскова ПОДВАЛСАЙТА. Все права защищены. 18+</p></footer>
</body></html>"""

META = '<meta property="article:published_time" content="2019-10-22T10:15:00+03:00">'
TIME = '<time datetime="2019-10-22T10:15:00+03:00">22 октября 2019</time>'


@pytest.mark.parametrize(("meta", "time_tag"), [(META, TIME), (META, ""), ("", TIME)])
async def test_news_page_body_title_and_original_date(serve, meta: str, time_tag: str) -> None:
    html = NEWS.format(meta=meta, time=time_tag)

    async def handler(_: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html")

    server = await serve({"/news/2019/agreement": handler})
    result = await fetch_article(server.url("/news/2019/agreement"), limits=LOCAL)
    assert "деревообрабатывающего производства в Великих Луках" in result.text
    assert "подготовке кадров" in result.text
    for junk in (
        "МЕНЮСАЙТА",
        "ПОДВАЛСАЙТА",
        "КОММЕНТАРИЙЧИТАТЕЛЯ",
        "ВТОРОЙКОММЕНТАРИЙ",
        "Комментарии читателей",
    ):
        assert junk not in result.text
    assert result.title == "Псковская область и «Кедр» договорились о сотрудничестве"
    assert result.text.splitlines()[0] == result.title
    assert result.published == dt.date(2019, 10, 22)  # not the header's "today"


def test_page_without_date_metadata_has_no_date() -> None:
    # Only the header's "today" and the footer's year: neither is the article's date.
    result = extract_article(NEWS.format(meta="", time=""), "http://news.example/item")
    assert result.published is None


def test_date_from_url_path() -> None:
    assert publication_date(
        html_page("<p>текст</p>"), "https://news.example/2019/10/22/dogovor.html"
    ) == dt.date(2019, 10, 22)


def test_title_is_prepended_when_body_lacks_it() -> None:
    html = html_page(
        "<article><p>" + "Текст статьи о подписании соглашения. " * 5 + "</p></article>",
        title="Заголовок новости",
    )
    result = extract_article(html, "http://x.example/a")
    assert result.title == "Заголовок новости"
    assert result.text.startswith("Заголовок новости\n\n")


async def test_page_with_no_article_is_refused(serve) -> None:
    empty = html_page(
        "<nav><a href='/'>Главная</a> <a href='/login'>Войти</a></nav>"
        "<form><input name='q'><button>Найти</button></form><footer>© 2026</footer>"
    )

    async def handler(_: web.Request) -> web.Response:
        return web.Response(text=empty, content_type="text/html")

    server = await serve({"/": handler})
    with pytest.raises(NoArticleError) as info:
        await fetch_article(server.url("/"), limits=LOCAL)
    assert "не нашлось текста статьи" in info.value.message_ru


def test_empty_html_is_no_article() -> None:
    with pytest.raises(NoArticleError):
        extract_article("", "http://x.example/")
    with pytest.raises(NoArticleError):
        extract_article("<html><body></body></html>", "http://x.example/")


def test_element_count_skips_scripts_and_is_linear() -> None:
    from fetching.article import count_elements

    html = "<html><body><script>if (a<b) { x = '<div>' }</script><p>x</p><STYLE>a<b</style><p>y</p></body></html>"
    assert count_elements(html) == 6
    assert count_elements("<script>" * 100_000) == 1  # unclosed script: no quadratic rescans


def test_crafted_busy_page_is_refused_quickly() -> None:
    busy = "<html><body>" + "<a href='/x'>ссылка</a> " * 60_000 + "</body></html>"
    started = time.monotonic()
    with pytest.raises(NoArticleError) as info:
        extract_article(busy, "http://x.example/")
    assert time.monotonic() - started < 1.0
    assert "громоздкая" in info.value.message_ru
