"""Fetching a news feed: the same guard and limits as a page, XML types taken, conditional GET."""

from __future__ import annotations

from dataclasses import replace

import aiohttp

from .http import HTML_TYPES, TEXT_TYPES, RawPage, fetch_raw
from .limits import FetchLimits

# Feeds are served under many labels; a mislabelled one (text/html) is still tried by the parser.
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
        "application/feed+xml",
    }
) | HTML_TYPES | TEXT_TYPES
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """Request headers of a feed fetch: Accept, and the validators of the last copy."""
    headers = {"Accept": FEED_ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


async def fetch_feed(
    url: str,
    *,
    limits: FetchLimits,
    session: aiohttp.ClientSession,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int | None = None,
) -> RawPage:
    """The feed's bytes (or a 304 RawPage when the validators still hold); FetchError on failure."""
    if max_bytes is not None:
        limits = replace(limits, max_bytes=max_bytes)
    return await fetch_raw(
        url,
        limits=limits,
        session=session,
        accept=FEED_TYPES,
        headers=conditional_headers(etag, last_modified),
    )
