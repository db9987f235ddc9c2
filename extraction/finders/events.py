"""The event a signing took place at: forum, conference, session, visit, meeting."""

from __future__ import annotations

import re

from extraction.finders.orgs import nominative_head

_ADJ = r"(?:[А-ЯЁа-яё-]+(?:ом|ой|ем|ей|ого|его|ий|ый|ая|ое|ых|их|ым|им)\s+)"
EVENT_HEAD = (
    rf"(?:(?:[IVXLC]+\s+)?{_ADJ}{{0,3}}"
    r"(?:форум\w*|инвестфорум\w*|экспо\b|ярмарк\w+|конференци\w+|сесси\w+|встреч\w+|визит\w*|выставк\w+|саммит\w*|"
    r"съезд\w*|конгресс\w*|совещани\w+|заседани\w+|фестивал\w+|дн(?:ей|и|ях)\s+[А-ЯЁ]\w+|"
    r"переговор\w+))"
)
# a forum by its own name: complete as it is, no words after it belong to it ("на ПМЭФ-2023 делегация ...")
EVENT_NAME = r"(?:ПМЭФ(?:-\d{2,4})?|ВЭФ(?:-\d{2,4})?|ПМЮФ(?:-\d{2,4})?|Иннопром\w*(?:-\d{2,4})?)\b"
_TAIL_STOP = (
    r"(?!(?-i:[А-ЯЁ][а-яё]+(?:ий|ый|ая|ое))\b|и\b|с\b|со\b|в\b|во\b|на\b|по\b|о\b|об\b|для\b|был\w*|подписа\w*|заключ\w*|между\b|президент\w*|"
    r"губернатор\w*|глав\w*|министр\w*|директор\w*|председател\w*|мэр\w*|которы\w*|меморандум\w*|"
    r"соглашени\w*|договор\w*|документ\w*|правительств\w*|администраци\w*|несколько|сразу|ряд\b|"
    r"(?:од(?:но|ин|на)|дв(?:а|е|ух)|тр(?:и|ех|ёх)|четыр(?:е|ех|ёх)|(?:пят|шест|сем|восем|девят|десят)(?:ь|и))\b)"
)
EVENT_RE = re.compile(
    r"(?:в\s+рамках|на\s+полях|в\s+ходе|по\s+итогам|во\s+время|на|в)\s+(?:проведения\s+)?"
    rf"(?P<ev>{EVENT_NAME}(?:\s+(?:19|20)\d\d\b)?|"
    rf"{EVENT_HEAD}(?:\s*[«\"][^»\"]{{2,80}}[»\"](?:\s*\([^)]{{2,30}}\))?|(?:\s+{_TAIL_STOP}[а-яё\d-]+){{0,6}}))",
    re.I,
)


def find_event(sentence: str) -> tuple[str, int, int] | None:
    """The event phrase of a signing sentence in the nominative, with its span, or None."""
    m = EVENT_RE.search(sentence)
    if not m:
        return None
    raw = m["ev"].strip(" ,.")
    return nominative_head(raw), m.start("ev"), m.start("ev") + len(raw)
