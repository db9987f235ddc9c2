"""A fetched feed's bytes to plain entries, with feedparser (RSS 0.9x/1.0/2.0, RDF, Atom)."""

from __future__ import annotations

import hashlib
import html
import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import feedparser
import lxml.etree
import lxml.html

MSK = timezone(timedelta(hours=3))
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "table",
     "section", "article", "figure", "figcaption", "pre", "hr"}
)  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n{2,}")


class FeedParseError(Exception):
    """The bytes are no feed; `message_ru` says so to an admin."""

    def __init__(self, message_ru: str) -> None:
        self.message_ru = message_ru
        super().__init__(message_ru)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed. `key` identifies it for good (guid, else link, else a hash of its text);
    `text` is the full article when the feed carries it (yandex:full-text, content:encoded, Atom
    content), else None; `summary` is the teaser."""

    key: str | None
    link: str | None
    title: str | None
    text: str | None
    summary: str | None
    published: date | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    version: str
    entries: list[FeedEntry]


def parse_feed(body: bytes, url: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """Parse fetched bytes (never a URL: feedparser must not fetch anything itself)."""
    headers: dict[str, str] = {}
    if url:
        headers["content-location"] = url  # relative links resolve against the feed's address
    if content_type:
        headers["content-type"] = content_type
    parsed: Any = feedparser.parse(body, response_headers=headers, sanitize_html=True)
    entries = parsed.get("entries") or []
    if not parsed.get("version") and not entries:
        raise FeedParseError("это не лента RSS или Atom (не удалось разобрать XML)")
    return ParsedFeed(
        title=_clean(parsed.get("feed", {}).get("title")),
        version=str(parsed.get("version") or "unknown"),
        entries=[_entry(e) for e in entries],
    )


def _entry(raw: Any) -> FeedEntry:
    link = (raw.get("link") or "").strip() or None
    text = _full_text(raw)
    summary = html_to_text(raw.get("summary") or "") or None
    if summary and text and summary == text:
        summary = None
    key = (raw.get("id") or "").strip() or link
    if key is None and (text or summary):
        key = "sha256:" + hashlib.sha256((text or summary or "").encode("utf-8")).hexdigest()
    return FeedEntry(
        key=key[:1000] if key else None,
        link=link,
        title=_clean(raw.get("title")),
        text=text,
        summary=summary,
        published=_published(raw),
    )


def _full_text(raw: Any) -> str | None:
    """yandex:full-text (under whatever prefix the feed declared), else content:encoded/Atom content."""
    for name, value in raw.items():
        if name.lower().replace("_", "").replace("-", "").endswith("fulltext") and isinstance(value, str):
            text = html_to_text(value)
            if text:
                return text
    for content in raw.get("content") or []:
        text = html_to_text(content.get("value") or "")
        if text:
            return text
    return None


def _published(raw: Any) -> date | None:
    struct: time.struct_time | None = raw.get("published_parsed") or raw.get("updated_parsed")
    if struct is None:
        return None
    try:
        return datetime(*struct[:6], tzinfo=UTC).astimezone(MSK).date()
    except (ValueError, OverflowError):
        return None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", value).strip()
    return text or None


def html_to_text(markup: str) -> str:
    """Readable text of an HTML fragment: paragraphs on lines of their own, entities decoded."""
    if not markup.strip():
        return ""
    if "<" not in markup:  # no tags, perhaps entities: the feed escaped the HTML once, decode it once
        lines = html.unescape(markup).splitlines()
    else:
        try:
            root = lxml.html.fragment_fromstring(markup, create_parent="div")
        except (ValueError, lxml.etree.ParserError):
            return _clean(markup) or ""
        for element in root.iter():
            if element.tag in ("script", "style"):
                element.text = ""
            elif isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
                element.tail = "\n" + (element.tail or "")
                element.text = "\n" + (element.text or "")
        lines = root.text_content().splitlines()
    cleaned = (_SPACES.sub(" ", line).strip() for line in lines)
    return _BLANKS.sub("\n", "\n".join(cleaned)).strip()
