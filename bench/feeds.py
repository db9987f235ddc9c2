"""Benchmark: articles per second from feed poll to stored, against the same articles ingested directly.

20 local feed sites (each on an address of its own in 127.0.0.0/8, so the one-request-per-host rule
holds as it would for 20 news sites) serve RSS 2.0 feeds carrying the full text (yandex:full-text)
of 1,000 made-up articles in all (200 agreements, each told by five articles with other dates and
spheres: edited copies count as one agreement with more sources). The poller reads them all in one
round into a fresh SQLite base, through the bot's own path: the guarded fetcher, feedparser, the
extraction process pool behind the fair gate, and the ingest. The baseline, in the same process,
ingests the same 1,000 articles (same text, url and kind) into another fresh base through the same
ingestor with the same concurrency, with no feed at all: the ratio is what polling costs.
Then the alerts such news sends: `bench/alerts.py`'s run (5,000 followers, the send limit lifted, against
plain sendMessage calls in the same process), its figures under `alerts_*`.
Last line: one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from db.engine import make_engine, make_sessionmaker  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import KIND_FEED, Article  # noqa: E402
from db.write.ingest import ArticleIn  # noqa: E402
from feeds.lock import LocalLock  # noqa: E402
from feeds.poller import FAIR_KEY, FeedPoller, PollerSettings  # noqa: E402
from fetching import Fetcher, FetchLimits  # noqa: E402
from intake.ingestor import ArticleIngestor  # noqa: E402
from intake.pool import ExtractPool  # noqa: E402
from intake.queue import FairGate  # noqa: E402
from tests.feeds.samples import Item, rss, story  # noqa: E402
from tests.feeds.site import FeedSite  # noqa: E402

PUBLISHED = date(2024, 6, 4)  # the feed items' pubDate
CONCURRENCY = 4  # feeds polled at once (PollerSettings' default), and direct ingests at once


async def _base(folder: Path, name: str) -> Any:
    engine = make_engine(f"sqlite+aiosqlite:///{folder / name}")
    await upgrade(engine)
    return engine


async def _articles(engine: Any) -> int:
    async with make_sessionmaker(engine)() as session:
        return int((await session.execute(select(func.count()).select_from(Article))).scalar_one())


async def run_feeds(folder: Path, pool: ExtractPool, feeds: int, items: int) -> dict[str, Any]:
    sites = [await FeedSite(f"127.0.0.{i + 1}").start() for i in range(feeds)]
    engine = await _base(folder, "feeds.db")
    fetcher = Fetcher(FetchLimits(allow_private=True))  # the sites are on loopback addresses
    try:
        sessionmaker = make_sessionmaker(engine)
        per_feed = [items // feeds + (1 if i < items % feeds else 0) for i in range(feeds)]
        n = 0
        async with sessionmaker() as session:
            from db.feeds import add_feed

            for site, count in zip(sites, per_feed, strict=True):
                entries = []
                for _ in range(count):
                    s = story(n)
                    entries.append(Item(f"item-{n}", site.url(f"/news/{n}"), s.title, full_text=s.text))
                    n += 1
                await add_feed(session, site.put("/rss.xml", rss(entries)))
        ingestor = ArticleIngestor(sessionmaker, pool, gate=FairGate(pool.workers))

        async def ingest(article: ArticleIn) -> Any:
            return (await ingestor.ingest_article(article, fair_key=FAIR_KEY)).result

        poller = FeedPoller(
            sessionmaker, fetcher, ingest, lock=LocalLock("bench"),
            settings=PollerSettings(max_items=items, concurrency=CONCURRENCY),
        )  # fmt: skip
        started = time.perf_counter()
        reports = await poller.poll_due()
        seconds = time.perf_counter() - started
        stored = sum(r.stored for r in reports)
        errors = [r.error for r in reports if r.error] + [e for r in reports for e in r.item_errors]
        assert stored == items == await _articles(engine), (stored, errors[:3])
        agreements = sum(len(r.new_agreement_ids) for r in reports)
        return {"seconds": round(seconds, 2), "stored": stored, "agreements": agreements,
                "articles_per_s": round(stored / seconds, 2)}  # fmt: skip
    finally:
        await fetcher.close()
        await engine.dispose()
        for site in sites:
            await site.stop()


async def run_direct(folder: Path, pool: ExtractPool, items: int) -> dict[str, Any]:
    engine = await _base(folder, "direct.db")
    try:
        sessionmaker = make_sessionmaker(engine)
        ingestor = ArticleIngestor(sessionmaker, pool, gate=FairGate(pool.workers))
        articles = []
        for n in range(items):
            s = story(n)
            articles.append(
                ArticleIn(text=f"{s.title}\n{s.text}", url=f"http://127.0.0.1/news/{n}", title=s.title,
                          published=PUBLISHED, source="feed", kind=KIND_FEED)
            )  # fmt: skip
        queue: asyncio.Queue[ArticleIn] = asyncio.Queue()
        for article in articles:
            queue.put_nowait(article)
        agreements = 0

        async def worker() -> None:
            nonlocal agreements
            while not queue.empty():
                read = await ingestor.ingest_article(queue.get_nowait(), fair_key=FAIR_KEY)
                agreements += len(read.result.new_ids)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        seconds = time.perf_counter() - started
        assert await _articles(engine) == items
        return {"seconds": round(seconds, 2), "stored": items, "agreements": agreements,
                "articles_per_s": round(items / seconds, 2)}  # fmt: skip
    finally:
        await engine.dispose()


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    pool = ExtractPool(args.workers)
    try:
        await pool.warm_up()
        await pool.run(story(0).text)  # models loaded and warm in every worker before timing
        with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp:
            direct = await run_direct(Path(tmp), pool, args.items)
            print(f"baseline, ingested directly: {direct['stored']} articles in {direct['seconds']} s, "
                  f"{direct['articles_per_s']} articles/s, {direct['agreements']} agreements")  # fmt: skip
            polled = await run_feeds(Path(tmp), pool, args.feeds, args.items)
            print(f"{args.feeds} feeds polled: {polled['stored']} articles in {polled['seconds']} s, "
                  f"{polled['articles_per_s']} articles/s, {polled['agreements']} agreements")  # fmt: skip
    finally:
        pool.close()
    ratio = polled["articles_per_s"] / direct["articles_per_s"]
    print(f"ratio feeds/direct articles per second: {ratio:.2f}")
    from bench.alerts import main_async as alerts_main

    alerts = await alerts_main(argparse.Namespace(followers=args.followers, paced=args.paced))
    return {
        "feeds": args.feeds,
        "items": args.items,
        "extract_workers": args.workers,
        "feed_articles_per_s": polled["articles_per_s"],
        "feed_seconds": polled["seconds"],
        "feed_agreements": polled["agreements"],
        "direct_articles_per_s": direct["articles_per_s"],
        "direct_seconds": direct["seconds"],
        "direct_agreements": direct["agreements"],
        "ratio": round(ratio, 3),
        **{f"alerts_{k}": v for k, v in alerts.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1, help="extraction processes")
    parser.add_argument("--followers", type=int, default=5000, help="followers alerted, send limit lifted")
    parser.add_argument("--paced", type=int, default=100, help="followers alerted at the default pace")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(asyncio.run(main_async(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
