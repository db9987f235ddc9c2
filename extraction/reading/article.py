"""One article after cleaning and the NLP pass: what every later step looks at."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from extraction.finders import gazetteer as gz
from extraction.finders.dates import from_iso
from extraction.finders.mentions import LOCATION_PREP, SentenceParties, analyze_sentence
from extraction.finders.people import normalize_name
from extraction.models import PartialDate
from extraction.reading.cleaning import clean
from extraction.reading.nlp import analyze

if TYPE_CHECKING:
    from extraction.signings.group import Group
    from extraction.signings.signing import Signing


@dataclass(frozen=True, slots=True)
class OtherSignings:
    """`i in others`: sentence `i` reports another group's document (no set is built per question)."""

    owner_of: dict[int, int]
    group: int

    def __contains__(self, i: object) -> bool:
        owner = self.owner_of.get(i)  # type: ignore[call-overload]
        return owner is not None and owner != self.group


@dataclass(slots=True)
class Article:
    """The cleaned body, its sentences and what is known of the whole text."""

    body: str
    title: str | None
    ref: PartialDate | None  # publication date: given, or found in the text
    sents: list
    texts: list[str]
    quotes: list[tuple[int, int]]
    known_names: list[str]  # full names written in the nominative
    full_names: list[str]  # every full name, normalized
    events: dict[int, tuple[str, int, int] | None] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    _parties: dict[int, SentenceParties] = field(default_factory=dict)
    _region_counts: Counter[str] | None = None
    _signing_of: dict[int, int] | None = None

    def parties_at(self, i: int) -> SentenceParties:
        """What sentence `i` says about the parties (computed once: several steps look at neighbours)."""
        found = self._parties.get(i)
        if found is None:
            found = self._parties[i] = analyze_sentence(self.sents[i], self.texts[i], None)
        return found

    def region_counts(self) -> Counter[str]:
        """How often each region is named as an actor, not a place; the title counts twice."""
        if self._region_counts is None:
            counts: Counter[str] = Counter()
            for i, t in enumerate(self.texts):
                for m in gz.find_regions(t):
                    if not LOCATION_PREP.search(t[max(0, m.start - 12): m.start]):
                        counts[m.region.name] += 2 if i == 0 and self.title is not None else 1
            self._region_counts = counts
        return self._region_counts

    def in_quote(self, s: Signing) -> bool:
        pos = self.sents[s.index].start + s.predicate_at
        return any(a <= pos < b for a, b in self.quotes)

    def other_signings(self, g: Group) -> OtherSignings:
        """Sentences that report another group's document (asked once the groups are made)."""
        if self._signing_of is None:
            self._signing_of = {x.index: id(g2) for g2 in self.groups for x in g2.signings}
        return OtherSignings(self._signing_of, id(g))


def reference_date(given: PartialDate | None, in_text: PartialDate | None) -> PartialDate | None:
    """The article's own date line wins for day and month; the given publication date fills the year."""
    if in_text is None:
        return given
    if in_text.year is None and given is not None:
        return PartialDate(given.year, in_text.month, in_text.day)
    return in_text


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Direct speech: «...» longer than a name, and paragraphs opening a quote closed before "— сказал"."""
    ranges = [(m.start(), m.end()) for m in re.finditer(r"«[^«»]{80,}»", text)]
    for m in re.finditer(r"(?m)^[\"“]([^\n]{60,}?)[\"”]\s*,?\s*[-–—]", text):
        ranges.append((m.start(), m.end()))
    return ranges


def read_article(text: str, published: date | str | None = None) -> Article | None:
    """Clean `text` and run the one NLP pass; None when nothing of an article is left."""
    cleaned = clean(text or "")
    if not cleaned.lines:
        return None
    ref = reference_date(from_iso(published) if published else None, cleaned.published)
    body = cleaned.text
    doc = analyze(body)
    sents = list(doc.sents)
    # full names seen in the nominative teach the normalizer rare surnames
    known, full = [], []
    for sp in doc.spans:
        if sp.type == "PER" and len(sp.tokens) >= 2:
            cases = {(t.feats or {}).get("Case") for t in sp.tokens}
            if cases <= {"Nom", None}:
                known.append(sp.text)
            full.append(normalize_name([(t.text, (t.feats or {}).get("Case")) for t in sp.tokens], []))
    return Article(body, cleaned.title, ref, sents, [s.text for s in sents], quoted_ranges(body), known, full)
