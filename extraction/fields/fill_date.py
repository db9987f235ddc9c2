"""Fill an agreement's date: an explicit date in its sentences, relative words, the occasion or ceremony
dated nearby, else the publication date."""

from __future__ import annotations

import re
from datetime import date

from extraction.explain import Note
from extraction.finders.dates import find_dates, resolve
from extraction.models import PartialDate
from extraction.reading.article import Article
from extraction.signings.group import Group
from extraction.signings.occasion import Occasion
from extraction.signings.signing import PAST_YEAR

# "построить завод до 31 декабря 2025 года": a term, not the signing
DEADLINE = re.compile(r"(?:\bдо|\bк|\bпо|не\s+позднее|срок\w*|течение|начиная\s+с|с)\s+$", re.I)
# a signing sentence that points back at the occasion the previous sentence dated
ON_THAT_OCCASION = re.compile(
    r"^\s*(?:на\s+(?:нём|нем|ней|них)|там\s+же|тогда\s+же|в\s+тот\s+же\s+день|"
    r"(?:в\s+ходе|в\s+рамках|во\s+время|на\s+полях|по\s+итогам)\s+(?:эт\w+\s+)?"
    r"(?:форума|мероприятия|визита|встречи|сессии|выставки|конференции|переговоров|совещания|заседания))\b",
    re.I,
)
SAME_DAY = re.compile(r"^\W*(?:\w+\s+){0,2}?(?:в\s+тот\s+же\s+день|в\s+этот\s+же\s+день|тогда\s+же)\b", re.I)
# a sentence right after the signing that dates the ceremony itself
CEREMONY = re.compile(
    r"^\s*(?:Церемони[яи]|Подписание)\b|\bцеремони\w+\s+подписани|\b(?:прошла|состоялась)\s+(?:торжественная\s+)?"
    r"церемония\b|\bцеремония\s+(?:прошла|состоялась)\b|"
    # "Встречи делегаций прошли вчера в ...": the meeting the documents were signed at
    r"^\s*(?:Встреч|Переговор|Заседани|Визит)\w*\s+(?:[\w-]+\s+){0,4}?(?:прош(?:ла|ли|ло|[её]л)|состоял\w*)\b",
    re.I,
)


# the date belongs to a relative clause about something else: "завод, который откроется 1 сентября"
OTHER_CLAUSE = re.compile(r",\s*(?:котор|где|когда)\w*\s+(?:[^,;]{0,60})$", re.I)


def _future_clause(before: str) -> bool:
    """The date ends a relative clause whose verb is in the future ("который откроется 1 сентября"), not
    one telling of the occasion ("Дней культуры, которые проходят с 22 по 25 июня")."""
    from extraction.reading.nlp import parses

    m = OTHER_CLAUSE.search(before)
    if not m:
        return False
    words = re.findall(r"[а-яё]+", m[0].lower())
    return "будет" in words or "будут" in words or any(
        (ps := parses(w)) and "VERB" in ps[0].tag.grammemes and "futr" in ps[0].tag.grammemes for w in words)


def _later(when: PartialDate | None, ref: PartialDate | None) -> bool:
    """`when` lies after the publication date: no signing the article reports as done."""
    if when is None or ref is None or None in (when.year, ref.year):
        return False
    a = (when.year, when.month or 0, when.day or 0)
    b = (ref.year, ref.month or 12, ref.day or 31)
    return a > b


def sentence_date(art: Article, i: int) -> PartialDate | None:
    """The first date of sentence `i` that is not a term: explicit ("6 июня"), else relative ("в четверг")."""
    t = art.texts[i]
    found = [m for m in find_dates(t) if not DEADLINE.search(t[max(0, m.start - 20): m.start])]
    for m in sorted(found, key=lambda m: m.value is None):
        if (m.value is not None and m.value.month is not None) or m.relative:
            when = resolve(m, art.ref)
            if when is not None:
                return when
    return None


def _recalled_year(art: Article, g: Group) -> PartialDate | None:
    """A signing recalled from an earlier year: that year, never the publication date."""
    years = [m for s in g.signings if (m := PAST_YEAR.search(art.texts[s.index]))]
    last = art.ref.year - 1 if art.ref is not None and art.ref.year else None
    year = next((int(m["year"]) if m["year"] else last for m in years), None)
    return PartialDate(year, None, None) if year else None


EVENT_YEAR = re.compile(r"[-–—]\s?((?:19|20)?\d\d)»?$")


def year_of_event(event: str | None) -> int | None:
    """The year in an event's name: "ПМЭФ-2023", "Иннопром-2019", "День поля — 2022", "ПМЭФ-23"."""
    m = EVENT_YEAR.search(event) if event else None
    year = int(m[1]) + (2000 if len(m[1]) == 2 else 0) if m else None
    return year if year is not None and year <= date.today().year else None  # "Россия-2035" is a goal


def _event_year(art: Article, g: Group) -> int | None:
    for i in g.indices:
        ev = art.events.get(i)
        if ev and (year := year_of_event(ev[0])) is not None:
            return year
    return None


def with_event_year(when: PartialDate | None, event: str | None) -> PartialDate | None:
    """A day and month with no year known take the year of the event's name ("15 июня ... на ПМЭФ-2023")."""
    if when is None or when.year is not None or when.month is None:
        return None
    year = year_of_event(event)
    return PartialDate(year, when.month, when.day) if year is not None else None


def signing_date(art: Article, g: Group, occasion: Occasion | None = None) -> tuple[PartialDate | None, bool, Note]:
    """The date, whether the group's own sentences gave it, and the note saying where it came from."""
    idx = g.indices
    if any(s.recalled for s in g.signings):
        return _recalled_year(art, g), True, Note("date", "a recalled signing: the year it names", idx[0])
    when: PartialDate | None = None
    relative: PartialDate | None = None
    where = rel_where = None
    vague = False  # "на днях" in the first days of January: not even the year is known
    for i in idx + [w.index for w in g.weak]:
        t = art.texts[i]
        for m in find_dates(t):
            if DEADLINE.search(t[max(0, m.start - 20): m.start]):
                continue  # "построить завод до 31 декабря 2025 года": a term, not the signing
            if m.value is not None and when is None and m.value.month is not None:
                if _later(resolve(m, art.ref), art.ref) or _future_clause(t[max(0, m.start - 80): m.start]):
                    continue  # "завод, который откроется 1 сентября": another event's day, or one to come
                when, where = resolve(m, art.ref), i
            elif m.relative and relative is None and i in idx:
                relative, rel_where = resolve(m, art.ref), i
                vague = vague or (relative is None and art.ref is not None)
    if when is not None:
        return when, True, Note("date", "written in the signing sentence", where)
    if relative is not None:
        return relative, True, Note("date", "a relative day («вчера», «во вторник») against the publication date",
                                    rel_where)
    if vague:
        return None, True, Note("date", "a vague recent day («на днях») that even the publication date cannot place")
    others = art.other_signings(g)
    if ON_THAT_OCCASION.match(art.texts[idx[0]]) and idx[0] > 0 and idx[0] - 1 not in others:
        # "Вчера открылся форум. В ходе форума ... подписали": the occasion's date is the signing's
        when = sentence_date(art, idx[0] - 1)
        if when is not None:
            return when, True, Note("date", "the occasion («в ходе форума») dated in the sentence before", idx[0] - 1)
    if SAME_DAY.search(art.texts[idx[0]]) and g in art.groups and art.groups.index(g) > 0:
        # "В тот же день стороны заключили ...": the day of the signing reported just before
        before, said, _ = signing_date(art, art.groups[art.groups.index(g) - 1])
        if before is not None and said:
            return before, True, Note("date", "«в тот же день»: the previous signing's day", idx[0])
    if g in art.groups:
        # "16 февраля подписали ряд соглашений. ... Глава района и ... заключили соглашение": a later item
        # of a roundup takes the day its opening sentence gives to all its documents
        for s in (s for h in art.groups[: art.groups.index(g)] for s in h.signings):
            if s.plural and not s.weak and s.index < idx[0] and (when := sentence_date(art, s.index)):
                return when, True, Note("date", "an item of a roundup: the day its opening sentence gives",
                                        s.index)
    if occasion is not None and (when := sentence_date(art, occasion.index)):
        return when, True, Note("date", "the meeting or visit the signing came out of, dated next to it",
                                occasion.index)
    # "... подписали соглашение. Церемония прошла в понедельник", "В понедельник прошла церемония
    # подписания ... Документ подписали ...": the ceremony's date is the signing's
    near = [k for j in idx for k in (j + 1, j - 1) if 0 <= k < len(art.texts) and k not in idx and k not in others]
    for k in near:
        if CEREMONY.search(art.texts[k]) and (when := sentence_date(art, k)):
            return when, True, Note("date", "the ceremony dated in a neighbouring sentence", k)
    event_year = _event_year(art, g)
    if art.ref is None and event_year is not None:
        return PartialDate(event_year, None, None), False, Note("date", "only the event's name gives the year "
                                                                 "(«ПМЭФ-2023»)")
    # a signing reported as news happened on the publication date; one recalled in a quote did not
    if not all(art.in_quote(s) for s in g.signings):
        return art.ref, False, Note("date", "no date in the sentences: the publication date" if art.ref
                                    else "no date in the sentences and no publication date")
    return None, False, Note("date", "told inside a quote: not dated by the publication")
