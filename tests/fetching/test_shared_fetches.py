"""Fetchers of several instances sharing Redis: a link is fetched once for all of them, kept for the
TTL, failures are not kept, and a Redis outage only costs the sharing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from fetching import BadStatusError, Fetcher
from shared_state import SharedState, open_shared_state

from .conftest import ARTICLE_MARKER, LOCAL
from .test_fetcher import slow_article


@pytest.fixture
async def states(redis_url: str) -> AsyncIterator[list[SharedState]]:
    made = [open_shared_state(redis_url, "t:") for _ in range(3)]
    try:
        yield made
    finally:
        for state in made:
            await state.close()


async def test_a_link_asked_on_two_instances_at_once_is_fetched_once(serve, states: list[SharedState]) -> None:
    server = await serve({"/news": slow_article(0.3)})
    async with Fetcher(LOCAL, shared=states[0].fetches) as a, Fetcher(LOCAL, shared=states[1].fetches) as b:
        results = await asyncio.gather(*((a if i % 2 else b).fetch(server.url("/news")) for i in range(10)))
    assert server.hits == {"/news": 1}
    assert {r.text for r in results} == {results[0].text} and ARTICLE_MARKER in results[0].text
    assert len({r.url for r in results}) == 1

    async with Fetcher(LOCAL, shared=states[2].fetches) as c:  # a third instance, later: the kept copy
        again = await c.fetch(server.url("/news#top"))
    assert server.hits == {"/news": 1}
    assert again.text == results[0].text and again.published == results[0].published


async def test_a_failed_fetch_is_not_kept_and_every_instance_answers(serve, states: list[SharedState]) -> None:
    async def missing(_: web.Request) -> web.Response:
        await asyncio.sleep(0.2)
        return web.Response(status=404, text="нет такой страницы")

    server = await serve({"/gone": missing})
    async with Fetcher(LOCAL, shared=states[0].fetches) as a, Fetcher(LOCAL, shared=states[1].fetches) as b:
        results = await asyncio.gather(a.fetch(server.url("/gone")), b.fetch(server.url("/gone")),
                                       return_exceptions=True)  # fmt: skip
        assert all(isinstance(r, BadStatusError) for r in results)
        hits = server.hits["/gone"]
        assert hits <= 2  # the waiting instance tried once more after the other one failed
        with pytest.raises(BadStatusError):
            await a.fetch(server.url("/gone"))
    assert server.hits["/gone"] == hits + 1  # nothing was kept


async def test_an_unreachable_redis_only_costs_the_sharing(serve) -> None:
    server = await serve({"/news": slow_article(0)})
    dead = open_shared_state("redis://127.0.0.1:1/0")
    try:
        async with Fetcher(LOCAL, shared=dead.fetches) as fetcher:
            article = await fetcher.fetch(server.url("/news"))
            await fetcher.fetch(server.url("/news"))  # the local cache still works
    finally:
        await dead.close()
    assert ARTICLE_MARKER in article.text
    assert server.hits == {"/news": 1}
