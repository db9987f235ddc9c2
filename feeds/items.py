"""One feed item: how it is known again (keys), how it is read (its text, else its page), and what
becomes of a failure: a passing one (timeout, 5xx, 429, a lost connection) is tried again on a later
poll after a growing wait, up to a limit; a permanent one (404, not an article, a blocked address)
fails at once."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from db.feed_items import ItemKeys
from db.feeds import item_key
from db.models.feeds import ITEM_FAILED, ITEM_RETRY, ITEM_SKIPPED
from feeds.parse import FeedEntry
from fetching import FetchError, is_passing

NO_LINK_NO_TEXT = "запись без ссылки и без текста"
_SPACES = re.compile(r"\s+")


class BudgetSpent(Exception):
    """The poll's time budget ran out while an item's page was being read: it waits for the next poll."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What came of reading an item (status db.models.feeds.ITEM_*)."""

    status: str
    article_id: int | None = None
    error: str | None = None
    retry_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often an item whose page failed in passing is read again, and how long in between."""

    max_attempts: int  # reads in all, the first one included
    base: float  # seconds before the second read; each later wait doubles
    max_wait: float

    def wait(self, failed_reads: int, asked: float | None = None) -> float:
        """Seconds before the next read after `failed_reads` failures (at least what the site asked)."""
        wait = min(self.base * 2 ** max(0, failed_reads - 1), self.max_wait)
        if asked is not None:
            wait = max(wait, min(asked, self.max_wait))
        return wait

    def after_failure(self, exc: Exception, attempts: int, now: datetime) -> Outcome | None:
        """A retry outcome when `exc` is passing and reads are left (`attempts` made, this one included)."""
        passing = not isinstance(exc, FetchError) or is_passing(exc)
        if not passing or attempts >= self.max_attempts:
            return None
        asked = getattr(exc, "retry_after", None)
        message = exc.message_ru if isinstance(exc, FetchError) else "внутренняя ошибка при чтении записи"
        return Outcome(ITEM_RETRY, None, message, now + timedelta(seconds=self.wait(attempts, asked)))


def given_up(message: str, attempts: int) -> str:
    """The error of an item that failed in passing too often."""
    return f"{message.rstrip('.')} (попыток: {attempts})" if attempts > 1 else message


def keys_of(entries: list[FeedEntry]) -> list[ItemKeys]:
    """How each entry of one copy of a feed is found again: its guid, its link (when no other entry
    of the copy has it), its headline and text."""
    links = Counter(e.link for e in entries if e.link)
    out = []
    for entry in entries:
        content = entry.text or entry.summary
        content_key = None
        if content:
            content_key = item_key("text:" + _SPACES.sub(" ", f"{entry.title or ''}\n{content}").strip())
        link_key = item_key("link:" + entry.link) if entry.link and links[entry.link] == 1 else None
        out.append(ItemKeys(item_key(entry.key) if entry.key else None, link_key, content_key))
    return out


def skipped(reason: str) -> Outcome:
    return Outcome(ITEM_SKIPPED, None, reason)


def failed(reason: str) -> Outcome:
    return Outcome(ITEM_FAILED, None, reason)


def with_title(text: str | None, title: str | None) -> str | None:
    """The text with its headline as the first line (headlines often name the parties)."""
    if not text:
        return None
    if title and not text.lstrip().startswith(title):
        return f"{title}\n{text}"
    return text


def unique(entries: list[FeedEntry]) -> tuple[list[FeedEntry], list[ItemKeys]]:
    """Entries with their keys, an entry repeated in one copy of the feed dropped."""
    keys = keys_of(entries)
    out: list[FeedEntry] = []
    out_keys: list[ItemKeys] = []
    seen: set[str] = set()
    for entry, item_keys in zip(entries, keys, strict=True):
        key = item_keys.key or item_keys.content_key
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        out.append(entry)
        out_keys.append(item_keys)
    return out, out_keys


def items_summary(bad: int, errors: list[str]) -> str | None:
    """A poll's items that could not be read, for /feeds (None when every item was fine)."""
    if not bad:
        return None
    counts = Counter(errors)
    reasons = "; ".join(f"{reason} — {n}" for reason, n in sorted(counts.items(), key=lambda kv: -kv[1])[:3])
    return f"Не прочитано записей: {bad} ({reasons})."
