"""The queue of articles users send: a queue per user, taken in turn, with caps per user.

An article is never dropped by flood control: it is queued here, and the bot says so when it can't
be (the user's share is full). Consumers `take()` jobs round-robin across users, and at most
`running_per_user` jobs of one user run at once, so one user sending thirty long documents holds
one extraction worker while everybody else's articles are read on the others (or next, with one).

The scarce resource, the extraction workers, is shared through `FairGate`: whoever waits for a
worker is let in user by user, so a user's second article being fetched or stored meanwhile never
puts another user's article behind it.

`ArticleQueue` is the interface; `LocalArticleQueue` the in-process default. A shared
implementation (Redis) keeps the same semantics: jobs are plain data (`ArticleJob.to_dict`).
This module knows nothing of Telegram or the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

# Admission.reason
USER_JOBS, USER_CHARS, TOTAL, CLOSED = "user_jobs", "user_chars", "total", "closed"


@dataclass(frozen=True, slots=True)
class ArticleJob:
    """One message to read as an article. `kind`: text, links, document, photo or other."""

    user_id: int
    chat_id: int
    message_id: int
    kind: str
    text: str = ""
    urls: tuple[str, ...] = ()
    file_id: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    published: str | None = None  # ISO date of a forward's original post
    sent: str | None = None  # ISO date (Moscow) the user sent the message: reads "вчера" in a dateless text
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    accepted_at: float = field(default_factory=time.time)

    @property
    def cost(self) -> int:
        """Characters (or document bytes) this job holds or will read: the per-user share counts them."""
        return len(self.text) + (self.file_size or 0)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["urls"] = list(self.urls)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleJob:
        return cls(**{**data, "urls": tuple(data.get("urls") or ())})


@dataclass(frozen=True, slots=True)
class Admission:
    """Whether `put` took the job; `pending` is the user's jobs queued or running afterwards."""

    accepted: bool
    pending: int
    reason: str | None = None
    limit: int = 0  # the cap that was reached


@dataclass(frozen=True, slots=True)
class QueueLimits:
    per_user: int = 100  # jobs queued or running per user
    user_chars: int = 2_000_000  # characters (document bytes) queued per user
    total: int = 10_000  # jobs queued in all
    running_per_user: int = 2  # jobs of one user taken at once (one extracting, one fetched or stored)


class ArticleQueue(Protocol):
    """What the bot needs of an article queue (in-process or shared between instances)."""

    async def put(self, job: ArticleJob) -> Admission:
        """Queue `job` unless a cap is reached (never blocks)."""
        ...

    async def take(self) -> ArticleJob | None:
        """The next job, round-robin across users; waits for one; None once closed and empty."""
        ...

    async def done(self, job: ArticleJob) -> None:
        """`job`, taken earlier, is finished (read and answered, or failed and answered)."""
        ...

    async def pending(self, user_id: int) -> int:
        """The user's jobs queued or running."""
        ...

    async def close(self) -> None:
        """Refuse new jobs from now on; `take` still hands out the queued ones."""
        ...

    async def drain(self, timeout: float) -> list[ArticleJob]:
        """Wait until every job is done, at most `timeout` seconds; returns the jobs never taken
        (removed from the queue, for the caller to tell their users)."""
        ...


class LocalArticleQueue:
    """`ArticleQueue` in one process's memory."""

    def __init__(self, limits: QueueLimits | None = None) -> None:
        self.limits = limits or QueueLimits()
        self._queues: dict[int, deque[ArticleJob]] = {}
        self._turns: deque[int] = deque()  # users with queued jobs, in the order they are served
        self._running: dict[int, int] = {}
        self._chars: dict[int, int] = {}
        self._queued = 0
        self._closed = False
        self._changed = asyncio.Condition()

    async def put(self, job: ArticleJob) -> Admission:
        user = job.user_id
        pending = self._pending(user)
        limits = self.limits
        if self._closed:
            return Admission(False, pending, CLOSED)
        if pending >= limits.per_user:
            return Admission(False, pending, USER_JOBS, limits.per_user)
        if job.cost and self._chars.get(user, 0) + job.cost > limits.user_chars:
            return Admission(False, pending, USER_CHARS, limits.user_chars)
        if self._queued >= limits.total:
            return Admission(False, pending, TOTAL, limits.total)
        queue = self._queues.get(user)
        if queue is None:
            queue = self._queues[user] = deque()
            self._turns.append(user)
        queue.append(job)
        self._queued += 1
        self._chars[user] = self._chars.get(user, 0) + job.cost
        async with self._changed:
            self._changed.notify_all()
        return Admission(True, pending + 1)

    def _pending(self, user: int) -> int:
        queue = self._queues.get(user)
        return (len(queue) if queue else 0) + self._running.get(user, 0)

    def _next(self) -> ArticleJob | None:
        """The first user in turn who may run one more job gives one; they go to the back."""
        for _ in range(len(self._turns)):
            user = self._turns[0]
            self._turns.rotate(-1)
            if self._running.get(user, 0) >= self.limits.running_per_user:
                continue
            queue = self._queues[user]
            job = queue.popleft()
            if not queue:
                del self._queues[user]
                self._turns.remove(user)
            self._queued -= 1
            self._running[user] = self._running.get(user, 0) + 1
            return job
        return None

    async def take(self) -> ArticleJob | None:
        async with self._changed:
            while True:
                job = self._next()
                if job is not None:
                    return job
                if self._closed and not self._queued:
                    return None
                await self._changed.wait()

    async def done(self, job: ArticleJob) -> None:
        user = job.user_id
        running = self._running.get(user, 0) - 1
        if running > 0:
            self._running[user] = running
        else:
            self._running.pop(user, None)
        chars = self._chars.get(user, 0) - job.cost
        if chars > 0:
            self._chars[user] = chars
        else:
            self._chars.pop(user, None)
        async with self._changed:
            self._changed.notify_all()

    async def pending(self, user_id: int) -> int:
        return self._pending(user_id)

    async def close(self) -> None:
        self._closed = True
        async with self._changed:
            self._changed.notify_all()

    async def drain(self, timeout: float) -> list[ArticleJob]:
        deadline = time.monotonic() + timeout
        async with self._changed:
            while self._queued or self._running:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    break
            left = [job for queue in self._queues.values() for job in queue]
            self._queues.clear()
            self._turns.clear()
            self._queued = 0
            self._changed.notify_all()
        return left

    def stats(self) -> dict[str, int]:
        """Queued and running jobs, and users waiting (for logs and benchmarks)."""
        return {"queued": self._queued, "running": sum(self._running.values()), "users": len(self._queues)}


class FairGate:
    """At most `capacity` holders at once (the extraction workers of this process); of those waiting,
    the user let in longest ago (or never) goes first, not whoever came first."""

    def __init__(self, capacity: int = 1) -> None:
        self.capacity = max(1, capacity)
        self._holders = 0
        self._waiting: dict[int, deque[asyncio.Future[None]]] = {}
        self._served: dict[int, int] = {}  # user -> number of the last grant (a bounded table)
        self._grants = 0

    @contextlib.asynccontextmanager
    async def slot(self, user_id: int) -> AsyncIterator[None]:
        if self._holders < self.capacity and not self._waiting:
            self._grant(user_id)
        else:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.setdefault(user_id, deque()).append(future)
            try:
                await future
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():  # let in just as the caller went away
                    self._release()
                else:
                    self._forget(user_id, future)
                raise
        try:
            yield
        finally:
            self._release()

    def _grant(self, user_id: int) -> None:
        self._holders += 1
        self._grants += 1
        self._served.pop(user_id, None)
        self._served[user_id] = self._grants
        if len(self._served) > 10_000:
            self._served.pop(next(iter(self._served)))

    def _forget(self, user_id: int, future: asyncio.Future[None]) -> None:
        queue = self._waiting.get(user_id)
        if queue is not None and future in queue:
            queue.remove(future)
            if not queue:
                del self._waiting[user_id]

    def _release(self) -> None:
        self._holders -= 1
        while self._holders < self.capacity and self._waiting:
            user = min(self._waiting, key=lambda u: self._served.get(u, 0))  # dicts keep arrival order
            queue = self._waiting[user]
            future = queue.popleft()
            if not queue:
                del self._waiting[user]
            if future.cancelled():
                continue
            self._grant(user)
            future.set_result(None)
