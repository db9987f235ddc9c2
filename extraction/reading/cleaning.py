"""Strip page clutter (menus, link lists, footers, header dates) and read the publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extraction.finders.dates import DATE_ISO, DATE_NUMERIC, DATE_WORDS, TIME, find_dates
from extraction.models import PartialDate
from extraction.reading.text import clean_text

# a line that starts one of these ends the article: what follows is links or site footer
END_MARKERS = re.compile(
    r"^\s*(?:читайте\s+также|см\.?\s+также|смотрите\s+также|похожие\s+(?:новости|материалы|статьи)|"
    r"последние\s+новости|другие\s+новости|новости\s+по\s+теме|ещё\s+по\s+теме|еще\s+по\s+теме|"
    r"previous\s+post|next\s+post|related\s+posts?|обсуждение\s+закрыто|комментарии|"
    r"предыдущая\s+новость|следующая\s+новость|поделиться|популярное|самое\s+читаемое|лента\s+новостей|"
    r"новости\s+партн[её]ров|(?:материалы\s+)?по\s+теме\s*:?\s*$|рекомендуем|вам\s+может\s+быть\s+интересно|"
    r"похожие\s+записи|все\s+новости|подписывайтесь|you\s+may\s+also\s+like|read\s+more)",
    re.I,
)
# lines dropped wherever they appear
DROP_LINE = re.compile(
    r"^\s*(?:см\.?\s+также|читайте\s+также|фото\s*(?:\(с\)|:|©)|источник\s*:?\s*$|"
    r"tag\s*:|теги\s*:|просмотров|hits\s*:|set as favorite|bookmark|email this|"
    r"материал на полной версии|читать на сайте|categories\s*:|рубрика\s*:|~?\d+\s+минут)",
    re.I,
)
FOOTER = re.compile(
    r"(?:©|\(c\)\s*\d{4}|все права защищены|свидетельство о регистрации|при использовании материалов|"
    r"учредитель\s*:|главный редактор|телефон редакции|e-mail|категория\s+\d+\+|\d+\+\s*$)",
    re.I,
)
WEEKDAYS = r"(?:понедельник|вторник|среда|четверг|пятница|суббота|воскресенье)"
# a site's header: today's date, "Пятница 18 октября", "6:04 Пятница 18 октября 2024"
WEEKDAY_LINE = re.compile(rf"^\s*(?:{TIME}\s+)?{WEEKDAYS}\b", re.I)
PUBLISHED = re.compile(
    r"(?:опубликован[оа]?\s*:?|дата\s+публикации\s*:?|размещен[оа]?\s*:?|обновлен[оа]?\s*:?|дата\s*:|date\s*:?|"
    r"published\s*:?)\s*", re.I
)
AGENCY_DATELINE = re.compile(
    r"^(?P<city>[А-ЯЁ][А-ЯЁа-яё\- ]{1,30})\.\s+(?:(?P<date>\d{1,2}\s+[а-яё]+)\.\s+)?"
    r"(?P<agency>[А-ЯЁA-Z][А-ЯЁA-Z\-\s]{2,30}?)\s*[-–—]\s+"
)
_DATE_ANY = re.sub(r"\(\?P<\w+>", "(?:", rf"(?:{DATE_WORDS.pattern}|{DATE_NUMERIC.pattern}|{DATE_ISO.pattern})")
_CITY = r"[А-ЯЁ][А-ЯЁа-яё-]+(?:[\s-][А-ЯЁ][А-ЯЁа-яё-]+)?"
# "Калининград, 12 мая 2021. ...", "МОСКВА, 12 мая — РИА Новости. ...", "МОСКВА, 3 декабря, ИА Урал.Ru. ..."
CITY_DATELINE = re.compile(
    rf"^{_CITY},\s+(?P<d>{_DATE_ANY})\s*(?:\.|[-–—,]\s*[А-ЯЁA-Z][\w\s.-]{{1,30}}?\.)\s+",
    re.I,
)
# "(Казань, 18 июня, «Татар-информ»). ...": the same in brackets
BRACKET_DATELINE = re.compile(
    rf"^\(\s*{_CITY},\s+(?P<d>{_DATE_ANY})(?:\s*,\s*[^()]{{1,40}})?\)\.?\s+",
    re.I,
)
# "17.10, 17:14": day and month in figures before the time, the year left to the publication date
SHORT_NUMERIC_DATELINE = re.compile(rf"^(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})[,\s/|]+{TIME}\s*$")
# "12 мая 2023, 09:15", "13:05 – 15 июня 2023", "16 июня 2023, Пятница, 15:59": the article's own date and time
DATELINE = re.compile(
    rf"^\s*(?:{TIME}(?:[,\s]+|\s*[-–—]\s*))?(?P<d>{_DATE_ANY})(?:[,\s]+{WEEKDAYS})?(?:(?:[,\s/|]+|\s+в\s+){TIME})?"
    rf"(?:\s*\|.*)?\s*(?P<rest>.*)$", re.I
)
INLINE_DATELINE = re.compile(rf"(?:(?:\s+[А-ЯЁA-Z]{{3,}})?\s*[|]\s*)?(?P<d>{_DATE_ANY}),?\s+{TIME}(?:\s*\|[^.]*)?", re.I)
HASHTAGS_ONLY = re.compile(r"^(?:\s*[#@][\w.]+[\s,.;]*)+$")
HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
READ_ON_SITE = re.compile(r"^читать на сайте\s+[\w.-]+?\.(?:ru|net|com|org|info|рф|su|by|kz)(?=[А-ЯЁ\s]|$)", re.I)
# "...подписано соглашение.Участниками стали": a full stop with no space after a word or a bracket
GLUED_SENTENCE = re.compile(r"([а-яё»)\"]{2}|[А-ЯЁ]{2}\))\.([А-ЯЁ])")

WORD = re.compile(r"[А-Яа-яЁёA-Za-z0-9]+")


@dataclass(slots=True)
class Cleaned:
    """The article's own lines, its title and the publication date found in the text."""

    lines: list[str]
    title: str | None
    published: PartialDate | None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _first_date(s: str) -> PartialDate | None:
    for m in find_dates(s):
        if m.value is not None and m.value.day is not None:
            return m.value
    return None


def _is_menu(line: str) -> bool:
    """Short lines without sentence punctuation: menu items, site names, rubrics."""
    words = WORD.findall(line)
    return len(words) <= 2 and not re.search(r"[.!?»\"]$", line.strip())


def normalize(text: str) -> str:
    """Invisible and control characters dropped, NFKC, Latin look-alikes inside Russian words made
    Cyrillic ("Рoссийский" with a Latin "o"): the same cleaning every stored text gets."""
    return clean_text(text)


def clean(text: str) -> Cleaned:
    """Keep the article body, one sentence-ended line per paragraph."""
    raw = [ln.strip().strip("|").strip() for ln in normalize(text).replace("\r", "").split("\n")]
    lines: list[str] = []
    published: PartialDate | None = None
    skip_header_date = False
    skip_link = False
    for i, line in enumerate(raw):
        if not line:
            continue
        if skip_link:  # the links listed under a bare "Читайте также:": short, no sentence end
            if len(WORD.findall(line)) <= 15 and not re.search(r"[.!?…]$", line):
                continue
            skip_link = False
        if skip_header_date:
            if len(WORD.findall(line)) <= 3 and (line[0].isdigit() or re.match(r"[а-яё]+\s+\d{4}", line)):
                continue
            skip_header_date = False
        if WEEKDAY_LINE.match(line) and len(WORD.findall(line)) <= 6:
            skip_header_date = True  # today's date in the site header, not the article's
            continue
        if END_MARKERS.match(line):
            # (the title alone is no text yet: a share bar often sits between it and the article)
            has_sentence = any(len(WORD.findall(x)) >= 10 for x in lines[1:])
            if not has_sentence or re.match(r"^\s*(?:см\.?\s+также|читайте\s+также)\s*:", line, re.I):
                skip_link = bool(re.match(r"^\s*(?:см\.?\s+также|читайте\s+также)\s*:?\s*$", line, re.I))
                continue  # page navigation above the text, or one related link inside it
            break
        if FOOTER.search(line) and len(line) < 200:
            if i > len(raw) // 2:
                break
            continue
        line = READ_ON_SITE.sub("", line).strip()
        if DROP_LINE.match(line) or HASHTAGS_ONLY.match(line):
            continue  # a post's tag line ("#Курская_область #губернатор") names no one who signed
        line = HASHTAG.sub(lambda m: m[1].replace("_", " "), line)
        pm = PUBLISHED.match(line)
        if pm and _first_date(line[pm.end():]):
            published = published or _first_date(line[pm.end():])
            dm = next(m for m in find_dates(line[pm.end():]) if m.value is not None)
            rest = line[pm.end() + dm.end:].strip(" .,|")
            rest = re.sub(rf"^(?:г\.|года)?\s*(?:[,|]\s*)?(?:{TIME})?\s*", "", rest).strip(" .,|")
            if len(WORD.findall(rest)) < 8 or re.match(r"в\s+рубрике", rest, re.I):
                continue  # the line is only the date (and a rubric)
            line = rest
        m = AGENCY_DATELINE.match(line)
        if m and (m["date"] or m["agency"].isupper()):
            if m["date"]:
                published = published or _first_date(m["date"])
            line = line[m.end():]
        m = CITY_DATELINE.match(line) or BRACKET_DATELINE.match(line)
        if m:
            published = published or _first_date(m["d"])
            line = line[m.end():]
        m = DATELINE.match(line)
        if m and (not m["rest"] or re.match(TIME, line) or re.search(TIME, line[: m.start("rest")])):
            published = published or _first_date(m["d"])
            line = m["rest"].strip()
            if not line:
                continue
        m = SHORT_NUMERIC_DATELINE.match(line)
        if m and 1 <= int(m["month"]) <= 12 and 1 <= int(m["day"]) <= 31:
            published = published or PartialDate(None, int(m["month"]), int(m["day"]))
            continue
        m = INLINE_DATELINE.search(line)
        if m:
            published = published or _first_date(m["d"])
            line = (line[: m.start()] + line[m.end():]).strip()
        line = GLUED_SENTENCE.sub(r"\1. \2", line)
        if not line or _is_menu(line):
            continue
        if not re.search(r"[.!?…»\"“”:;]$", line) or (
                re.search(r"[»\"”]$", line) and not re.search(r"[.!?…][»\"”]$", line)):
            line += "."  # a title ending in a quoted name ends its sentence too: "... на форуме «Россия»"
        lines.append(line)
    title = lines[0] if lines else None
    return Cleaned(lines, title, published)
