"""Extraction off the event loop: a process pool whose workers load the models once."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date

from extraction.models import Agreement

log = logging.getLogger(__name__)
# How often a worker looks whether the bot that started it is still there.
PARENT_POLL_SECONDS = 0.25


def _watch_parent(parent: int) -> None:
    """End this worker as soon as `parent` is gone (killed, OOM-killed): orphaned workers would
    otherwise hold their memory forever, and a supervisor restarting the bot would pile them up."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(0)


def _init_worker(parent: int | None = None) -> None:
    """Worker initializer: end with the parent, leave signals to it, load natasha and the rules once."""
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    # Ctrl+C or a SIGTERM sent to the whole process group (systemd, a terminal) is the parent's to
    # handle: it finishes the articles in flight, which needs these workers, then ends them itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    import extraction

    warm_up = getattr(extraction, "warm_up", None)
    if warm_up is not None:
        warm_up()


def _extract(text: str, published: date | None) -> list[Agreement]:
    from extraction import extract

    return extract(text, published)


def _ping() -> bool:
    return True


class ExtractPool:
    """A small process pool; `await pool.run(text, published)` never blocks the event loop."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self._executor = self._new_executor()
        self._inflight: dict[tuple[str, date | None], asyncio.Future[list[Agreement]]] = {}
        self.extractions = 0  # texts actually sent to the workers

    def _new_executor(self) -> ProcessPoolExecutor:
        # spawn: forking a process that runs an event loop and threads is unsafe
        ctx = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(),)
        )

    async def warm_up(self) -> None:
        """Start the workers (and load their models) ahead of the first article."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._executor, _ping) for _ in range(self.workers)))

    async def run(self, text: str, published: date | None = None) -> list[Agreement]:
        """Agreements of `text`; the same text asked for concurrently (a post forwarded by many
        users at once) is extracted once."""
        key = (text, published)
        future = self._inflight.get(key)
        if future is None:
            future = asyncio.ensure_future(self._run(text, published))
            self._inflight[key] = future
            future.add_done_callback(lambda f, k=key: self._done(k, f))
        # shield: one caller going away must not cancel the extraction for the others
        return list(await asyncio.shield(future))

    def _done(self, key: tuple[str, date | None], future: asyncio.Future[list[Agreement]]) -> None:
        self._inflight.pop(key, None)
        if not future.cancelled():
            future.exception()  # retrieved, even when every caller went away

    async def _run(self, text: str, published: date | None) -> list[Agreement]:
        self.extractions += 1
        loop = asyncio.get_running_loop()
        executor = self._executor
        try:
            return await loop.run_in_executor(executor, _extract, text, published)
        except BrokenProcessPool:
            # a worker died (killed, out of memory): replace the pool once and retry
            log.error("extraction worker died; restarting the pool")
            if self._executor is executor:
                self._executor = self._new_executor()
            return await loop.run_in_executor(self._executor, _extract, text, published)

    def close(self) -> None:
        """Stop at once: workers hold no state, so one still loading its models is just ended
        (killed: they ignore SIGTERM, which is meant for the bot)."""
        processes = list(getattr(self._executor, "_processes", {}).values())
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join(timeout=5)


async def run_extract(pool: ExtractPool, text: str, published: date | None = None) -> list[Agreement]:
    """Module-level convenience wrapper around `pool.run`."""
    return await pool.run(text, published)
