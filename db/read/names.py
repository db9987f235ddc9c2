"""In-memory name indexes (regions; organizations + countries) and fuzzy matching over them.

Matching runs in Python with rapidfuzz over cached name lists; SQL then only looks ids up in indexes.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import cache, places
from db.models import Country, Organization, OrganizationAlias, Region
from db.morph import lemma_text
from db.normalize import org_key, region_key
from extraction.reading.text import cyrillic_lookalikes

Target = tuple[str, int]  # ("r" | "o" | "c", row id)
FUZZY_CUTOFF = 86.0
# a suggestion must be this close (rapidfuzz, 0-100): "Газпром" is not near "Гана", "123" is near nothing
SUGGEST_CUTOFF = 78.0
MAX_PREFIX_TARGETS = 8
_DIGITS = re.compile(r"\d+")
_SHORT_WORDS = {"обл": "область", "респ": "республика", "ао": "автономный округ"}
_DROPPED_WORDS = {"г", "город"}  # "г. Москва" is Москва


@dataclass(slots=True)
class NameIndex:
    """Names of one kind of thing, folded, with their normal forms, for exact, prefix and fuzzy lookups."""

    display: dict[Target, str] = field(default_factory=dict)
    exact: dict[str, set[Target]] = field(default_factory=lambda: defaultdict(set))
    by_word: dict[str, set[Target]] = field(default_factory=lambda: defaultdict(set))
    strings: list[str] = field(default_factory=list)
    targets: list[set[Target]] = field(default_factory=list)
    ordered: list[str] = field(default_factory=list)
    # strings by first letter: typo matching looks there first (a typo rarely hits the first letter)
    buckets: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, target: Target, spelling: str, key_fn: Callable[[str], str]) -> None:
        key = key_fn(spelling)
        if not key:
            return
        for form in {key, lemma_text(key), cyrillic_lookalikes(key)}:
            self.exact[form].add(target)
            for word in form.split():
                if len(word) >= 4:
                    self.by_word[word].add(target)

    def freeze(self) -> NameIndex:
        self.strings = list(self.exact)
        self.targets = [self.exact[s] for s in self.strings]
        self.ordered = sorted(self.strings)
        for i, s in enumerate(self.strings):
            self.buckets[s[0]].append(i)
        return self

    def names(self, targets: Iterable[Target]) -> list[str]:
        return sorted({self.display[t] for t in targets if t in self.display})


@dataclass(slots=True)
class Match:
    targets: list[Target]
    suggestions: list[str]


def _few(found: set[Target]) -> bool:
    return 0 < len(found) <= MAX_PREFIX_TARGETS


def match(index: NameIndex, query: str, key_fn: Callable[[str], str], limit: int = 5) -> Match:
    """Exact (folded or normal form), prefix, whole word, then typo-tolerant; else suggestions."""
    key = key_fn(query)
    if not key:
        return Match([], [])
    # a Latin "MTC" typed for МТС is tried in Cyrillic too
    forms = list(dict.fromkeys([key, lemma_text(key), cyrillic_lookalikes(key)]))
    for form in forms:
        if form in index.exact:
            return Match(sorted(index.exact[form]), [])
    digits = set(_DIGITS.findall(key))
    ambiguous: set[Target] = set()
    for finder in (_prefixed, _by_words):
        for form in forms:
            # a number in the query must be in the name: "Компания 3" is not "Компания 0"
            found = {t for t in finder(index, form) if digits <= _digits_of(index, t)}
            if _few(found):
                return Match(sorted(found), [])
            ambiguous |= found
    found = _typos(index, forms, key)
    if found:
        return Match(sorted(found), [])
    if ambiguous:  # "Нано" starts too many names to pick one: offer the shortest of them
        return Match([], sorted(index.names(ambiguous), key=lambda n: (len(n), n))[:limit])
    return Match([], suggest(index, forms, limit))


def _digits_of(index: NameIndex, target: Target) -> set[str]:
    return set(_DIGITS.findall(index.display.get(target, "")))


def _prefixed(index: NameIndex, form: str) -> set[Target]:
    """Names starting with `form` ("почта" -> "почта россии")."""
    found: set[Target] = set()
    if len(form) < 3:
        return found
    start = bisect.bisect_left(index.ordered, form)
    for s in index.ordered[start:]:
        if not s.startswith(form) or len(found) > MAX_PREFIX_TARGETS:
            break
        found |= index.exact[s]
    return found


def _by_words(index: NameIndex, form: str) -> set[Target]:
    """Names holding every word of `form` as a whole word."""
    found: set[Target] | None = None
    for word in form.split():
        if len(word) < 4:
            continue
        hits = index.by_word.get(word, set())
        found = set(hits) if found is None else found & hits
        if not found:
            return set()
    return found or set()


def _typos(index: NameIndex, forms: list[str], key: str) -> set[Target]:
    """Names within a few edits of the query, best score only; digits must agree."""
    digits = _DIGITS.findall(key)
    scored: dict[Target, float] = {}
    for pool in ("bucket", "all"):
        for form in forms:
            choices: Any = index.strings
            if pool == "bucket":
                choices = {i: index.strings[i] for i in index.buckets.get(form[0], [])}
            for choice, score, i in process.extract(
                form, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=20
            ):
                if _DIGITS.findall(choice) != digits:  # "Компания 3" is no typo of "Компания 0"
                    continue
                for t in index.targets[i]:
                    scored[t] = max(scored.get(t, 0.0), score)
        if scored:
            break
    if not scored:
        return set()
    best = max(scored.values())
    return {t for t, score in scored.items() if score >= best - 1.0}


def suggest(index: NameIndex, forms: list[str], limit: int, cutoff: float = SUGGEST_CUTOFF) -> list[str]:
    """The nearest names: edit distance over all names, plus partial matches among same-letter
    names; only those scoring `cutoff` or more (none when nothing is really close)."""
    scored: dict[str, float] = {}
    for form in forms:
        bucket = {i: index.strings[i] for i in index.buckets.get(form[0], [])}
        for scorer, choices in ((fuzz.ratio, index.strings), (fuzz.WRatio, bucket)):
            found = process.extract(form, choices, scorer=scorer, limit=limit * 2, score_cutoff=cutoff)
            for _, score, i in found:
                for t in index.targets[i]:
                    name = index.display.get(t)
                    if name:
                        scored[name] = max(scored.get(name, 0.0), score)
    return [n for n, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def region_query_key(text: str) -> str:
    """Folded region name with common abbreviations spelled out ("обл." -> "область")."""
    return " ".join(_SHORT_WORDS.get(w, w) for w in region_key(text).split() if w not in _DROPPED_WORDS)


async def region_index(session: AsyncSession) -> NameIndex:
    cached = cache.get(session.bind, "regions")
    if cached is not None:
        return cached
    table = Region.__table__
    rows = (await session.execute(select(table.c.id, table.c.name, table.c.capital))).all()
    extra = {p.name: p for p in places.regions()}
    index = NameIndex()
    for region_id, name, capital in rows:
        target = ("r", region_id)
        index.display[target] = name
        place = extra.get(name)
        for spelling in (name, capital, *(place.aliases if place else ())):
            if spelling:
                index.add(target, spelling, region_query_key)
    index.freeze()
    cache.put(session.bind, "regions", index)
    return index


async def partner_index(session: AsyncSession) -> NameIndex:
    cached = cache.get(session.bind, "partners")
    if cached is not None:
        return cached
    org, alias, country = Organization.__table__, OrganizationAlias.__table__, Country.__table__
    index = NameIndex()
    for org_id, name, key in (await session.execute(select(org.c.id, org.c.name, org.c.key))).all():
        index.display[("o", org_id)] = name
        index.add(("o", org_id), key, org_key)
    for org_id, key in (await session.execute(select(alias.c.organization_id, alias.c.key))).all():
        index.add(("o", org_id), key, org_key)
    extra = {p.name: p for p in places.countries()}
    for country_id, name in (await session.execute(select(country.c.id, country.c.name))).all():
        index.display[("c", country_id)] = name
        place = extra.get(name)
        for spelling in (name, *(place.aliases if place else ())):
            index.add(("c", country_id), spelling, org_key)
    index.freeze()
    cache.put(session.bind, "partners", index)
    return index
