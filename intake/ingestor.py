"""One article into the base, whoever or whatever sent it: a user's text, a link, a feed item.

`ArticleIngestor.ingest_article` is the single place every article goes through: a text already
stored is not extracted again; extraction runs in the worker processes (`ExtractPool`), let in
through the fair gate; the article, its agreements and its mentions of earlier agreements are stored in
one transaction. The result
names the agreements that are new to the base (`result.new_ids`): the place to hook anything
that must follow a new agreement. Knows nothing of Telegram.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.normalize import content_hash
from db.write.ingest import ArticleIn, IngestResult, ingest
from db.write.store import find_article
from extraction.history.models import Mention
from extraction.models import Agreement
from intake.pool import ExtractPool
from intake.queue import FairGate
from shared_state.keyed_locks import KeyedLocks

log = logging.getLogger(__name__)

__all__ = ["ArticleIngestor", "ArticleRead", "KeyedLocks", "looks_russian"]


def looks_russian(text: str) -> str | None:
    """None when `text` reads as Russian prose, else a Russian explanation why not."""
    letters = [c for c in text if c.isalpha()]
    visible = [c for c in text if not c.isspace()]
    if len(letters) < 20 or len(letters) < 0.5 * len(visible):
        return "Это не похоже на текст статьи: в сообщении почти нет слов."
    cyrillic = sum(1 for c in letters if "а" <= c.lower() <= "я" or c in "ёЁ")
    if cyrillic < 0.5 * len(letters):
        return (
            "Это не похоже на русский текст. Я ищу соглашения только в новостях на русском языке — "
            "пришлите, пожалуйста, русскую статью."
        )
    return None


@dataclass(slots=True)
class ArticleRead:
    """What reading one article did: the stored result, whether the text was known before the
    extraction (`known_before`), and whether extraction failed or read only the first part."""

    result: IngestResult
    known_before: bool
    extraction_failed: bool = False
    truncated: bool = False


class ArticleIngestor:
    """Extract (off the event loop, in turn with everyone else) and store one article."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        pool: ExtractPool,
        *,
        max_extract_chars: int = 30_000,
        gate: FairGate | None = None,
        feed_min_confidence: float | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.pool = pool
        self.max_extract_chars = max_extract_chars
        self.feed_min_confidence = feed_min_confidence  # a feed's less sure agreements wait for /review
        self.gate = gate  # the extraction workers, let in by `fair_key` (None: first come, first served)
        # The same text read by several callers at once (a post forwarded by many users, a feed item a
        # user also sent) waits for the first: then it is known, neither extracted nor stored twice.
        self.same_text = KeyedLocks()

    async def ingest_article(self, article: ArticleIn, *, fair_key: int = 0) -> ArticleRead:
        """Ingest one article from any source (`article.kind`/`source` say which: a user's text or
        link, a feed item). `fair_key` is whose turn it is at the extraction workers (a user id;
        the feed poller has one key of its own). Returns the stored result with `result.new_ids`."""
        async with self.same_text.hold(content_hash(article.text)):
            return await self._read_and_store(article, fair_key)

    async def _read_and_store(self, article: ArticleIn, fair_key: int) -> ArticleRead:
        text, published = article.text, article.published
        agreements: list[Agreement] = []
        mentions: list[Mention] = []
        failed = False
        async with self.sessionmaker() as session:
            known = await find_article(session, article)
        if known is None:  # a text or link already stored is not extracted again
            try:
                async with self.gate.slot(fair_key) if self.gate else contextlib.nullcontext():
                    agreements, mentions = await self.pool.run_all(text[: self.max_extract_chars], published)
            except Exception:
                log.exception("extraction failed")
                failed = True
        async with self.sessionmaker() as session:
            result = await ingest(session, article, agreements, mentions=mentions, hold_below=self.feed_min_confidence)
            await session.commit()
        truncated = known is None and len(text) > self.max_extract_chars
        return ArticleRead(result, known is not None, failed, truncated)
