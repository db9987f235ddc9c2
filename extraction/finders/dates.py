"""Dates in Russian news text: explicit, numeric, ranges and relative words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from extraction.models import PartialDate

MONTHS: dict[str, int] = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6,
    "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
_MONTH_RE = (
    r"(?:январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|"
    r"сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья]|"
    # abbreviated, as agency datelines write them: "МОСКВА, 3 фев — РИА Новости"
    r"янв|фев|мар|апр|июн|июл|авг|сент?|окт|ноя|дек)"
)
MONTH_ABBR: dict[str, int] = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "июн": 6, "июл": 7, "авг": 8,
    "сен": 9, "сент": 9, "окт": 10, "ноя": 11, "дек": 12,
}
_YEAR_TAIL = r"(?:\s*(?P<year>(?:19|20)\d{2})(?:\s*(?:года|год|г\.?|гг\.?))?)?"
DATE_WORDS = re.compile(rf"(?<![\d.])(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH_RE})\b{_YEAR_TAIL}", re.I)
DATE_NUMERIC = re.compile(r"(?<![\d.:])(?P<day>\d{1,2})[./-](?P<month>\d{1,2})[./-](?P<year>(?:19|20)?\d{2})(?![\d])")
DATE_ISO = re.compile(r"(?<![\d.:/-])(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d])")
DATE_RANGE = re.compile(
    rf"(?:\bс\s+)?(?<!\d)(?P<d1>\d{{1,2}})\s*(?:[-–—]|\s+по\s+|\s+до\s+)\s*(?P<d2>\d{{1,2}})\s+(?P<month>{_MONTH_RE})\b{_YEAR_TAIL}",
    re.I,
)
MONTH_YEAR = re.compile(
    r"\bв\s+(?P<month>(?:январ|феврал|март|апрел|ма|июн|июл|август|сентябр|октябр|ноябр|декабр)е)\b"
    r"(?:\s+(?P<year>(?:19|20)\d{2}))?",
    re.I,
)
TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
WEEKDAYS = {
    "понедельник": 0, "вторник": 1, "сред": 2, "четверг": 3, "пятниц": 4, "суббот": 5, "воскресень": 6,
}
WEEKDAY_RE = re.compile(
    r"\b(?:в|во)\s+((?:(?:минувш|прошл|прошедш)(?:ий|ый|ую|ее|ое)\s+)?"
    r"(?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье))\b",
    re.I,
)
PAST_WEEKDAY = re.compile(r"^(?:минувш|прошл|прошедш)\w*\s+")
RELATIVE_RE = re.compile(
    r"\b(сегодня|вчера|позавчера|накануне|на\s+(?:прошлой|минувшей|прошедшей|этой)\s+неделе|на\s+днях|недавно)\b",
    re.I,
)


def month_number(word: str) -> int | None:
    """Month number of a Russian month name in any case."""
    w = word.lower()
    if w.rstrip(".") in MONTH_ABBR:
        return MONTH_ABBR[w.rstrip(".")]
    for stem in sorted(MONTHS, key=len, reverse=True):
        if w.startswith(stem):
            return MONTHS[stem]
    return None


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    y = int(raw)
    return y + 2000 if y < 100 else y


def _valid(d: PartialDate) -> bool:
    if d.month is not None and not 1 <= d.month <= 12:
        return False
    return d.day is None or 1 <= d.day <= 31


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date found in text; `relative` holds the word when it needs a reference date."""

    start: int
    end: int
    value: PartialDate | None
    relative: str | None = None


def find_dates(text: str) -> list[DateMention]:
    """Every date expression in `text`, in order, ranges giving month (and year) only."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in DATE_RANGE.finditer(text):
        d = PartialDate(_year(m["year"]), month_number(m["month"]), None)
        found.append(DateMention(m.start(), m.end(), d))
        taken.append(m.span())
    for m in DATE_WORDS.finditer(text):
        if free(*m.span()):
            d = PartialDate(_year(m["year"]), month_number(m["month"]), int(m["day"]))
            if _valid(d):
                found.append(DateMention(m.start(), m.end(), d))
                taken.append(m.span())
    for m in DATE_ISO.finditer(text):
        d = PartialDate(int(m["year"]), int(m["month"]), int(m["day"]))
        if _valid(d):
            found.append(DateMention(m.start(), m.end(), d))
            taken.append(m.span())
    for m in DATE_NUMERIC.finditer(text):
        if free(*m.span()):
            d = PartialDate(_year(m["year"]), int(m["month"]), int(m["day"]))
            if _valid(d):
                found.append(DateMention(m.start(), m.end(), d))
                taken.append(m.span())
    for m in MONTH_YEAR.finditer(text):
        if free(*m.span()):
            found.append(DateMention(m.start(), m.end(), PartialDate(_year(m["year"]), month_number(m["month"]), None)))
    for m in RELATIVE_RE.finditer(text):
        found.append(DateMention(m.start(), m.end(), None, " ".join(m[1].lower().split())))
    for m in WEEKDAY_RE.finditer(text):
        found.append(DateMention(m.start(), m.end(), None, " ".join(m[1].lower().split())))
    return sorted(found, key=lambda d: d.start)


def to_date(d: PartialDate | None) -> date | None:
    """A full `date` when every part is known."""
    if d and d.year and d.month and d.day:
        try:
            return date(d.year, d.month, d.day)
        except ValueError:
            return None
    return None


def resolve(mention: DateMention, ref: PartialDate | None) -> PartialDate | None:
    """The mention as a date, using the publication date `ref` for missing years and relative words."""
    if mention.value is not None:
        d = mention.value
        if d.year is None and ref is not None and ref.year is not None and d.month is not None:
            year = ref.year
            # "28 декабря" in an article of January is last year's
            if ref.month is not None and d.month > ref.month + 1:
                year -= 1
            d = PartialDate(year, d.month, d.day)
        return d
    word = mention.relative or ""
    if ref is None:
        return None
    if word == "сегодня":
        return ref
    full = to_date(ref)
    if word in ("вчера", "накануне"):
        return _from(full - timedelta(days=1)) if full else None
    if word == "позавчера":
        return _from(full - timedelta(days=2)) if full else None
    if word in ("на днях", "недавно"):
        # some recent day: only the year, and not even that in the first days of January
        return PartialDate(full.year, None, None) if full and (full.month > 1 or full.day > 10) else None
    if word.endswith("неделе"):
        # "на прошлой неделе": some day of that week; its month and year when the whole week shares them
        if not full:
            return None
        monday = full - timedelta(days=full.weekday() + (0 if word.startswith("на этой") else 7))
        last = min(monday + timedelta(days=6), full)
        if monday.year != last.year:
            return None
        return PartialDate(monday.year, monday.month if monday.month == last.month else None, None)
    past = PAST_WEEKDAY.match(word)
    day = word[past.end():] if past else word
    for stem, wd in WEEKDAYS.items():
        if day.startswith(stem):
            if not full:
                return None
            # the latest such weekday on or before the publication; "в минувшую пятницу": strictly before
            back = (full.weekday() - wd) % 7 or (7 if past else 0)
            return _from(full - timedelta(days=back))
    return None


def _from(d: date) -> PartialDate:
    return PartialDate(d.year, d.month, d.day)


def from_iso(value: date | str | None) -> PartialDate | None:
    """A PartialDate from a `date` or an ISO string (None when absent or malformed)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return None
    return PartialDate(value.year, value.month, value.day)
