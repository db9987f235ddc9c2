"""Command line: `python -m db reload [DIR]`, `python -m db upgrade`, `python -m db stats`,
`python -m db check` (exit code 1 and a report when the base is inconsistent).

The database is DATABASE_URL (environment or .env) or the default SQLite file data/agreements.db.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from tqdm import tqdm

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO / "seeds"


def _load_env() -> None:
    try:
        from dotenv import load_dotenv
    except ImportError:  # python-dotenv is a dependency; without it the environment alone counts
        return
    load_dotenv()


async def _reload(url: str | None, folder: Path) -> int:
    from db.engine import make_engine, make_sessionmaker
    from db.migrate import upgrade
    from db.write.ingest import reload

    engine = make_engine(url)
    try:
        await upgrade(engine)
        with tqdm(total=0, unit="article", desc="reload") as bar:

            def progress(done: int, total: int, name: str) -> None:
                bar.total = total
                # all read: the one write transaction follows (show it now, not when the bar closes)
                bar.set_postfix_str("writing" if done >= total else name[-40:], refresh=False)
                bar.update(done - bar.n)
                if done >= total:
                    bar.refresh()

            report = await reload(make_sessionmaker(engine), folder, progress=progress)
        print(
            f"loaded {report.loaded} articles, {report.agreements} agreements; "
            f"re-extracted {report.reextracted_user_articles} user articles; failed {len(report.failed)}"
        )
        for name, reason in report.failed:
            print(f"  skipped {name}: {reason}", file=sys.stderr)
        return 0 if report.loaded or not report.failed else 1
    finally:
        await engine.dispose()


async def _upgrade(url: str | None) -> int:
    from db.engine import make_engine
    from db.migrate import current, upgrade

    engine = make_engine(url)
    try:
        await upgrade(engine)
        print(f"database at revision {await current(engine)}")
        return 0
    finally:
        await engine.dispose()


async def _stats(url: str | None) -> int:
    from db.engine import make_engine, make_sessionmaker
    from db.migrate import upgrade
    from db.read.queries import stats

    engine = make_engine(url)
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session:
            s = await stats(session)
        print(f"agreements: {s.agreements}, articles: {s.articles}")
        for title, rows in (
            ("regions", s.regions),
            ("partners", s.partners),
            ("years", s.years),
            ("types", s.doc_types),
        ):
            print(f"{title}:")
            for name, n in rows:
                print(f"  {name if name is not None else '—'}: {n}")
        return 0
    finally:
        await engine.dispose()


async def _check(url: str | None) -> int:
    from db.check import check
    from db.engine import make_engine

    engine = make_engine(url)
    try:
        report = await check(engine)
    finally:
        await engine.dispose()
    print(report.render(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db", description="Agreement store maintenance")
    parser.add_argument("--url", help="database URL (default: DATABASE_URL or sqlite data/agreements.db)")
    sub = parser.add_subparsers(dest="command", required=True)
    p_reload = sub.add_parser("reload", help="re-read a seeds folder and replace what came from it")
    p_reload.add_argument("dir", nargs="?", type=Path, default=DEFAULT_SEEDS)
    sub.add_parser("upgrade", help="apply the migrations")
    sub.add_parser("stats", help="print counts")
    sub.add_parser("check", help="check the base is consistent (exit code 1 and a report when not)")
    args = parser.parse_args(argv)
    _load_env()
    if args.command == "reload":
        return asyncio.run(_reload(args.url, args.dir))
    if args.command == "upgrade":
        return asyncio.run(_upgrade(args.url))
    if args.command == "check":
        return asyncio.run(_check(args.url))
    return asyncio.run(_stats(args.url))


if __name__ == "__main__":
    sys.exit(main())
