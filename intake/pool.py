"""Extraction off the event loop: a process pool whose workers load the models once.

The pool is started first thing (`start()`, before aiogram is imported), so the workers load natasha
while the bot's own process starts; the bot answers commands meanwhile, and an article sent before
the models are ready simply waits for them in the pool's queue.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from pathlib import Path

from extraction.history.models import Mention
from extraction.models import Agreement

log = logging.getLogger(__name__)
# How often a worker looks whether the bot that started it is still there.
PARENT_POLL_SECONDS = 0.25


# Test only: workers wait for this file to exist before loading their models, so that a test can
# hold the models back for as long as it needs to show what the bot does before they are ready.
GATE_ENV = "TEST_EXTRACT_GATE"


def _watch_parent(parent: int) -> None:
    """End this worker as soon as `parent` is gone (killed, OOM-killed): orphaned workers would
    otherwise hold their memory forever, and a supervisor restarting the bot would pile them up."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(0)


def _wait_for_gate() -> None:
    gate = os.environ.get(GATE_ENV, "").strip()
    if gate:
        while not Path(gate).exists():
            time.sleep(0.05)


def _log_to(log_file: str | None, level: str) -> None:
    """A worker logs (and shows Python's warnings) where its bot does: to the bot's log file in
    console mode, else to stderr as by default."""
    if log_file:
        logging.basicConfig(
            filename=log_file, level=level, format="%(asctime)s %(levelname)s %(name)s[worker]: %(message)s"
        )
        logging.captureWarnings(True)


def _init_worker(parent: int | None = None, log_file: str | None = None, level: str = "INFO") -> None:
    """Worker initializer: end with the parent, leave signals to it, load natasha and the rules once."""
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    # Ctrl+C or a SIGTERM sent to the whole process group (systemd, a terminal) is the parent's to
    # handle: it finishes the articles in flight, which needs these workers, then ends them itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _log_to(log_file, level)
    _wait_for_gate()
    # The models are millions of long-lived objects: no cyclic GC while they load (it would scan
    # them over and over), and none over them afterwards (frozen), only over each article's garbage.
    gc.disable()
    try:
        import extraction

        warm_up = getattr(extraction, "warm_up", None)
        if warm_up is not None:
            warm_up()
    finally:
        gc.freeze()
        gc.enable()


Extracted = tuple[list[Agreement], list[Mention]]


def _extract(text: str, published: date | None) -> Extracted:
    """The agreements of `text` and its mentions of earlier ones (none when finding them fails:
    the agreements never depend on them)."""
    from extraction import extract
    from extraction.history import find_mentions

    agreements = extract(text, published)
    try:
        mentions = find_mentions(text, published)
    except Exception:
        log.exception("finding mentions failed")
        mentions = []
    return agreements, mentions


def _ping() -> bool:
    return True


class ExtractPool:
    """A small process pool; `await pool.run(text, published)` never blocks the event loop."""

    def __init__(self, workers: int = 1, log_file: Path | None = None, log_level: str = "INFO") -> None:
        self.workers = workers
        self._log = (str(log_file) if log_file else None, log_level)  # where workers log (None: stderr)
        self._executor = self._new_executor()
        self._inflight: dict[tuple[str, date | None], asyncio.Future[Extracted]] = {}
        self._warming: list[concurrent.futures.Future[bool]] = []
        self.extractions = 0  # texts actually sent to the workers

    def _new_executor(self) -> ProcessPoolExecutor:
        # spawn: forking a process that runs an event loop and threads is unsafe
        ctx = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=_init_worker,
            initargs=(os.getpid(), *self._log),
        )

    def start(self) -> None:
        """Spawn the workers now; they load their models in the background (no event loop needed).
        Calling it again does nothing."""
        if not self._warming:
            self._warming = [self._executor.submit(_ping) for _ in range(self.workers)]

    @property
    def ready(self) -> bool:
        """True once the workers have loaded their models."""
        return bool(self._warming) and all(f.done() for f in self._warming)

    async def warm_up(self) -> None:
        """Start the workers (and load their models) ahead of the first article; returns when they
        are ready (a worker that failed to load raises here, and is replaced on the next article)."""
        self.start()
        await asyncio.gather(*(asyncio.wrap_future(f) for f in self._warming))

    async def run(self, text: str, published: date | None = None) -> list[Agreement]:
        """Agreements of `text`; the same text asked for concurrently (a post forwarded by many
        users at once) is extracted once."""
        return (await self.run_all(text, published))[0]

    async def run_all(self, text: str, published: date | None = None) -> Extracted:
        """Agreements of `text` and its mentions of earlier agreements (extraction.history)."""
        key = (text, published)
        future = self._inflight.get(key)
        if future is None:
            future = asyncio.ensure_future(self._run(text, published))
            self._inflight[key] = future
            future.add_done_callback(lambda f, k=key: self._done(k, f))
        # shield: one caller going away must not cancel the extraction for the others
        agreements, mentions = await asyncio.shield(future)
        return list(agreements), list(mentions)

    def _done(self, key: tuple[str, date | None], future: asyncio.Future[Extracted]) -> None:
        self._inflight.pop(key, None)
        if not future.cancelled():
            future.exception()  # retrieved, even when every caller went away

    async def _run(self, text: str, published: date | None) -> Extracted:
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
        processes = list((getattr(self._executor, "_processes", None) or {}).values())  # None once shut
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join(timeout=5)


async def run_extract(pool: ExtractPool, text: str, published: date | None = None) -> list[Agreement]:
    """Module-level convenience wrapper around `pool.run`."""
    return await pool.run(text, published)
