"""Ingest articles (dedup, merge of sources) and reload a seeds folder atomically."""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import cache, outbox
from db.engine import is_postgres, read_connection, write_connection
from db.history.store import link_waiting, linked_by, record
from db.models import KIND_SEED, AgreementSource, Article
from db.read import counts, fulltext
from db.read.cards import load_views, refresh_cards
from db.read.views import AgreementView
from db.write.facts import settle
from db.write.files import BadFile, article_files, read_article, title_of
from db.write.store import (
    ArticleIn,
    article_agreement_ids,
    attach,
    clean_article,
    find_article,
    insert_article,
    remove_orphans,
)
from extraction.history.models import Mention
from extraction.models import Agreement

__all__ = ["ArticleIn", "IngestResult", "ReloadReport", "ensure_seeded", "ingest", "reload"]

log = logging.getLogger(__name__)
ART, SRC = Article.__table__, AgreementSource.__table__
ExtractFn = Callable[[str, date | None], list[Agreement] | Awaitable[list[Agreement]]]
ProgressFn = Callable[[int, int, str], Awaitable[None] | None]
T = TypeVar("T")
ATTEMPTS = 8
# Any fixed number: only one reload at a time on a PostgreSQL base.
_RELOAD_LOCK = 0x72656C64


@dataclass(slots=True)
class IngestResult:
    """What `ingest` did: the article's id, whether it was known already, its agreements (the
    ones shown; `hidden` more are hidden by an admin, or wait for one as suspected lists or as a
    feed's unsure agreements held for /review), and the
    ids of the agreements this article added to the base (`new_ids`, shown or not)."""

    article_id: int
    already_known: bool
    agreements: list[AgreementView]
    hidden: int = 0
    new_ids: list[int] = field(default_factory=list)
    alerts: int = 0  # outbox rows written for followers of the new agreements

    @property
    def new_agreements(self) -> int:
        return len(self.new_ids)


@dataclass(slots=True)
class ReloadReport:
    """What `reload` did; `failed` holds (file name, reason in Russian) of skipped files."""

    loaded: int
    agreements: int
    failed: list[tuple[str, str]] = field(default_factory=list)
    reextracted_user_articles: int = 0


def default_extract(text: str, published: date | None) -> list[Agreement]:
    """extraction.extract, imported on first use (natasha loads only when something is extracted)."""
    from extraction import extract

    return extract(text, published)


async def run_extract(extract_fn: ExtractFn, text: str, published: date | None) -> list[Agreement]:
    """Call a sync extractor in a worker thread (natasha is CPU-bound) or await an async one."""
    if inspect.iscoroutinefunction(extract_fn):
        return await extract_fn(text, published)  # type: ignore[misc]
    result = await asyncio.to_thread(extract_fn, text, published)
    if inspect.isawaitable(result):
        result = await result
    return list(result)


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError | LookupError):
        return True
    if isinstance(exc, DBAPIError):
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        return code in ("40P01", "40001") or "locked" in str(exc.orig).lower()
    return False


async def _in_write_transaction(session: AsyncSession, work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` in a fresh write transaction and commit, retrying on races and deadlocks."""
    for attempt in range(ATTEMPTS):
        if session.in_transaction():
            await session.commit()
        try:
            await write_connection(session)
            result = await work()
            await session.commit()
            return result
        except (DBAPIError, LookupError) as exc:
            await session.rollback()
            if attempt == ATTEMPTS - 1 or not _retryable(exc):
                raise
            log.info("retrying a write after %s", type(exc).__name__)
            await asyncio.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise AssertionError("unreachable")


async def ingest(
    session: AsyncSession,
    article: ArticleIn,
    agreements: list[Agreement] | None = None,
    extract_fn: ExtractFn = default_extract,
    mentions: list[Mention] | None = None,
    *,
    hold_below: float | None = None,
) -> IngestResult:
    """Store an article, its agreements and its mentions of earlier agreements in one transaction
    and commit.

    `agreements=None` runs extraction here. A text or url already stored is not stored again
    (`already_known`, with the agreements found the first time). A feed article's new agreements
    less confident than `hold_below` are held for /review (db.write.visibility); a held agreement
    this article would show is shown, and its followers are told as of a new one.
    """
    kind = article.resolved_kind()
    article = clean_article(article)
    article.kind = kind
    if agreements is None:
        known_id = await find_article(session, article)
        if known_id is not None:  # no extraction for a text or link we already have
            ids = await article_agreement_ids(session, known_id)
            views = await load_views(session, ids)
            return IngestResult(known_id, True, views, len(ids) - len(views))
        agreements = await run_extract(extract_fn, article.text, article.published)
    found = agreements

    async def work() -> tuple[int, bool, list[int], list[int], int]:
        article_id, known = await insert_article(session, article)
        if known:
            return article_id, True, await article_agreement_ids(session, article_id), [], 0
        ids: list[int] = []
        new_ids: list[int] = []
        released: set[int] = set()
        for agreement in found:
            agreement_id, is_new = await attach(
                session, article_id, agreement, article_text=article.text, kind=kind, hold_below=hold_below,
                released=released, article_title=article.title,
            )
            if is_new and agreement_id not in new_ids:
                new_ids.append(agreement_id)
            if agreement_id not in ids:
                ids.append(agreement_id)
        await settle(session, ids)
        with_news, news = await record(session, article_id, mentions or [], ids, new_ids, article.published)
        await refresh_cards(session, sorted(set(ids) | set(with_news)))
        await fulltext.refresh(session, ids)
        alerts = 0
        if kind != KIND_SEED:  # followers hear of new agreements and news of them, in this same transaction
            told = new_ids + sorted(released - set(new_ids))
            alerts = await outbox.enqueue(session, article_id, told, article.sent_by)
            alerts += await outbox.enqueue_news(session, news, article.sent_by)
        return article_id, False, ids, new_ids, alerts

    article_id, known, ids, new_ids, alerts = await _in_write_transaction(session, work)
    if not known:
        cache.invalidate(session.bind)
        await counts.fold_now_and_then(session)
    await read_connection(session)
    views = await load_views(session, ids)
    return IngestResult(article_id, known, views, len(ids) - len(views), new_ids, alerts)


async def _notify(progress: ProgressFn | None, done: int, total: int, name: str) -> None:
    if progress is None:
        return
    result = progress(done, total, name)
    if inspect.isawaitable(result):
        await result


async def reload(
    sessionmaker: async_sessionmaker[AsyncSession],
    seeds_dir: str | Path,
    progress: ProgressFn | None = None,
    extract_fn: ExtractFn = default_extract,
    *,
    hold_below: float | None = None,
) -> ReloadReport:
    """Re-read every article of `seeds_dir`, re-extract, and replace what came from it in one transaction.

    Extraction runs first, outside the transaction; the swap itself is one short write transaction, so
    readers see the old base or the new one. Bad files are reported in `failed` and skipped. Articles
    users sent are kept and re-extracted with the current rules (a feed article's new agreements are
    held below `hold_below`, as by `ingest`; what was held stays held: a reload decides no review).
    """
    folder = Path(seeds_dir)
    if not folder.is_dir():
        return ReloadReport(0, 0, [(str(folder), "папка не найдена")], 0)
    tag = f"seed:{folder.resolve().name}"
    files = article_files(folder)
    async with sessionmaker() as session:
        users = (
            await session.execute(
                select(ART.c.id, ART.c.text, ART.c.published, ART.c.kind)
                .where(~ART.c.source.like("seed:%"))
                .order_by(ART.c.id)
            )
        ).all()
    total = len(files) + len(users)
    failed: list[tuple[str, str]] = []
    parsed: list[tuple[Path, str, list[Agreement]]] = []
    done = 0
    for path in files:
        try:
            text = read_article(path)
            parsed.append((path, text, await run_extract(extract_fn, text, None)))
        except BadFile as exc:
            failed.append((path.name, str(exc)))
        except Exception as exc:  # one article breaking extraction must not stop the reload
            log.exception("extraction failed on %s", path)
            failed.append((path.name, f"ошибка извлечения: {type(exc).__name__}"))
        done += 1
        await _notify(progress, done, total, path.name)
    user_results: list[tuple[int, str, str, list[Agreement]]] = []
    for article_id, text, published, kind in users:
        try:
            user_results.append((article_id, text, kind, await run_extract(extract_fn, text, published)))
        except Exception as exc:  # keep that article's old agreements
            log.exception("re-extraction failed on article %s", article_id)
            failed.append((f"article {article_id}", f"ошибка извлечения: {type(exc).__name__}"))
        done += 1
        await _notify(progress, done, total, f"article {article_id}")
    if not parsed and files:
        # Every file failed: keep the old seeds rather than leave the base empty.
        return ReloadReport(0, 0, failed, 0)

    async with sessionmaker() as session:

        async def work() -> int:
            if is_postgres(session):
                await session.execute(select(func.pg_advisory_xact_lock(_RELOAD_LOCK)))
            old = select(ART.c.id).where(ART.c.source == tag).scalar_subquery()
            user_ids = [article_id for article_id, *_ in user_results]
            replaced = SRC.c.article_id.in_(old)
            if user_ids:
                replaced = replaced | SRC.c.article_id.in_(user_ids)
            # Agreements losing a source need a new card (or go away as orphans below).
            touched = set((await session.execute(select(SRC.c.agreement_id).where(replaced))).scalars())
            touched |= await linked_by(session, old)  # their news from the old seeds goes with them
            await session.execute(delete(SRC).where(replaced))
            await session.execute(delete(ART).where(ART.c.source == tag))
            refreshed: set[int] = set()
            for _path, text, agreements in parsed:
                article_id, known = await insert_article(
                    session, ArticleIn(text=text, title=title_of(text), source=tag)
                )
                if not known:
                    for agreement in agreements:
                        await attach(
                            session, article_id, agreement, refreshed, article_text=text, article_title=title_of(text)
                        )
            for article_id, text, kind, agreements in user_results:
                for agreement in agreements:
                    await attach(
                        session, article_id, agreement, refreshed, article_text=text, kind=kind, hold_below=hold_below
                    )
            await remove_orphans(session)
            await link_waiting(session, sorted(refreshed))  # news waiting for these agreements
            await settle(session, touched | refreshed)
            await refresh_cards(session, touched | refreshed)
            await fulltext.refresh(session, touched | refreshed)
            count = await session.execute(
                select(func.count(func.distinct(SRC.c.agreement_id)))
                .join(ART, ART.c.id == SRC.c.article_id)
                .where(ART.c.source == tag)
            )
            return int(count.scalar_one())

        agreements_count = await _in_write_transaction(session, work)
        cache.invalidate(session.bind)
        await counts.fold(session)  # a reload changes many counts at once
    return ReloadReport(len(parsed), agreements_count, failed, len(user_results))


async def ensure_seeded(
    sessionmaker: async_sessionmaker[AsyncSession],
    seeds_dir: str | Path,
    progress: ProgressFn | None = None,
    extract_fn: ExtractFn = default_extract,
) -> ReloadReport | None:
    """Load the seeds when the base holds no article at all (first start); None when it is not empty."""
    async with sessionmaker() as session:
        any_article = (await session.execute(select(ART.c.id).limit(1))).first()
    if any_article is not None:
        return None
    return await reload(sessionmaker, seeds_dir, progress=progress, extract_fn=extract_fn)
