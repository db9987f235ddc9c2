"""Plain dataclasses the queries return (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from extraction.models import Amount, PartialDate, Signatory


@dataclass(slots=True)
class SourceView:
    """An article that reports an agreement, with the sum and date it states and its kind
    (db.models.KIND_*: how far its facts are trusted)."""

    article_id: int
    url: str | None
    title: str | None
    published: date | None
    kind: str | None = None
    amount: Amount | None = None
    date: PartialDate | None = None
    date_basis: str | None = None  # db.models.DATE_SENT: `published` is the day the text was sent


@dataclass(slots=True)
class AgreementView:
    """One agreement with its parties and sources."""

    id: int
    doc_type: str
    date: PartialDate | None
    regions: list[str]
    partners: list[str]
    countries: list[str]
    signatories: list[Signatory]
    event: str | None
    amount: Amount | None
    evidence: str
    sources: list[SourceView] = field(default_factory=list)
    # later news, newest first (at most db.history.read.CARD_NEWS of them), how many there are in
    # all, and whether some news says the agreement was terminated
    history: list[HistoryItem] = field(default_factory=list)
    history_total: int = 0
    terminated: bool = False
    confidence: float = 1.0  # extraction's, the highest of its sources (docs/confidence.md)


@dataclass(slots=True)
class Page:
    """One page of agreements and the total number matching (`more`: at least that many; a search
    stops counting at db.read.fulltext.COUNT_LIMIT)."""

    items: list[AgreementView]
    total: int
    offset: int
    limit: int
    more: bool = False


@dataclass(slots=True)
class Lookup:
    """A lookup by name: the canonical names matched, the page, and near names when nothing matched."""

    matched: list[str]
    page: Page
    suggestions: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Stats:
    """Counts over the whole base."""

    agreements: int
    articles: int
    regions: list[tuple[str, int]]
    partners: list[tuple[str, int]]
    years: list[tuple[int | None, int]]
    doc_types: list[tuple[str, int]]


@dataclass(slots=True)
class HistoryItem:
    """One piece of later news of an agreement: what happened (extraction.history.KINDS), the
    sentence, the news date and the article it comes from (a url, or a forwarded text)."""

    mention_id: int
    kind: str
    sentence: str
    published: date | None
    article_id: int
    url: str | None = None
    title: str | None = None
    source_kind: str | None = None  # db.models.KIND_*
