"""Text keys: content hashes, organization/person keys, the agreement identity key, sort keys."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable

from extraction.models import Agreement, PartialDate
from extraction.reading.text import clean_text

_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+")
# Legal forms dropped from organization keys: "ПАО «МТС»" and "МТС" are one organization.
LEGAL_FORMS = frozenset(
    [
        "пао",
        "оао",
        "зао",
        "ао",
        "ооо",
        "одо",
        "ано",
        "нко",
        "руп",
        "фгуп",
        "гуп",
        "муп",
        "унитарное",
        "фгбу",
        "гбу",
        "гку",
        "гау",
        "мау",
        "мбу",
        "фгау",
        "фгбоу",
        "фгаоу",
        "гбоу",
        "гаоу",
        "мбоу",
        "ип",
        "чуп",
        "уп",
        "тоо",
        "нао",
        "llc",
        "ltd",
        "inc",
        "plc",
        "jsc",
        "pjsc",
        "ojsc",
        "cjsc",
        "gmbh",
        "ag",
        "sa",
        "corp",
        "co",
    ]
)


def fold(text: str) -> str:
    """Casefold for comparisons and LIKE searches: `clean_text` (invisible characters gone, NFKC,
    look-alikes folded), lower case, ё -> е, single spaces."""
    text = clean_text(text).casefold().replace("ё", "е")
    return _SPACE.sub(" ", text).strip()


def content_hash(text: str) -> str:
    """Hash of the article text that ignores case, whitespace and ё/е differences."""
    return hashlib.sha256(fold(text).encode("utf-8")).hexdigest()


def words(text: str) -> list[str]:
    return [w for w in _NON_WORD.sub(" ", fold(text)).replace("_", " ").split() if w]


def org_key(name: str) -> str:
    """Organization key: folded words without quotes, punctuation and legal forms."""
    all_words = words(name)
    kept = [w for w in all_words if w not in LEGAL_FORMS]
    return " ".join(kept or all_words)


def person_key(name: str) -> str:
    return " ".join(words(name))


def region_key(name: str) -> str:
    return " ".join(words(name))


def sort_key(date: PartialDate | None) -> int:
    """Sortable int: newest first when ordered descending; unknown parts count as 0, no date is 0."""
    if date is None:
        return 0
    return (date.year or 0) * 10000 + (date.month or 0) * 100 + (date.day or 0)


def agreement_key(agreement: Agreement) -> str:
    """Identity of an agreement across articles: parties and date, regardless of doc type or wording.

    Two sites reporting the same signing name the same regions, partners, countries and date. Without any
    party the evidence text stands in, so unrelated party-less agreements never merge.
    """
    regions = sorted({region_key(r) for r in agreement.regions})
    partners = sorted({org_key(p.name) for p in agreement.partners})
    countries = sorted({fold(c) for c in agreement.countries})
    d = agreement.date
    parts: list[object] = [regions, partners, countries, [d.year, d.month, d.day] if d else None]
    if not (regions or partners or countries):
        parts.append(fold(" ".join(agreement.evidence)))
    raw = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def party_key(agreement: Agreement) -> str | None:
    """Identity of an agreement's parties regardless of date (None without any party): reports of one
    signing whose dates disagree share it."""
    regions = sorted({region_key(r) for r in agreement.regions})
    partners = sorted({org_key(p.name) for p in agreement.partners})
    countries = sorted({fold(c) for c in agreement.countries})
    if not (regions or partners or countries):
        return None
    raw = json.dumps([regions, partners, countries], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def search_text(agreement: Agreement, subject: str | None = None) -> str:
    """The folded text `search()` looks in: parties, signatories, event, the evidence (the signing
    sentence, which says what the document is about) and `subject` (its article's headline)."""
    bits: list[str] = [agreement.doc_type, *agreement.regions, *agreement.countries]
    for p in agreement.partners:
        bits.append(p.name)
        bits.extend(p.aliases)
    for s in agreement.signatories:
        bits.append(s.name)
        if s.role:
            bits.append(s.role)
    if agreement.event:
        bits.append(agreement.event)
    bits.extend(agreement.evidence)
    if subject:
        bits.append(subject)
    return fold(" | ".join(bits))


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats or blanks."""
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        item = item.strip()
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out
