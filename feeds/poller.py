"""The feed poller: inside the bot process, reads every feed every `interval` seconds.

Each poll is a conditional GET (ETag / Last-Modified) through the bot's guarded fetcher, at most
one request at a time per host; a failing feed backs off exponentially. Every item is handled
once, ever (its guid or link is kept in `feed_item`), and each new one goes through the same
ingest as an article a user sent (`ingest`, handed in). With several bot instances only the
holder of the `PollerLock` polls. A broken feed or item is recorded and shown in /feeds; nothing
stops the poller. Knows nothing of Telegram.
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

from db import feeds as store
from db.models import KIND_FEED
from db.models.feeds import ITEM_FAILED, ITEM_KNOWN, ITEM_SKIPPED, ITEM_STORED
from db.write.ingest import ArticleIn, IngestResult
from extraction.text import clean_text
from feeds.hosts import HostLocks
from feeds.lock import LocalLock, PollerLock
from feeds.parse import FeedEntry, FeedParseError, parse_feed
from fetching import FetchedArticle, FetchError, RawPage

log = logging.getLogger(__name__)

IngestFn = Callable[[ArticleIn], Awaitable[IngestResult]]
# The poller's turn at the extraction workers (intake.queue.FairGate): all feeds together
# are one participant beside the users (whose ids are positive), so a big feed never crowds them out.
FAIR_KEY = -1
MAX_ARTICLE_CHARS = 200_000
NO_LINK_NO_TEXT = "запись без ссылки и без текста"


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
    concurrency: int = 4  # feeds polled at once (each host still gets one request at a time)
    min_chars: int = 80  # shorter item texts are no article
    lock_refresh: float = 30.0  # seconds between refreshes of the poller lock


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
    new_agreement_ids: list[int] = field(default_factory=list)
    error: str | None = None  # the poll failed (the feed is backed off)
    item_errors: list[str] = field(default_factory=list)
    title: str | None = None  # the feed's own title
    etag: str | None = None  # validators of the copy read
    last_modified: str | None = None


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
        self.hosts = HostLocks()
        self.holding = False
        self._lock_lost = False  # set while polling when a refresh fails: stop reading items
        self.polls = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # ---- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="feed-poller")

    def wake(self) -> None:
        """Look for due feeds now (a feed was just added)."""
        self._wake.set()

    async def stop(self) -> None:
        """Cancel the loop (an item being read is read again next time) and give up the lock."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.holding:
            self.holding = False
            with contextlib.suppress(Exception):
                await self.lock.release()

    async def _run(self) -> None:
        while True:
            delay = self.settings.lock_refresh
            self._wake.clear()  # a wake-up during the round below is for the next one
            try:
                self.holding = await (self.lock.refresh() if self.holding else self.lock.acquire())
                if self.holding:
                    await self._round()
                    delay = await self._until_next()
            except asyncio.CancelledError:
                raise
            except Exception:  # the base went away for a moment: try again later, never crash the bot
                log.exception("feed poller round failed")
                delay = min(self.settings.lock_refresh, max(1.0, self.settings.interval))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.05, delay))

    async def _until_next(self) -> float:
        async with self.sessionmaker() as session:
            due = await store.next_due(session)
        cap = min(self.settings.lock_refresh, self.settings.interval)
        if due is None:
            return cap
        return max(0.05, min(cap, (due - datetime.now(UTC)).total_seconds()))

    async def _round(self) -> None:
        """Poll every due feed, keeping the lock fresh meanwhile."""
        self._lock_lost = False
        keeper = asyncio.create_task(self._keep_lock())
        try:
            await self.poll_due()
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await keeper

    async def _keep_lock(self) -> None:
        while True:
            await asyncio.sleep(self.settings.lock_refresh)
            try:
                self.holding = await self.lock.refresh()
            except Exception:
                log.warning("could not refresh the feeds lock", exc_info=True)
                self.holding = False
            if not self.holding:
                log.warning("lost the feeds lock: another instance polls now")
                self._lock_lost = True
                return

    # ---- polling ---------------------------------------------------------------------------

    async def poll_due(self) -> list[PollReport]:
        """Poll the feeds whose time has come, a few at once."""
        async with self.sessionmaker() as session:
            due = await store.due_feeds(session, datetime.now(UTC))
        if not due:
            return []
        gate = asyncio.Semaphore(max(1, self.settings.concurrency))

        async def one(feed: store.FeedRow) -> PollReport:
            async with gate:
                return await self.poll_feed(feed)

        return list(await asyncio.gather(*(one(feed) for feed in due)))

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
        error = report.error or _items_summary(report)
        try:
            async with self.sessionmaker() as session:
                await store.record_poll(
                    session,
                    feed.id,
                    now=now,
                    next_poll_at=self._next_poll(now, failures),
                    failures=failures,
                    error=error,
                    etag=report.etag,
                    last_modified=report.last_modified,
                    items_in_feed=report.items_in_feed if not report.error and not report.not_modified else None,
                    keep_validators=bool(report.error) or report.not_modified,
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
        parsed = await asyncio.to_thread(parse_feed, page.body, page.url, content_type)
        report.etag, report.last_modified, report.title = page.etag, page.last_modified, parsed.title
        report.items_in_feed = len(parsed.entries)
        entries, keys = _unique(parsed.entries)
        async with self.sessionmaker() as session:
            seen = await store.seen_keys(session, feed.id, [k for k in keys if k])
        fresh = [(e, k) for e, k in zip(entries, keys, strict=True) if k is None or k not in seen]
        fresh = fresh[: self.settings.max_items]
        report.new_items = len(fresh)
        for entry, key in reversed(fresh):  # feeds list the newest first: store in publication order
            if self._lock_lost:  # the lock went to another instance: it reads the rest
                return
            await self._item(feed, entry, key, report)

    async def _item(self, feed: store.FeedRow, entry: FeedEntry, key: str | None, report: PollReport) -> None:
        try:
            status, article_id, error = await self._read_item(entry, report)
        except asyncio.CancelledError:
            raise
        except Exception:  # one item breaking must not hold up the feed's others, now or later
            log.exception("reading item %r of feed %s failed", entry.link or entry.key, feed.id)
            status, article_id, error = ITEM_FAILED, None, "внутренняя ошибка при чтении записи"
        if status == ITEM_STORED:
            report.stored += 1
        elif status == ITEM_KNOWN:
            report.known += 1
        elif status == ITEM_SKIPPED:
            report.skipped += 1
        else:
            report.failed += 1
        if error:
            report.item_errors.append(error)
        if key is None:  # nothing to know it by: it is counted, and looked at again next time
            return
        async with self.sessionmaker() as session:
            await store.record_item(
                session, feed.id, key, link=entry.link, status=status, article_id=article_id, error=error
            )

    async def _read_item(self, entry: FeedEntry, report: PollReport) -> tuple[str, int | None, str | None]:
        """(status, article id, error) of one new item."""
        if entry.link is None and not entry.text and not entry.summary:
            return ITEM_SKIPPED, None, NO_LINK_NO_TEXT
        text, title, published = _with_title(entry.text, entry.title), entry.title, entry.published
        if (text is None or len(text) < self.settings.min_chars) and entry.link:
            try:
                async with self.hosts.hold(entry.link):
                    page = await self.fetcher.fetch(entry.link)
                text, title, published = page.text, title or page.title, published or page.published
            except FetchError as exc:
                fallback = _with_title(entry.summary, entry.title)
                if fallback is None or len(fallback) < self.settings.min_chars:
                    return ITEM_FAILED, None, exc.message_ru
                text = fallback  # the teaser is better than nothing
        elif text is None:
            text = _with_title(entry.summary, entry.title)
        text = clean_text(text or "").strip()
        if len(text) < self.settings.min_chars:
            return ITEM_SKIPPED, None, "у записи слишком короткий текст"
        if len(text) > MAX_ARTICLE_CHARS:
            return ITEM_SKIPPED, None, "у записи слишком длинный текст"
        if not mostly_russian(text):
            return ITEM_SKIPPED, None, "запись не на русском языке"
        article = ArticleIn(
            text=text, url=entry.link, published=published, title=title, source="feed", kind=KIND_FEED
        )
        result = await self.ingest(article)
        report.new_agreement_ids.extend(result.new_ids)
        return (ITEM_KNOWN if result.already_known else ITEM_STORED), result.article_id, None


def _with_title(text: str | None, title: str | None) -> str | None:
    """The text with its headline as the first line (headlines often name the parties)."""
    if not text:
        return None
    if title and not text.lstrip().startswith(title):
        return f"{title}\n{text}"
    return text


def _unique(entries: list[FeedEntry]) -> tuple[list[FeedEntry], list[str | None]]:
    """Entries with their stored keys, an entry repeated in one copy of the feed dropped."""
    out: list[FeedEntry] = []
    keys: list[str | None] = []
    seen: set[str] = set()
    for entry in entries:
        key = store.item_key(entry.key) if entry.key else None
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        out.append(entry)
        keys.append(key)
    return out, keys


def _items_summary(report: PollReport) -> str | None:
    """The feed's items that could not be read, for /feeds (None when every item was fine)."""
    bad = report.failed + report.skipped
    if not bad:
        return None
    counts: dict[str, int] = {}
    for error in report.item_errors:
        counts[error] = counts.get(error, 0) + 1
    reasons = "; ".join(f"{reason} — {n}" for reason, n in sorted(counts.items(), key=lambda kv: -kv[1])[:3])
    return f"Не прочитано записей: {bad} ({reasons})."
