"""Events as extracted text ("ПМЭФ-2023", "Петербургском международном экономическом форуме") → one
stable key and a year: the well-known forums by their own list of spellings, any other event by its
folded words (ordinals, years and quotes dropped)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process


@dataclass(frozen=True, slots=True)
class KnownEvent:
    key: str
    name: str  # how answers show it
    pattern: re.Pattern[str]  # matched against the folded text


def _known(key: str, name: str, pattern: str) -> KnownEvent:
    return KnownEvent(key, name, re.compile(pattern))


# Word stems, so that every case form matches ("форуме", "форума").
KNOWN: tuple[KnownEvent, ...] = (
    _known("pmef", "ПМЭФ", r"\bпмэф|\bspief|петербургск\w* международн\w* экономическ\w* форум"),
    _known("vef", "ВЭФ", r"\bвэф\b|восточн\w* экономическ\w* форум|\beef\b"),
    _known("pmyuf", "ПМЮФ", r"\bпмюф|петербургск\w* международн\w* юридическ\w* форум"),
    _known("innoprom", "Иннопром", r"иннопром|innoprom"),
    _known(
        "forum-rb",
        "Форум регионов России и Беларуси",
        r"форум\w* регион\w* (росси\w* и беларус|беларус\w* и росси)",
    ),
    _known(
        "rif",
        "Российский инвестиционный форум",
        r"российск\w* инвестиционн\w* форум|сочинск\w* (инвестиционн\w* |экономическ\w* )?форум|\bриф\b",
    ),
    _known(
        "kef",
        "Красноярский экономический форум",
        r"красноярск\w* (международн\w* )?экономическ\w* форум|\bкэф\b",
    ),
    _known("kazanforum", "KazanForum", r"kazan\s?forum|россия\s*[-—–]?\s*исламск\w* мир"),
    _known("arctic", "Форум «Арктика — территория диалога»", r"арктик\w*\s*[-—–]?\s*территори\w* диалог"),
    _known("army", "Форум «Армия»", r"\bармия[-\s]\d{4}|международн\w* военно-техническ\w* форум"),
)

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_SHORT_YEAR = re.compile(r"[-–—]\s?(\d\d)\b")
_ORDINAL = re.compile(r"\b(?:[ivxlc]+|[ivxlc]*[ivx]+|\d{1,3}-?(?:й|ой|ий|ый|го))\b")
_NOISE = re.compile(r"[«»\"'„“”()\[\].,:;!?]+")
_DASH = re.compile(r"\s*[-–—]+\s*")
_SPACES = re.compile(r"\s+")
_LEADING_ORDINAL = re.compile(r"^(?:[IVXLC]+|\d{1,3}-?(?:й|ой|ий|ый))\s+")


def fold(text: str) -> str:
    return _SPACES.sub(" ", text.casefold().replace("ё", "е")).strip()


def event_year(text: str) -> int | None:
    """A year the event's name holds ("ПМЭФ-2023", "ВЭФ 2019", "ПМЭФ-23"), never a future one."""
    found = _YEAR.search(text)
    year = int(found[1]) if found else None
    if year is None and (short := _SHORT_YEAR.search(text)):
        year = 2000 + int(short[1])
    return year if year is not None and 1990 <= year <= date.today().year + 1 else None


def _plain(text: str) -> str:
    """Folded words without a year, ordinal numbers or punctuation."""
    folded = fold(text)
    folded = _YEAR.sub(" ", folded)
    folded = _SHORT_YEAR.sub(" ", folded)
    folded = _NOISE.sub(" ", folded)
    folded = _DASH.sub(" ", folded)
    folded = _ORDINAL.sub(" ", folded)
    return _SPACES.sub(" ", folded).strip(" -")


def known_event(text: str) -> KnownEvent | None:
    folded = fold(text)
    return next((k for k in KNOWN if k.pattern.search(folded)), None)


@dataclass(frozen=True, slots=True)
class EventKey:
    """An event without its year: its key and the name answers show."""

    key: str
    name: str


def event_key(text: str | None) -> EventKey | None:
    """The key and display name of an extracted event text; None for none."""
    if not text or not text.strip():
        return None
    known = known_event(text)
    if known is not None:
        return EventKey(known.key, known.name)
    plain = _plain(text)
    if not plain:
        return None
    name = _NOISE.sub("", _YEAR.sub("", text)).strip(" -–—")
    name = _LEADING_ORDINAL.sub("", _SPACES.sub(" ", name))
    return EventKey(plain, name[:1].upper() + name[1:] if name else plain)


@dataclass(frozen=True, slots=True)
class EventQuery:
    """What a user typed after /event: the event part and the year, if any."""

    text: str
    year: int | None


def parse_query(text: str) -> EventQuery:
    """ "ПМЭФ-2024" → ("ПМЭФ", 2024); "ВЭФ 2023" too; "Иннопром" has no year."""
    text = text.strip()
    year = event_year(text)
    rest = _SHORT_YEAR.sub(" ", _YEAR.sub(" ", text)) if year else text
    return EventQuery(_SPACES.sub(" ", rest).strip(" -–—"), year)


def resolve(query: str, keys: dict[str, str]) -> list[str]:
    """Keys of `keys` (key → display name) that `query` (no year) names: a known forum's spelling, the
    same key, a key that holds every word, or a close fuzzy match (best first)."""
    query = query.strip()
    if not query:
        return []
    known = known_event(query)
    if known is not None:
        return [known.key] if known.key in keys else []
    plain = _plain(query)
    if not plain:
        return []
    if plain in keys:
        return [plain]
    words = plain.split()
    contains = [
        k for k in keys if all(any(w.startswith(q[: max(4, len(q) - 2)]) for w in k.split()) for q in words)
    ]
    if contains:
        return sorted(contains, key=len)
    choices = {k: k for k in keys}
    found = process.extract(plain, choices, scorer=fuzz.WRatio, score_cutoff=85, limit=3)
    return [k for _, _, k in found]
