"""Feeds parsed off the event loop, in worker processes with a time limit.

feedparser is pure Python: a malformed multi-megabyte feed falls through to its loose parser and can
take many seconds of CPU. A thread would still hold the GIL and could not be stopped; a worker process
(pebble) is killed when its time is up, and the feed is reported as too costly to read.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import multiprocessing
import threading
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool

from feeds.parse import FeedParseError, ParsedFeed, parse_feed

log = logging.getLogger(__name__)
WORKERS = 2  # feeds parsed at once
DEFAULT_SECONDS = 10.0  # FEED_PARSE_SECONDS
TOO_COSTLY = "лента слишком долго разбирается (больше {seconds:g} с): она повреждена или слишком велика"


class FeedTooCostlyError(FeedParseError):
    """Parsing took longer than allowed; the worker was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(TOO_COSTLY.format(seconds=seconds).replace(".", ","))


_pool: ProcessPool | None = None
_pool_lock = threading.Lock()


def _get_pool() -> ProcessPool:
    global _pool
    with _pool_lock:
        if _pool is None or not _pool.active:
            # spawn: the bot process has threads, and forking it could copy a held lock into the child
            _pool = ProcessPool(max_workers=WORKERS, context=multiprocessing.get_context("spawn"))
        return _pool


def close() -> None:
    """Stop the worker processes (at exit; the next parse starts them again)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.stop()
        pool.join(timeout=5)


atexit.register(close)


async def parse_off_loop(
    body: bytes, url: str | None = None, content_type: str | None = None, *, seconds: float = DEFAULT_SECONDS
) -> ParsedFeed:
    """`parse_feed` in a worker process, stopped after `seconds` (FeedTooCostlyError)."""
    future = _get_pool().schedule(parse_feed, args=(body, url, content_type), timeout=seconds)
    try:
        return await asyncio.wrap_future(future)
    except FutureTimeout as exc:
        raise FeedTooCostlyError(seconds) from exc
    except ProcessExpired as exc:  # the worker died (out of memory, a crash in a C library)
        log.warning("feed parser process died: %s", exc)
        raise FeedParseError("не удалось разобрать ленту (разбор прервался)") from exc
    except asyncio.CancelledError:
        future.cancel()
        raise
