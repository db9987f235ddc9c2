"""fetch_article, and Fetcher: one shared session, in-flight de-duplication, a TTL cache."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from types import TracebackType

import aiohttp
from aiohttp.abc import AbstractResolver

from .article import FetchedArticle, extract_article, plain_text_article
from .decode import decode_bytes
from .errors import FetchError, NoArticleError
from .feed import fetch_feed
from .http import RawPage, fetch_raw, make_session
from .limits import FetchLimits
from .urls import normalize_url

log = logging.getLogger(__name__)

# Very long texts are not cached, so the cache's memory stays bounded (256 x 200k chars).
_CACHE_MAX_CHARS = 200_000


async def _fetch(url: str, limits: FetchLimits, session: aiohttp.ClientSession) -> FetchedArticle:
    page = await fetch_raw(url, limits=limits, session=session)
    text = decode_bytes(page.body, page.charset, html=page.is_html)
    if not page.is_html:
        return plain_text_article(text, page.url)
    # trafilatura is CPU-bound; a thread keeps the event loop answering other users.
    try:
        return await asyncio.to_thread(
            extract_article,
            text,
            page.url,
            min_text_chars=limits.min_text_chars,
            max_elements=limits.max_elements,
        )
    except FetchError:
        raise
    except Exception as exc:  # a parser crash on hostile markup must still end in a clear answer
        log.warning("article extraction failed for %s", page.url, exc_info=True)
        raise NoArticleError() from exc


async def fetch_article(
    url: str, *, limits: FetchLimits | None = None, session: aiohttp.ClientSession | None = None
) -> FetchedArticle:
    """Fetch one link and extract its article; raise a FetchError subclass on failure.

    Pass a ``session`` from ``make_session`` to reuse connections; another session is
    accepted but only gets a resolve-before-connect check (no DNS rebinding protection).
    """
    limits = limits or FetchLimits.from_env()
    if session is not None:
        return await _fetch(url, limits, session)
    async with make_session(limits) as own:
        return await _fetch(url, limits, own)


class Fetcher:
    """Long-lived fetcher for the bot: the same link asked by many users is fetched once.

    Concurrent ``fetch`` calls for one normalized URL await the same task; successful
    results are kept ``limits.cache_ttl`` seconds (at most ``cache_size`` of them).
    """

    def __init__(
        self,
        limits: FetchLimits | None = None,
        *,
        resolver: AbstractResolver | None = None,
        cache_size: int = 256,
    ) -> None:
        self.limits = limits or FetchLimits.from_env()
        self._resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self._inflight: dict[str, asyncio.Task[FetchedArticle]] = {}
        self._cache: OrderedDict[str, tuple[float, FetchedArticle]] = OrderedDict()
        self._cache_size = cache_size
        self._closed = False

    @property
    def session(self) -> aiohttp.ClientSession:
        """The guarded session, created on first use."""
        if self._closed:
            raise RuntimeError("Fetcher is closed")
        if self._session is None or self._session.closed:
            self._session = make_session(self.limits, resolver=self._resolver)
        return self._session

    async def fetch(self, url: str) -> FetchedArticle:
        """Article behind ``url`` (cached, or shared with a fetch already running)."""
        key = normalize_url(url)  # raises InvalidUrlError for a malformed link
        hit = self._cache.get(key)
        if hit is not None:
            stored_at, article = hit
            if time.monotonic() - stored_at < self.limits.cache_ttl:
                self._cache.move_to_end(key)
                return article
            del self._cache[key]
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(self._run(key, url), name=f"fetch {key}")
            self._inflight[key] = task
            task.add_done_callback(lambda t, k=key: self._done(k, t))
        # shield: one caller giving up must not cancel the fetch for the others.
        return await asyncio.shield(task)

    async def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, max_bytes: int | None = None
    ) -> RawPage:
        """A feed's bytes through the same guarded session and limits (never cached: the poller
        sends the validators of its last copy instead)."""
        return await fetch_feed(
            url,
            limits=self.limits,
            session=self.session,
            etag=etag,
            last_modified=last_modified,
            max_bytes=max_bytes,
        )

    async def fetch_many(self, urls: list[str]) -> list[tuple[str, FetchedArticle | FetchError]]:
        """Fetch up to ``limits.max_links`` links at once; each result or error beside its link."""
        chosen = urls[: self.limits.max_links]
        results = await asyncio.gather(*(self.fetch(u) for u in chosen), return_exceptions=True)
        out: list[tuple[str, FetchedArticle | FetchError]] = []
        for url, result in zip(chosen, results, strict=True):
            if isinstance(result, FetchError | FetchedArticle):
                out.append((url, result))
            elif isinstance(result, Exception):
                # A bug on one link must not take the other links' answers down with it.
                log.error("unexpected error fetching %s", url, exc_info=result)
                out.append(
                    (url, FetchError("internal", "Не удалось прочитать ссылку из-за внутренней ошибки."))
                )
            else:
                raise result  # cancellation
        return out

    async def _run(self, key: str, url: str) -> FetchedArticle:
        article = await _fetch(url, self.limits, self.session)
        if self.limits.cache_ttl > 0 and len(article.text) <= _CACHE_MAX_CHARS:
            self._cache[key] = (time.monotonic(), article)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return article

    def _done(self, key: str, task: asyncio.Task[FetchedArticle]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled():
            task.exception()  # mark retrieved even when every caller went away

    async def close(self) -> None:
        """Cancel running fetches and close the session."""
        self._closed = True
        tasks = list(self._inflight.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
