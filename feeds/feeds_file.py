"""FEEDS_FILE: feeds listed one URL a line (a line starting with `#` is a comment), added at start."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.feeds import add_feed
from fetching import FetchError, validate_url

log = logging.getLogger(__name__)


def read_feeds_file(path: Path) -> list[str]:
    """The URLs of the file, in order, without blanks, comments and repeats; a malformed line is
    logged and skipped."""
    urls: list[str] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            validate_url(line, allow_private=True)  # the address itself is checked when it is fetched
        except FetchError:
            log.warning("%s:%d: not a feed address: %r", path, number, line[:200])
            continue
        if line not in urls:
            urls.append(line)
    return urls


async def add_feeds_from_file(sessionmaker: async_sessionmaker[AsyncSession], path: Path | None) -> int:
    """Add the file's feeds that the base does not hold yet; how many were new. A missing file is
    logged, never fatal."""
    if path is None:
        return 0
    try:
        urls = read_feeds_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("FEEDS_FILE %s could not be read: %s", path, exc)
        return 0
    added = 0
    async with sessionmaker() as session:
        for url in urls:
            _, created = await add_feed(session, url)
            added += created
    if added:
        log.info("added %d feeds from %s", added, path)
    return added
