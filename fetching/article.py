"""Main text, title and publication date of a page, via trafilatura and htmldate.

Both are imported on the first page read (they take a third of a second to import, which a
bot's start need not wait for).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import NoArticleError

if TYPE_CHECKING:
    import trafilatura

_BLANKS = re.compile(r"\n{3,}")
_RAW_TEXT_OPEN = re.compile(r"<(script|style|template)\b", re.IGNORECASE)
_TAG_OPEN = re.compile(r"<[a-zA-Z]")
DEFAULT_MAX_ELEMENTS = 20_000


@dataclass(frozen=True, slots=True)
class FetchedArticle:
    """An article read from a link.

    ``text`` starts with the title as its first line (when a title was found), since
    headlines often name the parties of an agreement; ``title`` is also kept apart.
    """

    url: str  # final URL, after redirects
    title: str | None
    text: str
    published: dt.date | None


def publication_date(html: str, url: str | None = None) -> dt.date | None:
    """The article's original publication date from metadata, <time> elements and the URL.

    htmldate's extensive search (dates anywhere in the text) is off: it picks up the
    date a site prints in its header or the copyright year of its footer.
    """
    import htmldate

    try:
        found = htmldate.find_date(
            html, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d"
        )
    except (ValueError, TypeError):
        return None
    if not found:
        return None
    try:
        return dt.date.fromisoformat(found)
    except ValueError:
        return None


def _extract(html: str, url: str | None, *, precision: bool) -> trafilatura.settings.Document | None:
    import trafilatura
    import trafilatura.settings

    result = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=precision,
        date_extraction_params={"original_date": True, "extensive_search": False},
    )
    return result if isinstance(result, trafilatura.settings.Document) else None


def count_elements(html: str) -> int:
    """Rough element count (opening tags outside scripts and styles), without parsing.

    Linear in the input: each script is skipped with one search for its end tag, and
    an unclosed one ends the count.
    """
    lowered = html.lower()
    count = pos = 0
    while True:
        match = _RAW_TEXT_OPEN.search(lowered, pos)
        count += len(_TAG_OPEN.findall(lowered, pos, match.start() if match else len(lowered)))
        if match is None:
            return count
        count += 1
        end = lowered.find(f"</{match.group(1)}", match.end())
        if end < 0:
            return count
        pos = end + 2


def extract_article(
    html: str,
    url: str | None = None,
    *,
    min_text_chars: int = 80,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
) -> FetchedArticle:
    """Extract the article of ``html``; raise NoArticleError when there is none.

    Extraction favours precision (menus, footers and comments stay out); when that
    finds too little, the default balance is tried once more. Pages with more than
    ``max_elements`` elements are refused first: trafilatura's time grows faster than
    linearly with them (a crafted 2 MB page takes many seconds), while news pages
    hold a few thousand.
    """
    if max_elements and count_elements(html) > max_elements:
        raise NoArticleError(
            "Страница слишком громоздкая: бот не стал искать на ней статью. "
            "Пришлите, пожалуйста, сам текст новости."
        )
    doc = _extract(html, url, precision=True)
    if doc is None or len((doc.text or "").strip()) < min_text_chars:
        doc = _extract(html, url, precision=False) or doc
    body = _BLANKS.sub("\n\n", (doc.text or "").strip()) if doc is not None else ""
    if len(body) < min_text_chars:
        raise NoArticleError()
    title = ((doc.title or "").strip() or None) if doc is not None else None
    text = body if title is None or body.startswith(title) else f"{title}\n\n{body}"
    return FetchedArticle(url=url or "", title=title, text=text, published=publication_date(html, url))


def plain_text_article(text: str, url: str, *, min_chars: int = 1) -> FetchedArticle:
    """A text/plain response as an article: no title, no date."""
    body = _BLANKS.sub("\n\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    if len(body) < min_chars:
        raise NoArticleError("По ссылке пустой текст. Пришлите, пожалуйста, сам текст новости.")
    return FetchedArticle(url=url, title=None, text=body, published=None)
