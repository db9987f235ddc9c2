"""Consumers of the article queue: each takes the next job in turn, reads it and hands the outcome
to the burst replies. Knows nothing of what a job is about; `process` does the reading."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from intake.bursts import BurstReplies, Outcome
from intake.queue import ArticleJob, ArticleQueue
from shared_state import is_outage

log = logging.getLogger(__name__)

FAILED = Outcome(
    parts=[
        "Извините, эту статью не удалось обработать из-за внутренней ошибки. Пришлите её ещё раз чуть позже."
    ],
    lines=["внутренняя ошибка — пришлите ещё раз чуть позже"],
)

# the base or Redis did not answer while the article was read: it is kept and read again
KEPT = (
    "База временно недоступна, но ваша статья не потеряна: она в очереди, и я прочитаю её, как только "
    "база снова ответит."
)


class ArticleWorkers:
    """`consumers` tasks taking jobs from `queue`; started and stopped with the bot."""

    def __init__(
        self,
        queue: ArticleQueue,
        replies: BurstReplies,
        process: Callable[[ArticleJob], Awaitable[Outcome]],
        consumers: int = 8,
        outage_patience: float = 600.0,
    ) -> None:
        self.queue = queue
        self.replies = replies
        self.process = process
        self.consumers = max(1, consumers)
        self._tasks: list[asyncio.Task[None]] = []
        self._running: dict[str, ArticleJob] = {}
        self.processed = 0
        self.outage_patience = outage_patience  # seconds an article is retried while the base is down

    def start(self) -> None:
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._consume(), name=f"articles-{i}") for i in range(self.consumers)
            ]

    async def _consume(self) -> None:
        while True:
            job = await self.queue.take()
            if job is None:
                return
            self._running[job.job_id] = job
            outcome = FAILED
            try:
                outcome = await self._patiently(job)
            except asyncio.CancelledError:
                raise  # shutting down: `stop` tells the user
            except Exception:
                log.exception("article job %s of user %s failed", job.job_id, job.user_id)
            finally:
                await self.queue.done(job)
            self._running.pop(job.job_id, None)
            self.processed += 1
            try:
                await self.replies.finished(job, outcome)
            except Exception:  # a reply that can't go out must not stop the consumer
                log.exception("could not answer article job %s", job.job_id)

    async def _patiently(self, job: ArticleJob) -> Outcome:
        """`process(job)`, tried again with a growing pause while the base or Redis does not answer
        (the user is told once that the article is kept), for up to `outage_patience` seconds."""
        deadline = time.monotonic() + self.outage_patience
        pause, told = 1.0, False
        while True:
            try:
                return await self.process(job)
            except Exception as exc:
                if not is_outage(exc) or time.monotonic() + pause > deadline:
                    raise
                log.warning("article job %s: the base does not answer (%r); retrying", job.job_id, exc)
            if not told:
                told = True
                with contextlib.suppress(Exception):
                    await self.replies.notice(job.chat_id, KEPT)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 30.0)

    async def stop(self, drain_timeout: float = 60.0) -> None:
        """Take no new jobs, read the queued ones for up to `drain_timeout` seconds, answer what is
        done, and tell users about the rest, so that nothing accepted disappears in silence."""
        await self.queue.close()
        left = await self.queue.drain(drain_timeout)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        interrupted = list(self._running.values())
        self._running.clear()
        await self.replies.flush_all()
        if left or interrupted:
            log.warning("shutting down with %d articles unread", len(left) + len(interrupted))
            await self.replies.lost(interrupted + left)
