"""Gazetteer: Russia's 89 federal subjects, foreign states and well-known foreign sub-national units,
with inflection-aware matching in running Russian text and lookup of a single name a user typed.

The tables live in `extraction/data/*.txt`. Matching works on tokens: every word of a name or alias is
expanded into its case forms with pymorphy2 (loaded once, lazily), and the token sequences are matched
leftmost-longest through a dict keyed by the first token, so a 5,000-character text costs well under a
millisecond per matcher after the one-off build.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, TypeVar

from extraction.reading.diskmemo import DiskMemo

if TYPE_CHECKING:
    from pymorphy2 import MorphAnalyzer

MentionKind = Literal["name", "alias", "coordinated", "adjective", "capital"]


@dataclass(frozen=True, slots=True)
class Region:
    """A federal subject of Russia."""

    name: str  # canonical name as in the gold format ("Республика Саха (Якутия)")
    iso: str  # ISO 3166-2:RU code, or a documented placeholder (see data/regions.txt)
    capital: str | None  # administrative centre; the city itself for Москва, Санкт-Петербург, Севастополь
    aliases: tuple[str, ...] = ()  # short and colloquial forms: "Калужская", "Калужская обл.", "Кубань"
    kind: str = "область"  # область, край, республика, автономный округ, автономная область, город
    adjectives: tuple[str, ...] = ()  # masculine nominative adjectives meaning the region: "калужский"


@dataclass(frozen=True, slots=True)
class Country:
    """A foreign state, by its short common Russian name."""

    name: str  # "Беларусь"
    aliases: tuple[str, ...] = ()  # "Белоруссия", "Республика Беларусь", "РБ"
    iso: str = ""  # ISO 3166-1 alpha-2, or a documented placeholder
    adjectives: tuple[str, ...] = ()  # "белорусский"


@dataclass(frozen=True, slots=True)
class ForeignUnit:
    """A foreign sub-national unit or city, which tells that a party is foreign."""

    name: str  # "Алматинская область", "провинция Шаньдун", "Минск"
    country: str  # Country.name
    kind: str  # область, облисполком, провинция, автономный район, республика, город


@dataclass(frozen=True, slots=True)
class RegionMention:
    """A region named in a text; `kind` says how strong the evidence is."""

    region: Region
    start: int
    end: int
    text: str
    kind: MentionKind = "name"


@dataclass(frozen=True, slots=True)
class CountryMention:
    """A foreign state named in a text (`kind` "name"/"alias") or implied by an adjective ("adjective")."""

    country: Country
    start: int
    end: int
    text: str
    kind: MentionKind = "name"


class ForeignUnitMention(NamedTuple):
    """A foreign sub-national unit found in a text: unpacks as (text, country, start, end)."""

    text: str
    country: Country
    start: int
    end: int


# --------------------------------------------------------------------------------------------- data

_DATA = resources.files("extraction") / "data"


def _rows(filename: str) -> list[list[str]]:
    text = (_DATA / filename).read_text(encoding="utf-8")
    return [
        [cell.strip() for cell in line.split("|")]
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _split(cell: str, sep: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(sep) if part.strip())


def _load_regions() -> tuple[Region, ...]:
    regions = []
    for name, iso, capital, kind, adjectives, aliases in _rows("regions.txt"):
        short: list[str] = []
        head = name.split(" — ")[0].split()
        if kind in ("область", "край", "автономный округ") and adjectives != "-":
            first = head[0]
            short.append(first)  # bare adjective: a weak alias ("Калужская")
            if kind == "область":
                short += [f"{first} обл.", f"{first} обл"]
            elif kind == "автономный округ":
                short.append(f"{' '.join(head[:-2])} АО")
        all_aliases = tuple(dict.fromkeys([*_split(aliases, ";"), *short]))
        regions.append(
            Region(
                name=name,
                iso=iso,
                capital=capital or None,
                aliases=all_aliases,
                kind=kind,
                adjectives=() if adjectives == "-" else _split(adjectives, ","),
            )
        )
    return tuple(regions)


def _load_countries() -> tuple[Country, ...]:
    return tuple(
        Country(name=name, iso=iso, adjectives=_split(adjectives, ","), aliases=_split(aliases, ";"))
        for name, iso, adjectives, aliases in _rows("countries.txt")
    )


def _load_foreign_units() -> tuple[ForeignUnit, ...]:
    units = []
    for country, kind, names in _rows("foreign_units.txt"):
        for name in _split(names, ";"):
            full = name
            if kind == "область" and " " not in name:
                full = f"{name} область"
            elif kind == "облисполком":
                full = f"{name} облисполком"
            elif kind in ("провинция", "аймак", "префектура"):
                full = f"{kind} {name}"  # the index adds the bare name: these never name a Russian place
            elif kind == "район":
                full = f"{name} район"
            units.append(ForeignUnit(name=full, country=country, kind=kind))
    return tuple(units)


def _load_towns() -> tuple[tuple[str, str], ...]:
    """(town, region name) for the towns of cities.txt."""
    return tuple((town, region) for region, towns in _rows("cities.txt") for town in _split(towns, ";"))


REGIONS: tuple[Region, ...] = _load_regions()
COUNTRIES: tuple[Country, ...] = _load_countries()
FOREIGN_UNITS: tuple[ForeignUnit, ...] = _load_foreign_units()
TOWNS: tuple[tuple[str, str], ...] = _load_towns()


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


_REGION_BY_NAME = {_fold(r.name): r for r in REGIONS}
_REGION_BY_ISO = {r.iso.upper(): r for r in REGIONS}
_COUNTRY_BY_NAME = {_fold(c.name): c for c in COUNTRIES}


def region_by_name(canonical: str) -> Region:
    """The region with this canonical name (case and ё/е insensitive); KeyError if there is none."""
    return _REGION_BY_NAME[_fold(canonical.strip())]


def region_by_iso(code: str) -> Region:
    """The region with this ISO 3166-2 code ("RU-KLU"); KeyError if there is none."""
    return _REGION_BY_ISO[code.strip().upper()]


def country_by_name(name: str) -> Country:
    """The country with this short name ("Беларусь"); KeyError if there is none."""
    return _COUNTRY_BY_NAME[_fold(name.strip())]


# ----------------------------------------------------------------------------------------- tokens

_DASHES = "-‐‑‒–—―"
_TOKEN_RE = re.compile(rf"\w+(?:[{_DASHES}]\w+)*|[{_DASHES}]|\S")
_WORD_RE = re.compile(r"[а-яё]+(?:-[а-яё]+)*", re.IGNORECASE)
_DASH_TRANS = str.maketrans({d: "-" for d in _DASHES})


class _Tokens:
    """A text's tokens as parallel lists: normalized form (case-folded, ё -> е, any dash -> "-"), offsets."""

    __slots__ = ("text", "norms", "starts", "ends")

    def __init__(self, text: str, norms: list[str], starts: list[int], ends: list[int]) -> None:
        self.text, self.norms, self.starts, self.ends = text, norms, starts, ends

    def __len__(self) -> int:
        return len(self.norms)

    def raw(self, i: int) -> str:
        return self.text[self.starts[i]:self.ends[i]].translate(_DASH_TRANS)

    def sub(self, a: int, b: int) -> _Tokens:
        return _Tokens(self.text, self.norms[a:b], self.starts[a:b], self.ends[a:b])


def _norm(word: str) -> str:
    return _fold(word).translate(_DASH_TRANS)


@lru_cache(maxsize=16)
def _tokenize(text: str) -> _Tokens:
    spans = [m.span() for m in _TOKEN_RE.finditer(text)]
    folded = text.lower().replace("ё", "е").translate(_DASH_TRANS)
    if len(folded) == len(text):  # one pass over the whole text instead of one per token
        norms = [folded[a:b] for a, b in spans]
    else:
        norms = [_norm(text[a:b]) for a, b in spans]
    return _Tokens(text, norms, [a for a, _ in spans], [b for _, b in spans])


# ----------------------------------------------------------------------------------------- morphology

_morph_lock = threading.Lock()
_morph_instance: MorphAnalyzer | None = None

# Words of names that never change ("Республики Марий Эл", "Республики Коми").
_INVARIABLE = frozenset({"саха", "марий", "эл", "коми", "обл", "ао", "г"})
# Head nouns that texts glue to a name's dashed tail without spaces: "округа-Югры", "области-Кузбасса".
_GLUED_HEADS = frozenset({"область", "округ", "республика", "край"})


def morph() -> MorphAnalyzer:
    """The process-wide pymorphy2 analyzer (natasha's MorphVocab, which also patches pymorphy2 for 3.11+)."""
    global _morph_instance
    if _morph_instance is None:
        with _morph_lock:
            if _morph_instance is None:
                from natasha import MorphVocab

                _morph_instance = MorphVocab()
    return _morph_instance


def _abbreviation_head(word: str) -> int:
    """Length of a leading run of two or more capitals ("ХМАО-Югра" -> 4), else 0."""
    m = re.match(r"[A-ZА-ЯЁ]{2,}", word)
    if m is None and re.match(r"[A-ZА-ЯЁ][A-ZА-ЯЁa-zа-яё]*[A-ZА-ЯЁ]", word):  # mixed: "СПб"
        return len(word.split("-")[0])
    return len(m.group()) if m else 0


def _parse_nominative(word: str, guess: bool) -> Any | None:
    parses = [p for p in morph().parse(word) if "nomn" in p.tag and p.tag.POS in ("NOUN", "ADJF")]
    if not parses:
        return None
    best = max(
        parses,
        key=lambda p: (p.is_known, "Geox" in p.tag, "inan" in p.tag, "sing" in p.tag, p.score),
    )
    if not best.is_known and not guess and best.tag.POS != "ADJF":
        return None
    return best


# pymorphy2's answers the matchers are built from, kept on disk between runs: building them takes
# a second or more, and the bot's first /region waits for it
_MEMO = DiskMemo("gazetteer-forms", Path(__file__))


def _memoized(key: str, compute: Any) -> Any:
    found = _MEMO.get(key)
    if found is None:
        found = compute()
        _MEMO.put(key, sorted(found) if isinstance(found, frozenset) else found)
    return found


@cache
def _word_forms(word: str, guess: bool = True) -> frozenset[str]:
    """All singular case forms of one word of a name, agreeing in gender for adjectives."""
    return frozenset(_memoized(f"w{int(guess)}|{word}", lambda: _compute_word_forms(word, guess)))


def _compute_word_forms(word: str, guess: bool) -> frozenset[str]:
    low = _norm(word)
    head = _abbreviation_head(word)
    if head:
        if "-" in word and not word[head:].startswith("-"):
            return frozenset({low})
        if "-" in word:  # "РСО-Алания" -> "рсо-алании"
            prefix, tail = word.split("-", 1)
            return frozenset(f"{_norm(prefix)}-{f}" for f in _word_forms(tail, guess))
        return frozenset({low})
    if not _WORD_RE.fullmatch(word) or low in _INVARIABLE:
        return frozenset({low})
    left, _, right = low.partition("-")
    if left in _GLUED_HEADS and right:  # "округа-Югры": both halves change
        return frozenset(f"{a}-{b}" for a in _word_forms(left) for b in _word_forms(word.split("-", 1)[1]))
    if guess and (low.endswith("ье") or low.endswith("чина") or low.endswith("щина")):
        # Colloquial region nouns pymorphy2 may not know ("Красноярье", "Липетчина").
        stem, endings = (low[:-1], ("е", "я", "ю", "ем")) if low.endswith("ье") else (
            low[:-1], ("а", "ы", "е", "у", "ой", "ою"))
        return frozenset({low, *(stem + e for e in endings)})
    parse = _parse_nominative(word, guess)
    if parse is None:
        return frozenset({low})
    tag = parse.tag
    forms = {low}
    for form in parse.lexeme:
        ft = form.tag
        if ft.POS != tag.POS or ft.number != tag.number:
            continue
        if tag.POS == "ADJF" and ft.gender != tag.gender:
            continue
        forms.add(_norm(form.word))
    return frozenset(forms)


@cache
def _adjective_forms(masculine: str) -> frozenset[str]:
    """Every form (gender, number, case) of an adjective given in the masculine nominative."""
    return frozenset(_memoized(f"a|{masculine}", lambda: _compute_adjective_forms(masculine)))


def _compute_adjective_forms(masculine: str) -> frozenset[str]:
    low = _norm(masculine)
    parses = [p for p in morph().parse(masculine) if p.tag.POS == "ADJF"]
    if not parses:
        return frozenset({low})
    parse = max(parses, key=lambda p: (p.is_known, p.normal_form == low, p.score))
    return frozenset({low, *(_norm(f.word) for f in parse.lexeme if f.tag.POS == "ADJF")})


def _is_bare_adjective(alias: str) -> bool:
    return bool(_memoized(f"b|{alias}", lambda: _compute_is_bare_adjective(alias)))


def _compute_is_bare_adjective(alias: str) -> bool:
    words = alias.split()
    if len(words) != 1 or _abbreviation_head(alias):
        return False
    parse = _parse_nominative(alias, guess=True)
    return parse is not None and parse.tag.POS == "ADJF"


# ------------------------------------------------------------------------------------------ matcher

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Pattern(Generic[T]):
    slots: tuple[frozenset[str], ...]
    payload: T
    kind: MentionKind
    exact: str  # the capitals a text must show at the start ("ЯНАО"), "" when any case will do
    capital: bool  # a text's first letter must be a capital


class _Matcher(Generic[T]):
    """Leftmost-longest matching of token-form sequences, indexed by the first token."""

    def __init__(self) -> None:
        self._first: dict[str, list[_Pattern[T]]] = {}
        self._seen: set[tuple[Any, ...]] = set()

    def add(self, phrase: str, payload: T, kind: MentionKind, *, guess: bool = True,
            capital: bool | None = None, forms: frozenset[str] | None = None) -> None:
        tokens = _tokenize(phrase)
        words = [tokens.raw(i) for i in range(len(tokens))]
        if not words:
            return
        slots = (forms,) if forms is not None else tuple(_word_forms(w, guess) for w in words)
        head = _abbreviation_head(words[0])
        exact = words[0][:head] if head else ""
        if capital is None:
            capital = len(words) == 1 and not exact
        key = (slots, id(payload), exact, capital)
        if key in self._seen:
            return
        self._seen.add(key)
        pattern = _Pattern(slots, payload, kind, exact, capital)
        for first in slots[0]:
            self._first.setdefault(first, []).append(pattern)

    def scan(self, tokens: _Tokens, *, strict: bool = True,
             blocked: frozenset[int] | set[int] = frozenset()) -> list[tuple[int, int, _Pattern[T]]]:
        """Non-overlapping matches as (first token, end token, pattern), leftmost-longest."""
        found: list[tuple[int, int, _Pattern[T]]] = []
        first = self._first
        norms = tokens.norms
        n = len(norms)
        last_end = 0
        for i in [i for i, norm in enumerate(norms) if norm in first]:
            if i < last_end:
                continue
            best: _Pattern[T] | None = None
            best_len = 0
            for pat in first[norms[i]]:
                size = len(pat.slots)
                if size <= best_len or i + size > n:
                    continue
                ok = True
                for k in range(1, size):
                    if norms[i + k] not in pat.slots[k]:
                        ok = False
                        break
                if not ok:
                    continue
                if blocked and any(i + k in blocked for k in range(size)):
                    continue
                if strict and not self._case_ok(pat, tokens.text[tokens.starts[i]:tokens.ends[i]]):
                    continue
                best, best_len = pat, size
            if best is not None:
                found.append((i, i + best_len, best))
                last_end = i + best_len
        return found

    @staticmethod
    def _case_ok(pat: _Pattern[T], raw: str) -> bool:
        if pat.exact:  # "СПб" or "СПБ", never "спб": an abbreviation is written in capitals
            return raw[:2].isupper() and _fold(raw).startswith(_fold(pat.exact))
        return not pat.capital or raw[:1].isupper()


# -------------------------------------------------------------------------------------------- index

_PLURAL_HEADS: dict[str, frozenset[str]] = {
    "область": frozenset({"области", "областей", "областям", "областями", "областях"}),
    "край": frozenset({"края", "краев", "краям", "краями", "краях"}),
}
_ALL_PLURAL_HEADS = frozenset().union(*_PLURAL_HEADS.values())
_COORD_SEPARATORS = frozenset({"и", ","})
# Capitals that are more often a person's name than a city in running text ("Владимир Путин").
_AMBIGUOUS_CAPITALS = frozenset({"Владимир", "Киров"})
# region abbreviations that are also legal forms of companies ("НАО" = непубличное акционерное общество)
_LEGAL_FORM_ALIASES = frozenset({"НАО"})


class _Index:
    """Every matcher, built once per process on first use."""

    def __init__(self) -> None:
        self.regions: _Matcher[Region] = _Matcher()  # names and strong aliases
        self.region_bare: _Matcher[Region] = _Matcher()  # bare-adjective aliases: "Калужская"
        self.region_adjectives: _Matcher[Region] = _Matcher()  # any form of "калужский", "подмосковный"
        # For text, region adjectives come before bare aliases: "московской мэрии" is Москва's, while a
        # user who types "Московская" means Московская область (find_region asks region_bare first).
        self.region_weak: _Matcher[Region] = _Matcher()
        self.capitals: _Matcher[Region] = _Matcher()  # capitals, for text (ambiguous ones left out)
        self.capitals_query: _Matcher[Region] = _Matcher()
        self.countries: _Matcher[Country] = _Matcher()
        self.country_adjectives: _Matcher[Country] = _Matcher()
        self.foreign: _Matcher[ForeignUnit] = _Matcher()
        # adjective form -> subject, per plural head noun, for "Калужской и Алматинской областей"
        self.coordinated: dict[str, dict[str, Region | ForeignUnit]] = {kind: {} for kind in _PLURAL_HEADS}
        self._build()

    def _build(self) -> None:
        for region in REGIONS:
            self.regions.add(region.name, region, "name")
            if " — " in region.name:
                self.regions.add(region.name.replace(" — ", "-"), region, "name")
        bare: list[tuple[str, Region]] = []
        for region in REGIONS:
            for alias in region.aliases:
                if _is_bare_adjective(alias):
                    bare.append((alias, region))
                else:
                    self.regions.add(alias, region, "alias")
            for adjective in self._region_adjectives(region):
                for matcher in (self.region_adjectives, self.region_weak):
                    matcher.add(adjective, region, "adjective", capital=False, forms=_adjective_forms(adjective))
            if region.capital:
                self.capitals_query.add(region.capital, region, "capital", capital=True)
                if region.capital not in _AMBIGUOUS_CAPITALS and region.kind != "город":
                    self.capitals.add(region.capital, region, "capital", capital=True)
            if region.kind in self.coordinated:
                first = region.name.split()[0]
                table = self.coordinated[region.kind]
                for form in _adjective_forms(first):
                    table.setdefault(form, region)
        by_name = {r.name: r for r in REGIONS}
        for town, name in TOWNS:  # other towns name their region as its capital does
            self.capitals_query.add(town, by_name[name], "capital", capital=True)
            self.capitals.add(town, by_name[name], "capital", capital=True)
        for alias, region in bare:
            for matcher in (self.region_bare, self.region_weak):
                matcher.add(alias, region, "adjective", capital=False)
        for country in COUNTRIES:
            self.countries.add(country.name, country, "name")
        for country in COUNTRIES:
            for alias in country.aliases:
                self.countries.add(alias, country, "alias")
            for adjective in country.adjectives:
                self.country_adjectives.add(adjective, country, "adjective", capital=False,
                                            forms=_adjective_forms(adjective))
        for unit in FOREIGN_UNITS:
            self.foreign.add(unit.name, unit, "name", guess=False)
            if unit.kind == "область":
                stem = unit.name.rsplit(" ", 1)[0]
                self.foreign.add(f"{stem} обл.", unit, "alias", guess=False)
                if " " not in stem:
                    for form in _word_forms(stem, False):
                        self.coordinated["область"].setdefault(form, unit)
            elif unit.kind in ("провинция", "аймак", "префектура"):
                self.foreign.add(unit.name.split(" ", 1)[1], unit, "alias", guess=False)

    @staticmethod
    def _region_adjectives(region: Region) -> Iterable[str]:
        if region.adjectives:
            return region.adjectives
        if region.kind in ("область", "край", "автономный округ") and _is_bare_adjective(
            region.name.split()[0]
        ):
            first = region.name.split()[0]
            return (_memoized(f"n|{first}", lambda: morph().parse(first)[0].normal_form),)
        return ()


_index_lock = threading.Lock()
_index_instance: _Index | None = None


def _index() -> _Index:
    global _index_instance
    if _index_instance is None:
        with _index_lock:
            if _index_instance is None:
                _index_instance = _Index()
                _MEMO.save()
    return _index_instance


def warm_up() -> None:
    """Build every matcher now (call once per worker process, e.g. in a pool initializer)."""
    _index()


# ------------------------------------------------------------------------------------------ finding

def _span(text: str, tokens: _Tokens, start: int, end: int) -> tuple[int, int, str]:
    a, b = tokens.starts[start], tokens.ends[end - 1]
    return a, b, text[a:b]


def _foreign_hits(tokens: _Tokens) -> list[tuple[int, int, _Pattern[ForeignUnit]]]:
    return _index().foreign.scan(tokens)


def _blocked_by(hits: Iterable[tuple[int, int, Any]]) -> set[int]:
    return {i for start, end, _ in hits for i in range(start, end)}


def _coordinated(tokens: _Tokens, blocked: set[int]) -> list[tuple[int, Region | ForeignUnit]]:
    """"Калужской и Тульской областей": each adjective before a plural head noun is a subject
    (a Russian region, or a foreign unit as in "Алматинской и Челябинской областей")."""
    index = _index()
    found: list[tuple[int, Region | ForeignUnit]] = []
    norms = tokens.norms
    for k in [k for k, norm in enumerate(norms) if norm in _ALL_PLURAL_HEADS]:
        for kind, heads in _PLURAL_HEADS.items():
            if norms[k] not in heads or k in blocked:
                continue
            table = index.coordinated[kind]
            chain: list[tuple[int, Region | ForeignUnit]] = []
            j = k - 1
            while j >= 0 and j not in blocked and norms[j] in table:
                chain.append((j, table[norms[j]]))
                j -= 1
                if j >= 0 and norms[j] in _COORD_SEPARATORS:
                    j -= 1
                else:
                    break
            if len(chain) >= 2:
                found.extend(reversed(chain))
                blocked.update(range(chain[-1][0], k + 1))
    return found


def find_regions(text: str, *, adjectives: bool = False) -> list[RegionMention]:
    """Russian federal subjects named in `text`, in order, non-overlapping, longest match first.

    Names and aliases in any case ("Калужской области", "на Кубани", "ЯНАО", "Москвы"); subjects listed
    before one plural noun ("Калужской и Тульской областей", kind "coordinated"). With `adjectives`, also
    region adjectives outside those ("тюменский губернатор", kind "adjective"). Foreign units
    ("Алматинская область") are never taken for Russian regions.
    """
    tokens = _tokenize(text)
    if not tokens:
        return []
    index = _index()
    blocked = _blocked_by(_foreign_hits(tokens))
    mentions = []
    for i, subject in _coordinated(tokens, blocked):
        if isinstance(subject, Region):
            start, end, surface = _span(text, tokens, i, i + 1)
            mentions.append(RegionMention(subject, start, end, surface, "coordinated"))
    hits = index.regions.scan(tokens, blocked=blocked)
    for a, b, pat in hits:
        start, end, surface = _span(text, tokens, a, b)
        if surface in _LEGAL_FORM_ALIASES and re.match(r"\s*[«\"“„]", text[end:]):
            continue  # "НАО «Завод»": a company's legal form, not the Nenets okrug
        mentions.append(RegionMention(pat.payload, start, end, surface, pat.kind))
    if adjectives:
        blocked |= _blocked_by(hits)
        for a, b, pat in index.region_weak.scan(tokens, blocked=blocked):
            start, end, surface = _span(text, tokens, a, b)
            mentions.append(RegionMention(pat.payload, start, end, surface, "adjective"))
    mentions.sort(key=lambda m: m.start)
    return mentions


def find_region_adjectives(text: str) -> list[RegionMention]:
    """Region adjectives not part of a region's name: "тюменский губернатор", "подмосковные власти".

    A weaker kind of evidence (kind "adjective") that the extraction engine weighs itself.
    "московский" means Москва, "подмосковный" Московская область, "алтайский" Алтайский край.
    """
    return [m for m in find_regions(text, adjectives=True) if m.kind == "adjective"]


def find_capitals(text: str) -> list[RegionMention]:
    """Regional capitals named in `text` ("в Калуге"), kind "capital", outside region and foreign names.

    Capitals that are mostly personal names in text (Владимир, Киров) and the federal cities (found by
    `find_regions` already) are left out.
    """
    tokens = _tokenize(text)
    index = _index()
    blocked = _blocked_by(_foreign_hits(tokens)) | _blocked_by(index.regions.scan(tokens))
    return [
        RegionMention(pat.payload, *_span(text, tokens, a, b), "capital")
        for a, b, pat in index.capitals.scan(tokens, blocked=blocked)
    ]


def find_countries(text: str) -> list[CountryMention]:
    """Foreign states named in `text` (kind "name"/"alias") or by adjective ("белорусской стороны",
    kind "adjective"), in order; a foreign unit's name ("Внутренняя Монголия") is not its state."""
    tokens = _tokenize(text)
    if not tokens:
        return []
    index = _index()
    blocked = _blocked_by(_foreign_hits(tokens))
    hits = index.countries.scan(tokens, blocked=blocked)
    mentions = [CountryMention(p.payload, *_span(text, tokens, a, b), p.kind) for a, b, p in hits]
    blocked |= _blocked_by(hits)
    mentions += [
        CountryMention(p.payload, *_span(text, tokens, a, b), "adjective")
        for a, b, p in index.country_adjectives.scan(tokens, blocked=blocked)
    ]
    mentions.sort(key=lambda m: m.start)
    return mentions


def find_foreign_units(text: str) -> list[ForeignUnitMention]:
    """Foreign sub-national units and cities in `text`, in order: "Алматинской области" -> Казахстан;
    in "Алматинской и Челябинской областей" the adjective "Алматинской" alone."""
    tokens = _tokenize(text)
    if not tokens:
        return []
    hits = _foreign_hits(tokens)
    units = [(a, b, p.payload) for a, b, p in hits]
    units += [(i, i + 1, s) for i, s in _coordinated(tokens, _blocked_by(hits)) if isinstance(s, ForeignUnit)]
    units.sort(key=lambda u: u[0])
    return [
        ForeignUnitMention(span[2], country_by_name(unit.country), span[0], span[1])
        for a, b, unit in units
        for span in [_span(text, tokens, a, b)]
    ]


def foreign_unit_at(text: str, start: int) -> ForeignUnit | None:
    """The foreign unit whose mention begins at `start` in `text`, if any."""
    tokens = _tokenize(text)
    for a, _b, p in _foreign_hits(tokens):
        if tokens.starts[a] == start:
            return p.payload
    return None


_QUERY_PREFIXES = ("г", "гор", "город", "в", "во")


def _query_tokens(name: str) -> _Tokens:
    tokens = _tokenize(name.strip().strip("\"'«»"))
    a, b = 0, len(tokens)
    while b - a > 1 and tokens.norms[a] in _QUERY_PREFIXES:
        a += 1
        if a < b and tokens.norms[a] == ".":
            a += 1
    while b > a and tokens.norms[b - 1] in {",", ";", "!", "?"}:
        b -= 1
    return tokens.sub(a, b)


def _whole(matcher: _Matcher[T], tokens: _Tokens) -> T | None:
    hits = matcher.scan(tokens, strict=False)
    if len(hits) == 1 and hits[0][0] == 0 and hits[0][1] == len(tokens):
        return hits[0][2].payload
    return None


def find_region(name: str) -> Region | None:
    """The region a user means by one name, in any case or inflection, or None.

    "калужской", "Калуга" (a capital), "Оренбуржье", "Нижегородская обл.", "сахалин", "спб", "татарстан".
    No typo tolerance: the store does fuzzy matching itself.
    """
    tokens = _query_tokens(name)
    if not tokens:
        return None
    index = _index()
    for matcher in (index.regions, index.region_bare, index.region_adjectives, index.capitals_query):
        found = _whole(matcher, tokens)
        if found is not None:
            return found
    if tokens.norms[-1] == ".":  # "Калужская обл" typed with a trailing dot of its own
        return find_region(name.rstrip().rstrip("."))
    return None


def find_country(name: str) -> Country | None:
    """The foreign state a user means by one name or adjective ("белоруссии", "КНР"), or None."""
    tokens = _query_tokens(name)
    if not tokens:
        return None
    index = _index()
    return _whole(index.countries, tokens) or _whole(index.country_adjectives, tokens)
