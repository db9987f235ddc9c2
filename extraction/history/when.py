"""The date of the earlier signing a mention speaks of, when the sentence gives it."""

from __future__ import annotations

import re

from extraction.finders.dates import find_dates, resolve
from extraction.models import PartialDate

_GAP = r"(?:[\w«»\"().,-]+\s+){0,6}?"
# "подписанного в 2019 году", "заключенный 12 марта 2020 года"
AFTER_SIGNED = re.compile(rf"\b(?:подписа|заключ)\w*\s+{_GAP}(?:в\s+)?(?P<when>(?:\d{{1,2}}\s+[а-яё]+\s+)?(?:19|20)\d\d)\s+(?:год|г\.)", re.I)
# "в 2018 году стороны подписали"
BEFORE_SIGNED = re.compile(rf"\bв\s+(?P<when>(?:19|20)\d\d)\s+(?:году|г\.)\s+{_GAP}(?:подписа|заключи|заключ[её]н)", re.I)
# "соглашение 2019 года", "соглашения от 12 марта 2020 года", "меморандум от 01.02.2021"
OF_YEAR = re.compile(
    r"\b(?:допсоглашени|соглашени|меморандум|договор|карт)\w*\s+(?:[\w-]+\s+){0,3}?(?:от\s+"
    r"(?P<when>(?:\d{1,2}\s+[а-яё]+\s+|\d{1,2}\.\d{1,2}\.)?(?:19|20)\d\d)|(?<!\bдо\s)(?<!\bк\s)(?<!\bпо\s)(?<!\bна\s)(?P<year>(?:19|20)\d\d)\s*(?:года|г\.))",
    re.I,
)
# "подписанное в прошлом году", "год назад", "три года назад"
RELATIVE = re.compile(
    r"\b(?:подписа|заключ)\w*\s+(?:[\w-]+\s+){0,3}?(?:(?P<last>в\s+прошлом\s+году|год\s+назад)|"
    r"(?P<before_last>в\s+позапрошлом\s+году)|(?P<n>два|две|три|четыре|пять|шесть|\d)\s+(?:года|лет)\s+назад)",
    re.I,
)
_NUMBERS = {"два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6}


def signing_date(sentence: str, ref: PartialDate | None) -> PartialDate | None:
    """The earlier signing's date (its year at least), or None when the sentence does not say."""
    for pattern in (AFTER_SIGNED, OF_YEAR, BEFORE_SIGNED):
        m = pattern.search(sentence)
        if m:
            found = _parse(m["when"] or m["year"], ref)
            # a year after the news is a deadline ("продлено до 2030 года"), not the signing
            return found if ref is None or ref.year is None or (found.year or 0) <= ref.year else None
    m = RELATIVE.search(sentence)
    if m and ref is not None and ref.year:
        back = 1 if m["last"] else 2 if m["before_last"] else int(_NUMBERS.get(m["n"].lower(), m["n"]))
        return PartialDate(ref.year - back)
    return None


def _parse(when: str, ref: PartialDate | None) -> PartialDate:
    for found in find_dates(when + " года"):
        resolved = resolve(found, ref)
        if resolved is not None and resolved.year:
            return resolved
    return PartialDate(int(re.findall(r"(?:19|20)\d\d", when)[-1]))
