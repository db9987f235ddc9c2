"""The feed poller: inside the bot process, reads every feed every `interval` seconds.

Each feed is polled in a task of its own, so a slow feed never holds up the others; at most one
request at a time goes to a host, and a poll reads items for at most `budget` seconds (the rest wait
for the next poll). Each poll is a conditional GET (ETag / Last-Modified) through the bot's guarded
fetcher, parsed in a worker process with a time limit (feeds.offload); a failing feed backs off
exponentially. Every item is handled once (`feed_item` keeps its guid, link and text hashes, so a
feed that changes its guids does not make it new); a page that fails in passing is read again on a
later poll (feeds.items). Each new item goes through the same ingest as an article a user sent
(`ingest`, handed in). With several bot instances only the holder of the `PollerLock` polls. A broken
feed or item is recorded and shown in /feeds; nothing stops the poller. Knows nothing of Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import feed_items
from db import feeds as store
from db.feed_items import ItemKeys, KnownItem
from db.models import KIND_FEED
from db.models.feeds import ITEM_FAILED, ITEM_KNOWN, ITEM_RETRY, ITEM_SKIPPED, ITEM_STORED
from db.write.ingest import ArticleIn, IngestResult
from extraction.reading.text import clean_text
from feeds.hosts import HostLocks
from feeds.items import (
    NO_LINK_NO_TEXT,
    BudgetSpent,
    Outcome,
    RetryPolicy,
    failed,
    given_up,
    items_summary,
    skipped,
    unique,
    with_title,
)
from feeds.lock import LocalLock, PollerLock
from feeds.offload import DEFAULT_SECONDS, parse_off_loop
from feeds.parse import FeedEntry, FeedParseError
from fetching import FetchedArticle, FetchError, RawPage

__all__ = ["FAIR_KEY", "NO_LINK_NO_TEXT", "FeedPoller", "PollReport", "PollerSettings", "mostly_russian"]
log = logging.getLogger(__name__)

IngestFn = Callable[[ArticleIn], Awaitable[IngestResult]]
# The poller's turn at the extraction workers (intake.queue.FairGate): all feeds together
# are one participant beside the users (whose ids are positive), so a big feed never crowds them out.
FAIR_KEY = -1
MAX_ARTICLE_CHARS = 200_000


class FeedFetcher(Protocol):
    """What the poller needs of `fetching.Fetcher`."""

    async def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, max_bytes: int | None = None
    ) -> RawPage: ...

    async def fetch(self, url: str) -> FetchedArticle: ...


@dataclass(frozen=True, slots=True)
class PollerSettings:
    interval: float = 900.0  # seconds between two polls of a feed (FEED_POLL_SECONDS)
    jitter: float = 0.1  # each wait is stretched or shrunk by up to this share
    max_backoff: float = 6 * 3600.0  # longest wait after failures (never below `interval`)
    max_items: int = 100  # new items read per poll; the rest wait for the next one
    max_bytes: int = 5 * 1024 * 1024  # a feed's body (full-text feeds are large)
    concurrency: int = 8  # feeds polled at once (each host still gets one request at a time)
    min_chars: int = 80  # shorter item texts are no article
    lock_refresh: float = 30.0  # seconds between refreshes of the poller lock
    budget: float = 120.0  # seconds a poll may spend reading items (FEED_POLL_BUDGET_SECONDS)
    parse_seconds: float = DEFAULT_SECONDS  # longest parse of a feed (FEED_PARSE_SECONDS)
    item_attempts: int = 5  # reads of an item whose page fails in passing (FEED_ITEM_ATTEMPTS)
    retry_base: float | None = None  # wait before an item's second read (None: half the interval)

    def retry_policy(self) -> RetryPolicy:
        base = self.interval / 2 if self.retry_base is None else self.retry_base
        return RetryPolicy(max(1, self.item_attempts), base, max(self.interval, self.max_backoff))


@dataclass(slots=True)
class PollReport:
    """What one poll of a feed did."""

    feed_id: int
    not_modified: bool = False
    items_in_feed: int = 0
    new_items: int = 0
    stored: int = 0
    known: int = 0
    skipped: int = 0
    failed: int = 0
    retrying: int = 0  # items whose page failed in passing: read again on a later poll
    deferred: int = 0  # items the time budget left for the next poll
    waiting: bool = False  # some item of the copy waits for a retry: fetch the whole feed next time
    new_agreement_ids: list[int] = field(default_factory=list)
    error: str | None = None  # the poll failed (the feed is backed off)
    item_errors: list[str] = field(default_factory=list)
    title: str | None = None  # the feed's own title
    etag: str | None = None  # validators of the copy read
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class _Fresh:
    """An item of the copy to read now: its entry, keys, and the stored row when it is a retry."""

    entry: FeedEntry
    keys: ItemKeys
    known: KnownItem | None


def mostly_russian(text: str) -> bool:
    """Enough Cyrillic letters to be a Russian article (the only ones extraction reads)."""
    letters = [c for c in text[:20_000] if c.isalpha()]
    cyrillic = sum(1 for c in letters if "а" <= c.lower() <= "я" or c in "ёЁ")
    return len(letters) >= 20 and cyrillic >= 0.5 * len(letters)


class FeedPoller:
    """Polls the feeds stored in the base; `start()` with the bot, `stop()` on shutdown."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        fetcher: FeedFetcher,
        ingest: IngestFn,
        *,
        lock: PollerLock | None = None,
        settings: PollerSettings | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.fetcher = fetcher
        self.ingest = ingest
        self.lock = lock or LocalLock()
        self.settings = settings or PollerSettings()
        self.retry = self.settings.retry_policy()
        self.hosts = HostLocks()
        self.holding = False
        self._lock_lost = False  # set when a refresh fails: running polls stop reading items
        self.polls = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._gate = asyncio.Semaphore(max(1, self.settings.concurrency))
        self._running: dict[int, asyncio.Task[PollReport]] = {}  # feed id -> its poll

    # ---- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="feed-poller")

    def wake(self) -> None:
        """Look for due feeds now (a feed was just added)."""
        self._wake.set()

    async def stop(self) -> None:
        """Cancel the loop and the polls under way (an item being read is read again next time) and
        give up the lock."""
        task, self._task = self._task, None
        tasks = [t for t in (task, *self._running.values()) if t is not None]
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        self._running.clear()
        if self.holding:
            self.holding = False
            with contextlib.suppress(Exception):
                await self.lock.release()

    async def _run(self) -> None:
        while True:
            delay = self.settings.lock_refresh
            self._wake.clear()  # a wake-up during the round below is for the next one
            try:
                held = self.holding
                self.holding = await (self.lock.refresh() if held else self.lock.acquire())
                if self.holding:
                    self._lock_lost = False
                    await self._launch_due()
                    delay = await self._until_next()
                elif held:
                    log.warning("lost the feeds lock: another instance polls now")
                    self._lock_lost = True
            except asyncio.CancelledError:
                raise
            except Exception:  # the base went away for a moment: try again later, never crash the bot
                log.exception("feed poller round failed")
                delay = min(self.settings.lock_refresh, max(1.0, self.settings.interval))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.05, delay))

    async def _until_next(self) -> float:
        async with self.sessionmaker() as session:
            due = await store.next_due(session, frozenset(self._running))
        cap = min(self.settings.lock_refresh, self.settings.interval)
        if due is None:
            return cap
        return max(0.05, min(cap, (due - datetime.now(UTC)).total_seconds()))

    async def _launch_due(self) -> None:
        """Start a poll of each due feed not being polled already; each runs on its own."""
        async with self.sessionmaker() as session:
            due = await store.due_feeds(session, datetime.now(UTC))
        for feed in due:
            if feed.id in self._running:
                continue
            task = asyncio.create_task(self._gated(feed), name=f"feed-{feed.id}")
            self._running[feed.id] = task
            task.add_done_callback(lambda _t, feed_id=feed.id: self._done(feed_id))

    def _done(self, feed_id: int) -> None:
        self._running.pop(feed_id, None)
        self._wake.set()  # its next poll time is recorded: look again

    async def _gated(self, feed: store.FeedRow) -> PollReport:
        async with self._gate:
            return await self.poll_feed(feed)

    # ---- polling ---------------------------------------------------------------------------

    async def poll_due(self) -> list[PollReport]:
        """Poll the feeds whose time has come, a few at once, and wait for them all."""
        async with self.sessionmaker() as session:
            due = await store.due_feeds(session, datetime.now(UTC))
        return list(await asyncio.gather(*(self._gated(feed) for feed in due)))

    def _next_poll(self, now: datetime, failures: int) -> datetime:
        interval = self.settings.interval
        wait = interval
        if failures:
            wait = min(interval * 2**failures, max(interval, self.settings.max_backoff))
        wait *= random.uniform(1 - self.settings.jitter, 1 + self.settings.jitter)
        return now + timedelta(seconds=wait)

    async def poll_feed(self, feed: store.FeedRow) -> PollReport:
        """Fetch a feed, read its new items, and record what came of it. Never raises (but for
        cancellation): a broken feed is recorded with its error and backed off."""
        report = PollReport(feed.id)
        try:
            await self._poll(feed, report)
        except asyncio.CancelledError:
            raise
        except FetchError as exc:
            report.error = exc.message_ru
        except FeedParseError as exc:
            report.error = f"Не удалось прочитать ленту: {exc.message_ru}."
        except Exception:
            log.exception("polling feed %s (%s) failed", feed.id, feed.url)
            report.error = "Не удалось прочитать ленту: внутренняя ошибка."
        self.polls += 1
        now = datetime.now(UTC)
        failures = feed.failures + 1 if report.error else 0
        error = report.error or items_summary(report.failed + report.skipped, report.item_errors)
        # Items waiting for a retry or for the next budget: the next poll must see the whole copy.
        whole_next_time = report.waiting or report.deferred > 0
        try:
            async with self.sessionmaker() as session:
                await store.record_poll(
                    session,
                    feed.id,
                    now=now,
                    next_poll_at=self._next_poll(now, failures),
                    failures=failures,
                    error=error,
                    etag=None if whole_next_time else report.etag,
                    last_modified=None if whole_next_time else report.last_modified,
                    items_in_feed=report.items_in_feed if not report.error and not report.not_modified else None,
                    keep_validators=bool(report.error) or (report.not_modified and not whole_next_time),
                    title=report.title,
                )
        except Exception:
            log.exception("could not record the poll of feed %s", feed.id)
        if report.error:
            log.info("feed %s (%s): %s", feed.id, feed.url, report.error)
        return report

    async def _poll(self, feed: store.FeedRow, report: PollReport) -> None:
        async with self.hosts.hold(feed.url):
            page = await self.fetcher.fetch_feed(
                feed.url, etag=feed.etag, last_modified=feed.last_modified, max_bytes=self.settings.max_bytes
            )
        if page.not_modified:
            report.not_modified = True
            return
        content_type = f"application/xml; charset={page.charset}" if page.charset else None
        parsed = await parse_off_loop(page.body, page.url, content_type, seconds=self.settings.parse_seconds)
        report.etag, report.last_modified, report.title = page.etag, page.last_modified, parsed.title
        report.items_in_feed = len(parsed.entries)
        fresh = await self._fresh(feed, parsed.entries, report)
        report.new_items = len(fresh)
        deadline = asyncio.get_running_loop().time() + self.settings.budget
        for n, item in enumerate(reversed(fresh)):  # feeds list the newest first: store in publication order
            if self._lock_lost:  # the lock went to another instance: it reads the rest
                return
            if asyncio.get_running_loop().time() >= deadline:
                report.deferred = len(fresh) - n
                return
            try:
                await self._item(feed, item, report, deadline)
            except BudgetSpent:
                report.deferred = len(fresh) - n
                return

    async def _fresh(self, feed: store.FeedRow, entries: list[FeedEntry], report: PollReport) -> list[_Fresh]:
        """The entries to read now: new ones, and passing failures whose wait is over (at most max_items)."""
        entries, keys = unique(entries)
        async with self.sessionmaker() as session:
            known = await feed_items.known_items(session, feed.id, keys)
        now = datetime.now(UTC)
        fresh: list[_Fresh] = []
        for entry, item_keys, row in zip(entries, keys, known, strict=True):
            if row is not None and row.status == ITEM_RETRY:
                report.waiting = True
            if row is None or row.due(now):
                fresh.append(_Fresh(entry, item_keys, row))
        return fresh[: self.settings.max_items]

    async def _item(self, feed: store.FeedRow, item: _Fresh, report: PollReport, deadline: float) -> None:
        entry = item.entry
        attempts = (item.known.attempts if item.known else 0) + 1
        try:
            outcome = await self._read_item(entry, report, attempts, deadline)
        except (asyncio.CancelledError, BudgetSpent):
            raise
        except Exception as exc:  # one item breaking must not hold up the feed's others, now or later
            log.exception("reading item %r of feed %s failed", entry.link or entry.key, feed.id)
            outcome = self.retry.after_failure(exc, attempts, datetime.now(UTC)) or failed(
                given_up("внутренняя ошибка при чтении записи", attempts)
            )
        counter = {ITEM_STORED: "stored", ITEM_KNOWN: "known", ITEM_SKIPPED: "skipped", ITEM_RETRY: "retrying"}
        name = counter.get(outcome.status, "failed")
        setattr(report, name, getattr(report, name) + 1)
        if outcome.status == ITEM_RETRY:
            report.waiting = True
        elif outcome.error:
            report.item_errors.append(outcome.error)
        key = item.known.key if item.known else (item.keys.key or item.keys.content_key)
        if key is None:  # nothing to know it by: it is counted, and looked at again next time
            return
        async with self.sessionmaker() as session:
            await feed_items.record_item(
                session, feed.id, key, link=entry.link, status=outcome.status, article_id=outcome.article_id,
                error=outcome.error, attempts=attempts if outcome.status in (ITEM_RETRY, ITEM_FAILED) else 0,
                retry_at=outcome.retry_at, link_key=item.keys.link_key, content_key=item.keys.content_key,
            )  # fmt: skip

    async def _read_item(self, entry: FeedEntry, report: PollReport, attempts: int, deadline: float) -> Outcome:
        """What came of one item: stored, known, skipped, failed, or to be retried later."""
        if entry.link is None and not entry.text and not entry.summary:
            return skipped(NO_LINK_NO_TEXT)
        text, title, published = with_title(entry.text, entry.title), entry.title, entry.published
        if (text is None or len(text) < self.settings.min_chars) and entry.link:
            try:
                page = await self._fetch_page(entry.link, deadline)
                text, title, published = page.text, title or page.title, published or page.published
            except FetchError as exc:
                retry = self.retry.after_failure(exc, attempts, datetime.now(UTC))
                if retry is not None:
                    return retry
                fallback = with_title(entry.summary, entry.title)
                if fallback is None or len(fallback) < self.settings.min_chars:
                    return failed(given_up(exc.message_ru, attempts))
                text = fallback  # the teaser is better than nothing
        elif text is None:
            text = with_title(entry.summary, entry.title)
        text = clean_text(text or "").strip()
        if len(text) < self.settings.min_chars:
            return skipped("у записи слишком короткий текст")
        if len(text) > MAX_ARTICLE_CHARS:
            return skipped("у записи слишком длинный текст")
        if not mostly_russian(text):
            return skipped("запись не на русском языке")
        article = ArticleIn(
            text=text, url=entry.link, published=published, title=title, source="feed", kind=KIND_FEED
        )
        result = await self.ingest(article)
        report.new_agreement_ids.extend(result.new_ids)
        return Outcome(ITEM_KNOWN if result.already_known else ITEM_STORED, result.article_id)

    async def _fetch_page(self, url: str, deadline: float) -> FetchedArticle:
        """An item's page, one request at a time per host, within the poll's time budget."""
        try:
            async with asyncio.timeout_at(deadline):
                async with self.hosts.hold(url):
                    return await self.fetcher.fetch(url)
        except TimeoutError as exc:
            raise BudgetSpent from exc
