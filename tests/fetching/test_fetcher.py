"""Fetcher: one fetch for many concurrent callers, a TTL cache, grouped results."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from aiohttp import web

from fetching import BadStatusError, FetchedArticle, Fetcher, InvalidUrlError, NotTextError

from .conftest import ARTICLE_MARKER, ARTICLE_PARAGRAPHS, LOCAL, StubResolver, html_page


def slow_article(delay: float = 0.2):
    async def handler(_: web.Request) -> web.Response:
        await asyncio.sleep(delay)  # keep the fetch in flight while the others arrive
        return web.Response(
            text=html_page(f"<article>{ARTICLE_PARAGRAPHS}</article>"), content_type="text/html"
        )

    return handler


async def test_twenty_concurrent_fetches_of_one_link_hit_the_server_once(serve) -> None:
    server = await serve({"/news": slow_article()})
    async with Fetcher(LOCAL, resolver=StubResolver({})) as fetcher:
        variants = [
            server.url("/news"),
            server.url("/news#comments"),
            server.url("/news").upper().replace("/NEWS", "/news"),
        ]
        results = await asyncio.gather(*(fetcher.fetch(variants[i % 3]) for i in range(20)))
    assert server.hits == {"/news": 1}
    assert all(r is results[0] for r in results)
    assert ARTICLE_MARKER in results[0].text


async def test_results_are_cached_for_the_ttl(serve) -> None:
    server = await serve({"/news": slow_article(0)})
    async with Fetcher(LOCAL) as fetcher:
        first = await fetcher.fetch(server.url("/news"))
        second = await fetcher.fetch(server.url("/news"))
    assert first is second
    assert server.hits == {"/news": 1}

    async with Fetcher(dataclasses.replace(LOCAL, cache_ttl=0)) as fetcher:
        await fetcher.fetch(server.url("/news"))
        await fetcher.fetch(server.url("/news"))
    assert server.hits == {"/news": 3}


async def test_errors_are_shared_but_not_cached(serve) -> None:
    async def missing(_: web.Request) -> web.Response:
        await asyncio.sleep(0.1)
        return web.Response(status=404)

    server = await serve({"/gone": missing})
    async with Fetcher(LOCAL) as fetcher:
        results = await asyncio.gather(
            *(fetcher.fetch(server.url("/gone")) for _ in range(5)), return_exceptions=True
        )
        assert all(isinstance(r, BadStatusError) and r.status == 404 for r in results)
        assert server.hits == {"/gone": 1}
        with pytest.raises(BadStatusError):
            await fetcher.fetch(server.url("/gone"))
    assert server.hits == {"/gone": 2}


async def test_one_caller_cancelled_does_not_cancel_the_others(serve) -> None:
    server = await serve({"/news": slow_article(0.3)})
    async with Fetcher(LOCAL) as fetcher:
        quitter = asyncio.create_task(fetcher.fetch(server.url("/news")))
        stayer = asyncio.create_task(fetcher.fetch(server.url("/news")))
        await asyncio.sleep(0.05)
        quitter.cancel()
        article = await stayer
    assert ARTICLE_MARKER in article.text
    assert server.hits == {"/news": 1}


async def test_fetch_many_groups_results_per_link(serve) -> None:
    async def pdf(_: web.Request) -> web.Response:
        return web.Response(body=b"%PDF-1.7", content_type="application/pdf")

    server = await serve({"/a": slow_article(0), "/doc.pdf": pdf})
    urls = [server.url("/a"), server.url("/doc.pdf"), server.url("/a?x=1"), server.url("/a?x=2")]
    async with Fetcher(LOCAL) as fetcher:
        results = await fetcher.fetch_many(urls)
    assert [url for url, _ in results] == urls[:3]  # capped at max_links
    assert isinstance(results[0][1], FetchedArticle)
    assert isinstance(results[1][1], NotTextError)
    assert isinstance(results[2][1], FetchedArticle)


async def test_malformed_url_fails_before_any_work() -> None:
    async with Fetcher(LOCAL) as fetcher:
        with pytest.raises(InvalidUrlError):
            await fetcher.fetch("not a url")
        assert fetcher._session is None  # nothing was opened


async def test_closed_fetcher_refuses_work() -> None:
    fetcher = Fetcher(LOCAL)
    await fetcher.close()
    with pytest.raises(RuntimeError):
        await fetcher.fetch("http://127.0.0.1:9/")
