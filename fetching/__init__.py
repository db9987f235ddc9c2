"""Safe fetching of news links and documents; knows nothing of aiogram or SQL."""

from .article import FetchedArticle, extract_article, publication_date
from .decode import decode_bytes
from .documents import read_document, read_document_article
from .errors import (
    AddressNotAllowedError,
    BadStatusError,
    ConnectError,
    FetchError,
    FetchTimeoutError,
    InvalidUrlError,
    NoArticleError,
    NotTextError,
    RedirectLoopError,
    TooLargeError,
    TooManyRedirectsError,
    UnsupportedDocumentError,
    is_passing,
)
from .feed import fetch_feed
from .fetcher import Fetcher, fetch_article
from .guard import GuardedResolver, address_problem, is_allowed_address
from .http import RawPage, make_session
from .limits import FetchLimits
from .urls import collect_urls, find_urls, normalize_url, urls_from_entities, validate_url

__all__ = [
    "AddressNotAllowedError",
    "BadStatusError",
    "ConnectError",
    "FetchError",
    "FetchLimits",
    "FetchTimeoutError",
    "FetchedArticle",
    "Fetcher",
    "GuardedResolver",
    "InvalidUrlError",
    "NoArticleError",
    "NotTextError",
    "RawPage",
    "RedirectLoopError",
    "TooLargeError",
    "TooManyRedirectsError",
    "UnsupportedDocumentError",
    "address_problem",
    "collect_urls",
    "decode_bytes",
    "extract_article",
    "fetch_article",
    "fetch_feed",
    "find_urls",
    "is_allowed_address",
    "is_passing",
    "make_session",
    "normalize_url",
    "publication_date",
    "read_document",
    "read_document_article",
    "urls_from_entities",
    "validate_url",
]
