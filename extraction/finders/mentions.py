"""What one sentence says about the parties: regions, foreign states and units, organizations, people."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extraction.finders import gazetteer as gz
from extraction.finders.orgs import ABBR, LEGAL_RE, QUOTED_RE, nominative_head, split_name, strip_noise
from extraction.finders.people import Person, find_people, role_nominative

# media, news agencies, social networks and regulators seen in bylines and footers: never a party
STOP_ORG = re.compile(
    r"^(?:риа\b|тасс|интерфакс|рбк|коммерсант|ведомост|известия|абн|агентство бизнес новостей|казинформ|"
    r"роскомнадзор|пресс-служб|instagram|инстаграм|telegram|телеграм|вконтакте|facebook|youtube|сми\b|"
    r"regnum|регнум|росбалт|прайм|lenta|газета|новости|news|фото|источник|top\.mail|mail\.ru|яндекс|"
    r"сзпк\b|спик\b)",  # (documents by their abbreviation, not organizations)
    re.I,
)
# "AEX.RU:", "Dvinainform.ru": a news site, never a party (unlike "ДОМ.РФ", "ВЭБ.РФ")
MEDIA_DOMAIN = re.compile(r"\.(?:ru|com|net|org|info|su|by|kz|ua)\b", re.I)
# "журналу «Компания»", "телеканал «Россия 24»": a medium named, no party
MEDIA_BEFORE = re.compile(r"\b(?:журнал|газет|телеканал|радиостанци|радио|издани|портал|сайт|агентств\w*\s+новостей|"
                          r"информационн\w+\s+агентств|информагентств|иа)\w*\s*[«\"]?$", re.I)
# "Информационное агентство «Север»", "Сетевое издание «Край»": a news outlet by its own head noun
MEDIA_HEAD = re.compile(r"^(?:информационн\w+\s+агентств|информагентств|сетев\w+\s+издани|интернет-издани|"
                        r"телеканал|радиостанци|газет[аы]\b|журнал\b)\w*", re.I)
REPORTS = re.compile(r"^[»\"]?\s*(?:[(,][^()]{0,80}\)\s*)?(?:сообща\w+|сообщил\w*|информиру\w+|рассказ\w+|объявил\w*)\b",
                     re.I)
# '..., "Уралинформбюро".': a source credited at the end of the sentence
CREDIT = re.compile(r"[«\"]?[^«»\",;.]{2,40}[»\"]\s*[.!]?\s*")


def _credit(text: str, at: int) -> bool:
    return bool(re.search(r",\s*[«\"]?$", text[max(0, at - 4): at])) and bool(CREDIT.fullmatch(text[at:]))
ATTRIBUTION = re.compile(
    r"(?:сообща\w+|сообщил\w*|переда[её]т|пишет|по данным|со ссылкой на|в пресс-службе|пресс-служб\w+|"
    r"говорится в сообщении|цитирует|по сообщению|информирует|отмечает)\s+(?:\S+\s+){0,2}$",
    re.I,
)
EVENT_WORD = re.compile(
    r"(?<![а-яёa-z])(?:форум|пмэф|вэф|пмюф|конференц|выставк|саммит|сесси|фестивал|съезд|конгресс|иннопром|\bдн(?:и|ей)\b)",
    re.I,
)
GOV_HEAD = re.compile(
    r"^(?:правительств|администраци|министерств|мин[а-яё]{3,}|департамент|комитет|госкомитет|"
    r"управлени|аппарат|дум|совет|собрани|мэри|агентств\w*\s+по|служб|инспекци|облисполком|"
    r"горисполком|исполком|глав|губернатор|хурал|курултай|парламент|госсовет|власт)",
    re.I,
)
# a ministry's short name, one capitalized word: "Минпромторг", "Минэнерго" (regional ones take the region)
FEDERAL_ABBR = re.compile(r"^Мин(?!истерств)[а-яё]{3,}$")
FEDERAL = re.compile(r"\b(?:России|РФ|Российской\s+Федерации)\b")
CAPITAL_BODY = re.compile(
    r"\b(?:мэр\w*|правительств\w+|администраци\w+|власт\w+|руководств\w+)\s+столицы\b|\bстоличн\w+\s+(?:мэр\w*|правительств\w+)",
    re.I,
)
VENUE = re.compile(r"\b(?:в\s+стенах|на\s+площадке|на\s+базе|в\s+здании|в\s+офисе|в\s+резиденции|"
                   r"в\s+павильоне|на\s+стенде)\s+(?:[а-яё-]+\s+){0,2}$", re.I)
LOCATION_PREP = re.compile(r"(?:\bв|\bво|\bна|\bиз|территории)\s+$", re.I)
PARTY_NOUN_AFTER = re.compile(
    r"^\s*(?:сторон\w*|город\w*|провинци\w+|компани\w+|правительств\w+|министерств\w+|делегаци\w+|"
    r"партнер\w*|фирм\w+|корпораци\w+|банк\w*|регион\w*|област\w+|губернатор\w*|глав\w+|власт\w+|"
    r"администраци\w+|мэри\w+|руководств\w+|врио)\b",
    re.I,
)
EVENT_BEFORE = re.compile(
    r"(?:форум|выставк|фестивал|конференци|саммит|сесси|конкурс|преми|акци|экспо|ярмарк)[а-яё-]*\s*$", re.I
)
# "монгольская компания" is a foreign company, not the foreign state as a party
BUSINESS_NOUN = re.compile(r"^\s*(?:компани|фирм|корпораци|банк|предприяти|инвестор|бизнес|концерн|холдинг)", re.I)
DESCRIPTOR_QUOTED = re.compile(
    r"(?:(?:[Гг]ос)?[Кк]орпораци\w+|[Кк]омпани\w+|[Оо]рганизаци\w+|[Фф]онд\w*|[Бб]анк\w*|[Гг]рупп\w+|"
    r"[Хх]олдинг\w*|[Кк]онцерн\w*|[Аа]гентств\w+|[Оо]ператор\w*|[Аа]ссоциаци\w+|[Цц]ентр\w*|"
    r"[Уу]ниверситет\w*|[Ии]нститут\w*|[Пп]латформ\w+)\s+[«\"][^«»\"]{2,60}[»\"]"
)
LEGAL_QUOTED = re.compile(LEGAL_RE.pattern + r"\s*[«\"][^«»\"]{2,60}[»\"]")
# a foreign unit by its kind and name: "индийского штата Гуджарат", "эмирата Шарджа (ОАЭ)", "земли Бавария"
# units that only one state has: "Восточного аймака", "префектуры Тоттори", "Поморского воеводства"
ONE_STATE_UNIT = {"аймак": "Монголия", "префектур": "Япония", "воеводств": "Польша", "жудец": "Румыния"}
ADJECTIVE_UNIT = re.compile(
    r"(?<![\w-])(?P<adj>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ]?[а-яё]+)?(?:ого|ый|ий|ой|ом|ому|ым|им|ая|ую|ое))\s+"
    r"(?P<unit>аймак|префектур|воеводств|жудец)\w*"
)
# an indeclinable name before the unit: "Сэлэнгэ аймака", "губернатор Увс аймака"
NAME_UNIT = re.compile(
    r"(?<![\w-])(?P<adj>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ]?[а-яё]+)?)(?<!ого)(?<!ому)(?<!ом)(?<!ой)(?<!ая)(?<!ую)(?<!ое)(?<!ый)(?<!ий)(?<!ым)(?<!им)\s+"
    r"(?P<unit>аймак)(?:а|е|у|ом)?(?![\w-])"
)
FOREIGN_CITY = re.compile(
    r"(?<![а-яё])(?P<unit>город\w*|провинци\w+|уезд\w*|округ\w*|штат(?:а|е|у|ом)?|эмират\w*|префектур\w+|аймак\w*|жудец\w*|"
    r"земл(?:я|и|е|ю|ей)|област(?:ь|и|ью)|кантон\w*|воеводств\w+|департамент\w*)\s+"
    r"(?P<name>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)(?![\w-])(?!\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ])"
)
REGIONAL_SIGNAL = re.compile(
    r"\b(?:губернатор\w*|врио|глав[аыуе]\s+(?:региона|области|края|республики)|правительств\w+\s+(?:региона|области|края|республики|города)|"
    r"администраци\w+\s+(?:региона|области|края|города)|наш\w*\s+регион\w*|регион\w*)\b",
    re.I,
)


FEDERAL_BODY = re.compile(
    r"\b(?:[Мм]инистерств\w+|[Мм]ин(?!истр)(?:[а-яё]{4,})|[Фф]едеральн\w+\s+(?:агентств|служб)\w+|[Аа]гентств\w+|"
    r"[Сс]лужб\w+|[Кк]омитет\w+)(?:\s+(?:и\s+)?[а-яё-]+){0,6}?\s+(?:России|РФ|Российской\s+Федерации)\b"
)


OTHER_OBLAST = re.compile(r"\b[А-ЯЁ][а-яё]+(?:ск|цк)(?:ой|ая|ую)\s+(?:област(?:ь|и|ью)|провинци(?:я|и|ей|ю))\b")
# bodies that helped or watched, not parties: "при содействии Минпромторга России"
HELPER = re.compile(
    r"(?:при\s+содействии|при\s+поддержке|при\s+участии|в\s+присутствии|с\s+участием|по\s+поручению|"
    r"по\s+инициативе|при\s+посредничестве)\s+(?:[А-ЯЁа-яё-]+\s*){0,3}$",
    re.I,
)
CITY_BODY = re.compile(
    r"(?:администраци\w+|мэри\w+|мэр\w*|глав\w+|дум\w+|горсовет\w*|совет\w*|правительств\w+)\s+"
    r"(?:(?:города|г\.)\s+)?$",
    re.I,
)


# "соглашение с VK", "с Huawei": a Latin name right after "с" is a counterparty natasha often misses
_LATIN_WORD = r"[A-Z][A-Za-z0-9&]*(?:[.\-][A-Za-z0-9&]+)*"
LATIN_AFTER_WITH = re.compile(rf"\b[Сс]о?\s+({_LATIN_WORD}(?:\s+{_LATIN_WORD}){{0,2}})(?![\w-])")
# "Поволжский филиал «МегаФона»": a branch stands for its company; a branch with no name is no party
BRANCH = re.compile(
    r"^(?:[А-ЯЁа-яё-]+(?:ий|ый|ой|ого|ому|ым|ом|ая|ое|ой)\s+)?(?:филиал|отделени|представительств|подразделени)\w*\s*",
    re.I,
)


@dataclass(slots=True)
class SentenceParties:
    """What one sentence says about the parties."""

    regions: list[str] = field(default_factory=list)
    location_regions: list[str] = field(default_factory=list)  # "в Петербурге": the place, maybe a party
    city_regions: list[str] = field(default_factory=list)  # a regional capital named as a party
    countries: list[str] = field(default_factory=list)
    explicit_countries: list[str] = field(default_factory=list)  # named, not implied by a unit/adjective
    partners: list[tuple[str, list[str], bool]] = field(default_factory=list)  # name, aliases, in a role
    foreign_bodies: list[tuple[str, str]] = field(default_factory=list)  # (partner name, country) in roles
    foreign_towns: list[tuple[str, str | None]] = field(default_factory=list)  # a town no list knows, its state
    people: list[Person] = field(default_factory=list)
    regional_signal: bool = False


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def region_of_phrase(text: str) -> str | None:
    """The Russian region a body's name points at: "Правительства Калужской области" -> Калужская область."""
    found = gz.find_regions(text, adjectives=True)
    return found[0].region.name if found else None


def _body_region(name: str, head: str) -> str | None:
    """A region in an organization's name makes it that region's body only for a governmental head."""
    for m in gz.find_regions(name, adjectives=True):
        if m.kind != "adjective" or GOV_HEAD.match(head):
            return m.region.name
    return None


def _adjective_unit(text: str) -> tuple[str | None, str | None]:
    """("Брестский областной Совет") -> (None, "Беларусь"): an oblast adjective names a region or a foreign unit."""
    m = re.match(r"^([А-ЯЁ][а-яё]+(?:ск|цк)(?:ий|ой|им|ого|ому|ом|ая|ую))\s+(?:областн|краев|городск|районн)", text)
    if not m:
        return None, None
    stem = re.sub(r"(?:ий|ой|им|ого|ому|ом|ая|ую)$", "", m[1])
    probe = f"{stem}ая область"
    units = gz.find_foreign_units(probe)
    if units:
        return None, units[0].country.name
    regions = gz.find_regions(probe)
    return (regions[0].region.name if regions else None), None


def analyze_sentence(sent, text: str, event_span: tuple[int, int] | None) -> SentenceParties:
    """Parties named in one sentence (natasha sentence `sent`, its text `text`)."""
    out = SentenceParties()
    blocked: list[tuple[int, int]] = [event_span] if event_span else []
    out.regional_signal = bool(REGIONAL_SIGNAL.search(text))

    spans = sorted(sent.spans, key=lambda s: s.start)
    out.people = find_people(sent, text, blocked)
    role_spans = [(p.role_start, p.start) for p in out.people if p.role]
    _places(text, blocked, spans, sent.start, out)
    _foreign_towns(text, spans, sent.start, out)
    taken = _foreign(text, role_spans, out)
    _district_executives(text, role_spans, taken, out)
    _foreign_officials(text, out)
    _organizations(text, spans, sent.start, blocked, taken, role_spans, out)
    _federal_ministries(out)
    _bodies_of_units(text, out)
    return out


# a foreign unit's body written before it: "Народный комитет провинции Тханьхоа", "Хурал гражданских
# представителей Восточного аймака": one side, not the body and the unit as two
BODY_OF_UNIT = re.compile(
    r"(?P<body>(?:[А-ЯЁ][а-яё]+\s+)?(?:[Кк]омитет|[Хх]урал|[Сс]овет|[Пп]арламент|[Аа]ссамбле|[Сс]обрани|[Дд]епартамент|"
    r"[Пп]равительств)"
    r"[а-яё]*(?:\s+[а-яё]+){0,3}?)\s+(?P<unit>(?:провинци|аймак|префектур|штат|уезд|жудец|воеводств)[а-яё]*\s+"
    r"[А-ЯЁ][\w-]+|[А-ЯЁ][а-яё]+(?:ого|его)\s+(?:аймака|воеводства|жудеца))"
)


def _bodies_of_units(text: str, out: SentenceParties) -> None:
    """A body and the foreign unit it governs, found apart, made one side named as written."""
    for m in BODY_OF_UNIT.finditer(text):
        body = nominative_head(m["body"])
        unit = nominative_head(m["unit"])
        for found in (out.partners, out.foreign_bodies):
            names = [x[0] for x in found]
            if body in names and unit in names:
                first = found[min(names.index(body), names.index(unit))]
                name = f"{body} {m['unit']}"  # a partner keeps the unit as an alias, a body its state
                merged = (name, [unit], first[2]) if found is out.partners else (name, first[1])
                found[:] = [merged if x is first else x for x in found if x[0] not in (body, unit) or x is first]


# "министр связи и массовых коммуникаций РФ Имя Фамилия": the ministry the signer heads is a side
FEDERAL_MINISTER = re.compile(
    r"^(?:(?:перв\w+\s+)?(?:заместитель|замминистра)\s+)?министр\w*\s+(?P<what>[а-яё][а-яё\s,-]{3,80}?)\s+"
    r"(?P<state>РФ|России|Российской\s+Федерации)$",
    re.I,
)


def _federal_ministries(out: SentenceParties) -> None:
    """A federal minister's ministry, named only in the signer's title, as a side (in a role)."""
    for person in out.people:
        m = FEDERAL_MINISTER.match(person.role or "")
        if m and not any("министерств" in name.lower() or name.startswith("Мин") for name, _, _ in out.partners):
            out.partners.append((f"Министерство {m['what']} {m['state']}", [], True))


def _places(text: str, blocked: list[tuple[int, int]], spans, base: int, out: SentenceParties) -> None:
    """Russian regions (parties or mere places), regional capitals, foreign states."""
    # regions
    for m in gz.find_regions(text, adjectives=True):
        if _overlaps((m.start, m.end), blocked):
            continue
        if m.kind == "adjective" and not PARTY_NOUN_AFTER.match(text[m.end:]):
            continue
        if LOCATION_PREP.search(text[max(0, m.start - 12): m.start]):
            out.location_regions.append(m.region.name)
            continue
        out.regions.append(m.region.name)

    # "мэр столицы", "правительство столицы": Moscow, unless another region's capital is meant
    for m in CAPITAL_BODY.finditer(text):
        tail = text[m.end(): m.end() + 40]
        if not re.match(r"\s+[А-ЯЁ]", tail) or not (gz.find_regions(tail) or gz.find_countries(tail)):
            out.regions.append("Москва")

    # a city's administration or mayor: the city's region ("Администрация Екатеринбурга")
    for m in gz.find_capitals(text):
        if CITY_BODY.search(text[max(0, m.start - 40): m.start]):
            out.regions.append(m.region.name)
        elif LOCATION_PREP.search(text[max(0, m.start - 12): m.start]):
            out.location_regions.append(m.region.name)  # "в Липецке подписано": a place, maybe a party
        elif m.text[:1].isupper():
            out.city_regions.append(m.region.name)  # "Казань и Минск подписали": a city as a party

    # foreign states
    for c in gz.find_countries(text):
        if _overlaps((c.start, c.end), blocked):
            continue
        if c.kind == "adjective" and (not PARTY_NOUN_AFTER.match(text[c.end:]) or BUSINESS_NOUN.match(text[c.end:])):
            continue
        if LOCATION_PREP.search(text[max(0, c.start - 12): c.start]):
            continue  # "поставки в Китай", "визит во Вьетнам": a place, not a party
        out.countries.append(c.country.name)
        if c.kind != "adjective":
            out.explicit_countries.append(c.country.name)

    for sp in spans:
        if sp.type == "LOC":
            a = sp.start - base
            if not (gz.find_regions(sp.text) or gz.find_countries(sp.text) or gz.find_foreign_units(sp.text)) \
                    and not LOCATION_PREP.search(text[max(0, a - 12): a]) and sp.text[:1].isupper():
                out.regional_signal = True  # a town or district of a region as a party


# a Belarusian district's executive: "Горецкий районный исполнительный комитет", "Горецкий райисполком"
DISTRICT_EXECUTIVE = re.compile(
    r"\b(?P<adj>[А-ЯЁ][а-яё]+(?:ск|цк|вск|нск))(?:ий|ого|ому|им|ом)\s+"
    r"(?:районн\w+\s+исполнительн\w+\s+комитет\w*|райисполком\w*)"
)


DISTRICT_BEFORE = re.compile(r"\b(?P<adj>[А-ЯЁ][а-яё]+(?:ск|цк))(?:им|ого|ий|ом|ому)\s+район(?:ом|а|е|у)?\s+$")


def _district_executives(text: str, role_spans: list[tuple[int, int]], taken: list[tuple[int, int]],
                         out: SentenceParties) -> None:
    """A district executive committee stands for its district, a party in Belarus."""
    for m in DISTRICT_EXECUTIVE.finditer(text):
        if _overlaps(m.span(), taken):
            continue
        name = f"{m['adj']}ий район"
        body = f"{m['adj']}ий райисполком" if "райисполком" in m[0] else f"{m['adj']}ий районный исполнительный комитет"
        out.partners.append((name, [body], _overlaps(m.span(), role_spans)))
        out.countries.append("Беларусь")
        taken.append(m.span())


# a town named as a side: "с китайским Цюаньчжоу", "Белгород и Ниш подписали", "между Ростовом и Чачаком"
TOWN_SIDE_BEFORE = re.compile(r"(?:^|\s)(?:с|со|между|и)\s+(?:[а-яё-]+\s+){0,2}$", re.I)
TOWN_SIDE_AFTER = re.compile(r"^\s+и\s+[А-ЯЁ]")
# "Чачаком, находящимся в Сербии": the town's state said next to it
TOWN_STATE_AFTER = re.compile(r"^,?\s*(?:находящ|расположенн|располагающ)\w*\s+(?:[а-яё]+\s+)?в\s+", re.I)


def town_nominative(word: str, case: str | None = None) -> str:
    """A town's name in the nominative; an unknown "-ом"/"-ем" form loses its ending ("Чачаком")."""
    if case == "Nom":
        return word  # "Ниш" is no plural of a common noun
    name = nominative_head(word)
    if name == word and " " not in word and re.search(r"[бвгдзклмнпрстфхжшщц](?:ом|ем)$", word):
        return word[:-2]
    return name


def _foreign_towns(text: str, spans, base: int, out: SentenceParties) -> None:
    """Places natasha found that no gazetteer knows, named as a side; their state when the text says it."""
    for sp in spans:
        if sp.type != "LOC" or not sp.text[:1].isupper() or len(sp.text.split()) > 2:
            continue
        if gz.find_regions(sp.text) or gz.find_countries(sp.text) or gz.find_foreign_units(sp.text) \
                or gz.find_capitals(sp.text):
            continue
        a, b = sp.start - base, sp.stop - base
        if LOCATION_PREP.search(text[max(0, a - 12): a]):
            continue
        before = text[max(0, a - 40): a]
        adjective = [c for c in gz.find_countries(before) if c.kind == "adjective" and not before[c.end:].strip()]
        state = None
        if adjective:
            state = adjective[-1].country.name
        elif TOWN_STATE_AFTER.match(text[b:]):
            rest = text[b:][TOWN_STATE_AFTER.match(text[b:]).end():]
            named = gz.find_countries(rest[:40])
            state = named[0].country.name if named and named[0].start == 0 else None
        if state or TOWN_SIDE_BEFORE.search(before) or TOWN_SIDE_AFTER.match(text[b:]):
            case = (sp.tokens[0].feats or {}).get("Case") if sp.tokens else None
            out.foreign_towns.append((town_nominative(sp.text, case), state))


# a foreign region's executive stands for the region: "Гомельский облисполком" -> Гомельская область
FOREIGN_EXECUTIVE = re.compile(
    r"^([А-ЯЁ][а-яё]+(?:ск|цк))(?:ий|ого|ому|им|ом)\s+(?:областн\w+\s+исполнительн\w+\s+комитет\w*|облисполком\w*|"
    r"областн\w+\s+акимат\w*|областн\w+\s+хокимият\w*)$"
)


def foreign_region(name: str) -> tuple[str, list[str]]:
    """A foreign region's executive body named as its region, the body's name kept as an alias."""
    m = FOREIGN_EXECUTIVE.match(name)
    return (f"{m[1]}ая область", [name]) if m else (name, [])


def _person_after(text: str) -> bool:
    """A name right after a unit ("акима Павлодарской области Асаин Байханов"): the unit is a signer's role."""
    m = re.match(r"^\s*[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+", text)
    return bool(m) and not gz.find_countries(m[0]) and not gz.find_regions(m[0])


FOREIGN_TITLE = re.compile(
    r"(?:(?:вице|экс)-|заместител\w+\s+|перв\w+\s+)?(?:губернатор\w*|мэр\w*|глав\w+|председател\w+|"
    r"секретар\w+|аким\w*|хоким\w*|министр\w*)\s+(?:[а-яё-]+\s+){0,3}$",
    re.I,
)
FOREIGN_NAME = re.compile(r"^\s+((?:[А-ЯЁ][а-яё]+)(?:\s+[А-ЯЁ][а-яё]+){1,2})(?=[\s,.]|$)")


UD_CASE = {"nomn": "Nom", "gent": "Gen", "datv": "Dat", "accs": "Acc", "ablt": "Ins", "loct": "Loc"}


def _title_case(word: str) -> str:
    """The case of the title before a foreign name, which the name shares: "с хокимом ... Эркином Юлдашевым"."""
    from extraction.reading.nlp import parses

    ps = parses(word.lower())
    if not ps:
        return "Nom"
    return next((UD_CASE[g] for g in UD_CASE if g in ps[0].tag.grammemes), "Nom")


def _foreign_officials(text: str, out: SentenceParties) -> None:
    """"губернатор провинции Цзянсу Ма Синьжуй": a foreign official's name the NER took for a place."""
    for u in gz.find_foreign_units(text):
        m = FOREIGN_NAME.match(text[u.end:])
        title = FOREIGN_TITLE.search(text[max(0, u.start - 60): u.start])
        if not m or not title or gz.find_countries(m[1]) or gz.find_regions(m[1]):
            continue
        start, end = u.end + m.start(1), u.end + m.end(1)
        if any(p.start < end and start < p.end for p in out.people):
            continue  # the NER found the name already
        words = m[1].split()
        if words[-1].lower() in ("подписали", "подписал"):
            continue
        role_start = max(0, u.start - 60) + title.start()
        case = _title_case(title[0].split()[0] if title[0].split() else "")
        out.people.append(Person([(w, case) for w in words], role_nominative(text[role_start:u.end]), start,
                                 end, role_start))


def _state_of_unit(text: str, end: int, country: str, out: SentenceParties) -> None:
    """"Восточного аймака Монголии": the state named right after a unit is the unit's, not a party itself."""
    after = gz.find_countries(text[end: end + 40])
    if after and after[0].start <= 3 and after[0].country.name == country and country in out.explicit_countries:
        out.explicit_countries.remove(country)


# a foreign city's body by the city's adjective: "Минский горисполком", "Ташкентским хокимиятом"
CITY_BODY_ADJ = re.compile(
    r"(?<![\w-])(?P<adj>[А-ЯЁ][а-яё]+(?:ск|цк))(?:ий|ого|ому|им|ом)\s+"
    r"(?:горисполком|хокимият|акимат|горсовет|мэри|муниципалитет|городск\w+\s+(?:исполнительн\w+\s+комитет|"
    r"совет|администраци|хокимият|акимат))\w*"
)


def _foreign_city(adjective_stem: str) -> gz.ForeignUnit | None:
    """The foreign city an adjective names: "Минск" for "Минский", "Алматы" for "Алматинский"."""
    stem = adjective_stem[:-2] if adjective_stem.endswith(("ск", "цк")) else adjective_stem
    for unit in gz.FOREIGN_UNITS:
        city = unit.name
        if unit.kind == "город" and (adjective_stem == city or stem.startswith(city[: max(4, len(city) - 1)])):
            return unit
    return None


def _foreign(text: str, role_spans: list[tuple[int, int]], out: SentenceParties) -> list[tuple[int, int]]:
    """Foreign sub-national units and cities: a partner (or, in a signer's role, a body) and its state."""
    taken: list[tuple[int, int]] = []
    for m in CITY_BODY_ADJ.finditer(text):
        unit = _foreign_city(m["adj"])
        if unit is None or gz.find_regions(m[0]):
            continue
        name = nominative_head(m[0])
        out.countries.append(unit.country)
        if _overlaps(m.span(), role_spans) or _person_after(text[m.end():]):
            out.foreign_bodies.append((name, unit.country))
        else:
            out.partners.append((name, [unit.name], False))
        taken.append(m.span())
    # foreign sub-national units: a partner and its state
    for u in gz.find_foreign_units(text):
        if _overlaps((u.start, u.end), taken):
            continue
        if LOCATION_PREP.search(text[max(0, u.start - 12): u.start]):
            taken.append((u.start, u.end))
            continue  # "вчера в Минске": where, not who
        name, aliases = foreign_region(nominative_head(u.text))
        district = DISTRICT_BEFORE.search(text[max(0, u.start - 40): u.start])
        if district:
            # "между Горецким районом Могилевской области": the district of the unit is the side
            name, aliases = f"{district['adj']}ий район", [f"{district['adj']}ий район {u.text}"]
        # (also the first of several: "Ташкентской и Наманганской областей")
        kind = re.match(r"^(?:(?:\s*,\s*|\s+и\s+)[А-ЯЁ][а-яё-]+(?:ой|ей|ую|ая))*\s+(област|провинци)\w*", text[u.end:])
        if kind and " " not in name and name.endswith("ая") and not district:
            # "между Ярославской и Витебской областями": the shared noun belongs to the foreign unit too
            name = f"{name} {'область' if kind[1] == 'област' else 'провинция'}"
        in_role = _overlaps((u.start, u.end), role_spans) or _person_after(text[u.end:])
        out.countries.append(u.country.name)
        kind_word = re.match(r"\s+(?:аймак|провинци|област|штат|префектур|уезд|округ)\w*", text[u.end:])
        _state_of_unit(text, u.end + (kind_word.end() if kind_word else 0), u.country.name, out)
        if in_role:
            out.foreign_bodies.append((name, u.country.name))
        else:
            out.partners.append((name, aliases, False))
        taken.append((u.start, u.end))
    # an oblast or province that is no Russian region is a foreign one ("хоким Ташкентской области")
    for m in OTHER_OBLAST.finditer(text):
        if _overlaps(m.span(), taken) or gz.find_regions(m[0]) or gz.find_foreign_units(m[0]):
            continue
        name = nominative_head(m[0])
        if _overlaps(m.span(), role_spans) or _person_after(text[m.end():]):
            out.foreign_bodies.append((name, ""))
        else:
            out.partners.append((name, [], False))
        taken.append(m.span())
    for m in [*ADJECTIVE_UNIT.finditer(text), *NAME_UNIT.finditer(text)]:
        if _overlaps(m.span(), taken):
            continue
        country = ONE_STATE_UNIT[m["unit"]]
        name = nominative_head(m[0]) if m.re is ADJECTIVE_UNIT else f"{m['adj']} {m['unit']}"
        if country not in out.countries:
            out.countries.append(country)
        _state_of_unit(text, m.end(), country, out)
        if _overlaps(m.span(), role_spans) or _person_after(text[m.end():]):
            out.foreign_bodies.append((name, country))
        else:
            out.partners.append((name, [], False))
        taken.append(m.span())
    for m in FOREIGN_CITY.finditer(text):
        if _overlaps(m.span(), taken) or gz.find_countries(m["name"]) or gz.find_regions(m["name"]):
            continue
        before = text[max(0, m.start() - 25): m.start()]
        cs = [c for c in gz.find_countries(before) if c.kind == "adjective"]
        # or the state in the genitive or in brackets right after: "провинции Шаньси КНР", "(ОАЭ)"
        after = re.match(r"^\s*\(?\s*([А-ЯЁ][\w-]*(?:\s+[А-ЯЁ][\w-]*)?)", text[m.end():])
        ca = [c for c in gz.find_countries(after[1]) if c.kind != "adjective"] if after else []
        implied = next((c for k, c in ONE_STATE_UNIT.items() if m["unit"].lower().startswith(k)), None)
        if not cs and not ca and not implied:
            continue
        country = cs[-1].country.name if cs else ca[0].country.name if ca else implied
        unit = f"{nominative_head(m['unit'])} {m['name']}"
        in_role = _overlaps(m.span(), role_spans) or _person_after(text[m.end():])
        if country not in out.countries:
            out.countries.append(country)
        _state_of_unit(text, m.end(), country, out)
        if in_role:
            out.foreign_bodies.append((m["name"], country))
        else:
            aliases = [unit] + ([f"{before[cs[-1].start:].strip()} {m[0]}".strip()] if cs else [])
            out.partners.append((m["name"], aliases, False))
        taken.append(m.span())

    return taken


def _organizations(text: str, spans, base: int, blocked: list[tuple[int, int]], taken: list[tuple[int, int]],
                   role_spans: list[tuple[int, int]], out: SentenceParties) -> None:
    """Organizations: natasha ORG spans plus names with a legal form or a descriptor in quotes."""
    # organizations: natasha ORG spans plus names with a legal form or a descriptor in quotes
    cands: list[tuple[int, int]] = []
    for rx in (LEGAL_QUOTED, DESCRIPTOR_QUOTED, FEDERAL_BODY):
        cands += [m.span() for m in rx.finditer(text)]
    cands += [m.span(1) for m in LATIN_AFTER_WITH.finditer(text)]
    org_spans: list[list[int]] = []
    for sp in spans:
        if sp.type != "ORG":
            continue
        a, b = sp.start - base, sp.stop - base
        if org_spans and text[org_spans[-1][1]: a].strip(" «\"") == "":
            # natasha cut "Брестским областным | Советом депутатов", "ОАО «Нефтяная компания | «Роснефть»" in two
            org_spans[-1][1] = b
        else:
            org_spans.append([a, b])
        while org_spans[-1][1] < len(text) and text[org_spans[-1][1]] in "»\"" \
                and text[org_spans[-1][0]: org_spans[-1][1]].count("«") > text[org_spans[-1][0]: org_spans[-1][1]].count("»"):
            org_spans[-1][1] += 1  # the closing quote of «Роснефть» belongs to the name
    for a, b in org_spans:
        if not any(a >= x and b <= y for x, y in cands):
            cands = [(x, y) for x, y in cands if not (x >= a and y <= b)]
            cands.append((a, b))
    cands.sort()
    for a, b in cands:
        dom = re.match(r"^\.?(?:РФ|рф|ru|ру|com)\b", text[b:]) if text[b - 1: b] == "." or text[b: b + 1] == "." \
            else None
        if dom:  # "ВЭБ.РФ", "ДОМ.РФ": cut in two by the tokenizer
            b += dom.end()
        ab = re.match(rf"^\s*\(({ABBR})\)", text[b:])
        if ab:  # a bracketed abbreviation right after the name belongs to it: "Агентства ... (АСИ)"
            b += ab.end()
        raw = text[a:b]
        if _overlaps((a, b), taken) or _overlaps((a, b), blocked):
            continue
        clean = strip_noise(raw)
        br = BRANCH.match(clean)
        if br:
            rest = clean[br.end():].strip()
            if not re.search(r"[«\"A-ZА-ЯЁ]", rest):
                continue  # "филиала компании": the company is named elsewhere
            clean = rest
        if re.search(r"(?:филиал|отделени|подразделени)\w*\s*[«\"]?$", text[max(0, a - 30): a], re.I) \
                and re.match(r"^[»\"]?\s*(?:ООО|ПАО|АО|ОАО|ЗАО|НАО|компани[иия])\s+[«\"]", text[b:]):
            continue  # "филиал «Сибирь» ООО «Связьком»": the branch's own name; its company follows
        if re.match(r"^(?:[Пп]одписанн|[Зз]аключ[её]нн)", clean):
            continue  # "Подписанное вчера соглашение": the NER took the participle for a name
        if not clean or STOP_ORG.match(LEGAL_RE.sub("", clean).strip(" «»\"")) or EVENT_WORD.search(clean) \
                or MEDIA_DOMAIN.search(clean) or MEDIA_HEAD.match(clean):
            continue
        if REPORTS.match(text[b:]):
            continue  # "АО «РИР» (входит в «Росатом») сообщает о том, что ...": the source, not a side
        if ATTRIBUTION.search(text[max(0, a - 40): a]) or HELPER.search(text[max(0, a - 40): a]) \
                or MEDIA_BEFORE.search(text[max(0, a - 30): a]) or _credit(text, a):
            continue
        if _content_object(text, a) or _topic_object(text, a):
            continue
        before = text[max(0, a - 30): a]
        quoted = raw[:1] in "«\"" or bool(re.search(r"[«\"]\s*$", before))
        if quoted and EVENT_BEFORE.search(before.rstrip(" «\"")):
            continue  # "на выставке-форуме «Россия»": the event's name
        if LOCATION_PREP.search(text[max(0, a - 12): a]) and not LEGAL_RE.search(clean):
            continue
        if VENUE.search(text[max(0, a - 30): a]):
            continue  # "в стенах института", "на площадке банка": where it was signed, not who signed
        if re.fullmatch(r"[A-Z]{2,6}", clean) and re.search(r"(?:NYSE|MOEX|NASDAQ|LSE)", text[max(0, a - 12): a]):
            continue
        _classify_org(clean, text[b: b + 60], _overlaps((a, b), role_spans), out)


# what a document provides for: "документ предусматривает модернизацию завода X": X is an object, not a side
CONTENT = re.compile(
    r"\b(?:предусматрива\w*|предполага\w*|направлен\w*\s+на|нацелен\w*\s+на|каса\w+ся|посвящ[её]н\w*|"
    r"регламентиру\w*|определя\w*\s+порядок)",
    re.I,
)
PARTY_CUE = re.compile(r"\b(?:подписал\w*|подписан\w*|заключ\w+|между|сторон\w*)\b", re.I)


# "соглашение о развитии платформы «Госуслуги»": a product or programme named in the document's topic
DOC_WORD_RE = re.compile(r"\b(?:соглашени|меморандум|договор|документ)\w*", re.I)
TOPIC_PREP = re.compile(r"\b(?:о|об)\s", re.I)
# a product or a facility the document is about: "о развитии платформы «Госуслуги»", "о строительстве
# склада товаров «Озон»"
_OBJECT = (r"(?:платформ|проект|программ|систем|сервис|портал|приложени|бренд|склад|товар|завод|комбинат|фабрик|"
           r"комплекс|магазин|гипермаркет|торгов\w+\s+центр|логистическ\w+\s+центр|центр\w*\s+обработки|производств|"
           r"технопарк|кластер)")
OBJECT_NOUN = re.compile(rf"\b{_OBJECT}\w*\s*[«\"]?\s*$", re.I)
OBJECT_HEAD = re.compile(rf"{_OBJECT}\w*\s+[«\"]", re.I)
# "о создании дальневосточной компании «Аврора»": what the document creates is no side of it
CREATION = re.compile(r"^(?:создани|строительств|открыти|размещени|учреждени|организаци)\w*\b", re.I)
SIDE_CUE = re.compile(r"\b(?:с|со|между)\s", re.I)


def _topic_object(text: str, at: int) -> bool:
    """The name follows a product noun inside the topic phrase, with no new side introduced since."""
    docs = list(DOC_WORD_RE.finditer(text[:at]))
    if not docs:
        return False
    topics = list(TOPIC_PREP.finditer(text, docs[-1].end(), at))
    if not topics:
        return False
    between = text[topics[-1].end(): at]
    if SIDE_CUE.search(between) or PARTY_CUE.search(between):
        return False
    return bool(OBJECT_NOUN.search(text[max(0, at - 40): at]) or OBJECT_HEAD.match(text[at:])
                or CREATION.match(between))


def _content_object(text: str, at: int) -> bool:
    """The name stands in what the document provides for, after a content verb and before any new signing."""
    found = list(CONTENT.finditer(text[:at]))
    return bool(found) and not PARTY_CUE.search(text[found[-1].end(): at])


def _foreign_body(name: str, country: str, in_role: bool, out: SentenceParties) -> None:
    out.countries.append(country)
    canonical, aliases = split_name(name)
    region, body = foreign_region(canonical)
    canonical, aliases = region, body + aliases
    if in_role:
        out.foreign_bodies.append((canonical, country))
    else:
        out.partners.append((canonical, aliases, False))


# "Государственной корпорацией", "компания": a kind of body with no name of its own
GENERIC_NAME = re.compile(
    r"^(?:(?:государственн|российск|федеральн|национальн|крупн|международн|нов|данн|эт|указанн|наш)\w*\s+)*"
    r"(?:компани|корпораци|госкорпораци|организаци|предприяти|общество|фонд|банк|холдинг|группа|агентств|"
    r"учреждени|университет|вуз|оператор|инвестор|партн[её]р|сторон)\w*$",
    re.I,
)
# "директор Блока по развитию": a unit inside a company stands for no side of its own
DIVISION = re.compile(r"^(?:[Бб]лок|[Дд]ивизион|[Дд]ирекци\w*|[Оо]тдел\w*)\b")


def _classify_org(clean: str, after: str, in_role: bool, out: SentenceParties) -> None:
    """A region's body is the region, a foreign state's body is the state (and maybe a partner),
    a federal body or a company is a partner."""
    head = clean.split()[0] if clean.split() else ""
    region = _body_region(clean, head)
    if region and not QUOTED_RE.search(clean):
        out.regions.append(region)
        return
    adj_region, adj_country = _adjective_unit(clean)
    if adj_region:  # "Орловским областным Советом народных депутатов"
        out.regions.append(adj_region)
        return
    if adj_country:  # "Брестским областным Советом депутатов"
        _foreign_body(clean, adj_country, in_role, out)
        return
    if GOV_HEAD.match(head):
        # "правительством Мурманской области": the region may follow the span natasha found
        tail_region = region_of_phrase(after[:40]) if re.match(r"^\s*[А-ЯЁ]", after) else None
        if tail_region:
            out.regions.append(tail_region)
            return
        countries = [c for c in gz.find_countries(clean + " " + after[:30]) if c.kind != "adjective"]
        if countries:
            _foreign_body(clean, countries[0].country.name, in_role, out)
            return
        if FEDERAL_ABBR.match(clean) and not re.match(r"^\s*(?:[а-яё]+\s+)?[А-ЯЁ]", after):
            # "с Минпромторгом": a ministry by its short name and no region after it is the federal one
            out.partners.append((nominative_head(clean), [], in_role))
            return
        if not FEDERAL.search(clean + " " + after[:25]):
            out.regional_signal = True  # "правительство области", "администрация города": some region's body
            return
        fed = FEDERAL.search(after[:25])
        if not FEDERAL.search(clean) and fed and after[: fed.start()].strip() == "":
            clean = clean + " " + fed[0]  # "министерством связи | России"
    name, aliases = split_name(clean)
    if len(name) >= 2 and not GENERIC_NAME.match(name) and not DIVISION.match(name):
        out.partners.append((name, aliases, in_role))
