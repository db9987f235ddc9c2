"""Reading a .txt/.html file sent as a document."""

from __future__ import annotations

from pathlib import PurePath

from .article import FetchedArticle, extract_article, plain_text_article
from .decode import decode_bytes
from .errors import NoArticleError, TooLargeError, UnsupportedDocumentError
from .limits import FetchLimits
from .sniff import binary_type, looks_like_html

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


def read_document(data: bytes, filename: str, *, limits: FetchLimits | None = None) -> str:
    """Article text of a document: size-capped, encoding detected, HTML reduced to its article.

    Raises TooLargeError, UnsupportedDocumentError (other extensions, binary content)
    or NoArticleError (empty file, HTML without an article), each with ``message_ru``.
    """
    return read_document_article(data, filename, limits=limits).text


def read_document_article(data: bytes, filename: str, *, limits: FetchLimits | None = None) -> FetchedArticle:
    """The article of a document with what it says of itself: an .html file's title and
    publication date (its metadata, as for a fetched page); a .txt file has neither. Raises as
    `read_document` does."""
    limits = limits or FetchLimits.from_env()
    if len(data) > limits.max_document_bytes:
        raise TooLargeError(limits.max_document_bytes, len(data), document=True)
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        raise UnsupportedDocumentError(filename)
    if binary_type(data) is not None:
        raise UnsupportedDocumentError(
            filename, "Файл похож на двоичный, а не на текст. Пришлите текст статьи в файле .txt или .html."
        )
    is_html = suffix in HTML_SUFFIXES or looks_like_html(data)
    text = decode_bytes(data, html=is_html)
    if not text.strip():
        raise NoArticleError("Файл пустой: в нём нет текста.")
    if is_html:
        try:
            return extract_article(
                text, None, min_text_chars=limits.min_text_chars, max_elements=limits.max_elements
            )
        except NoArticleError:
            raise
        except Exception as exc:  # a parser crash on hostile markup must still end in a clear answer
            raise NoArticleError("В этом HTML-файле не нашлось текста статьи.") from exc
    return plain_text_article(text, "")
