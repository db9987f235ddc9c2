"""Organization names: legal forms, quotes, tickers, nominative head, canonical name and alias merging."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from extraction.finders import gazetteer as gz
from extraction.models import Partner
from extraction.reading.nlp import inflect, parses

LEGAL_FORMS = (
    "ПАО", "ОАО", "ЗАО", "АО", "ООО", "АНО", "НКО", "РУП", "УП", "ГУП", "ФГУП", "МУП", "ГБУ", "ФГБУ",
    "ФГБОУ", "ФГАОУ", "ГАУ", "ГКУ", "НАО", "ИП", "ТОО", "ОДО", "СП", "ГК", "НПО", "ФГУ", "МАУ",
)
LEGAL_RE = re.compile(r"(?<![\w-])(?:" + "|".join(sorted(LEGAL_FORMS, key=len, reverse=True)) + r")(?![\w-])")
TICKER_RE = re.compile(r"\(?\s*\b(?:NYSE|MOEX|NASDAQ|LSE|ММВБ|РТС|MCX|OTC)\s*:\s*[A-Z0-9.]+[^)]*\)?")
QUOTED_RE = re.compile(r"[«\"“„]([^«»\"“”„]{2,80})[»\"”“]")
# "(АСИ)", "(УрФУ)", "(СПбГУ)": at least two capitals, lower-case letters allowed between them
ABBR = r"[А-ЯЁA-Z](?=[А-ЯЁA-Zа-яё0-9\-]*[А-ЯЁA-Z])[А-ЯЁA-Zа-яё0-9\-]{1,10}"
BRACKET_ABBR_RE = re.compile(rf"\(\s*({ABBR})\s*\)")
# "(бренд «Билайн»)", "(Билайн)", "(ранее «Тандер»)" closing a mention: a brand or former name
BRAND_TAIL = re.compile(
    r"\s*\(\s*(?:(?:бренд|торгов\w+\s+марк\w+|ранее|бывш\w*)\s+)?«?(?P<name>[A-ZА-ЯЁ][^()«»]{1,40}?)»?\s*\)\s*$"
)
# words that describe what kind of body a quoted/proper name is: "компания «X»", "банк ВТБ"
DESCRIPTORS = {
    "компания", "организация", "госкорпорация", "корпорация", "фонд", "банк", "группа", "холдинг",
    "концерн", "предприятие", "общество", "объединение", "агентство", "оператор", "ассоциация",
    "союз", "центр", "институт", "университет", "госкомпания", "автономная", "некоммерческая",
    "акционерное", "публичное", "открытое", "закрытое", "государственная", "платформа", "проект",
}
# "Председатель Правления Сбербанка": the board is not the party, the bank is
GOVERNANCE_RE = re.compile(r"^(?:[Пп]равлени[яеюм]\w*|[Сс]овет\w*\s+директоров|[Нн]аблюдательн\w+\s+совет\w*)\s+(?=\S)")
# "Минприроды", "Минкультуры", "Минобрнауки": the genitive is inside the word, it never declines
INDECLINABLE_MIN = re.compile(r"^Мин[а-яё]+[ыи]$")
QUOTES = "«»\"“”„'"
# "Т Плюс Групп": the borrowed group word of a name never declines (it is no genitive of "группа")
LOAN_GROUP = {"Групп", "Груп"}
# a holding's short name drops the group word: "СИБУР Холдинг", "Т Плюс Групп", "Segezha Group"
# (only after a name in capitals or Latin letters: "Объединенный холдинг" keeps its noun)
GROUP_TAIL = re.compile(
    r"^(?P<core>(?:[A-ZА-ЯЁ]{2,}|[A-Z][A-Za-z]+)(?:[\s-]+(?:[A-ZА-ЯЁ]{2,}|[A-Z][A-Za-z]+))*)\s+"
    r"(?:[Хх]олдинг|Групп|Group|Holding)$"
)


def is_place(name: str) -> bool:
    """"(Китай)", "(Казань)", "(Татарстан)": a place in brackets says where, it is no other name."""
    return bool(gz.find_countries(name) or gz.find_regions(name) or gz.find_region(name))


def is_abbreviation(word: str) -> bool:
    """"УрФУ", "МГУ", "СПбГУ": capitals inside and at the end; such a word never declines (unlike "МегаФоном")."""
    w = word.strip(QUOTES + ".,")
    return len(w) >= 2 and sum(c.isupper() for c in w) >= 2 and (w[-1].isupper() or w[-1].isdigit())


def strip_noise(raw: str) -> str:
    """Remove tickers, stray brackets and quotes at the ends, squeeze spaces."""
    s = TICKER_RE.sub("", raw)
    s = re.sub(r"\(\s*\)", "", s)
    s = re.sub(r"\s+", " ", s).strip(" ,.;:-–—|")
    if s.count("«") > s.count("»") and (s.endswith("»") or s.count("«") >= 2):
        s += "»" * (s.count("«") - s.count("»"))  # «НК «Роснефть»: nested quotes share the closing mark
    if s.count("«") != s.count("»"):
        s = s.replace("«", "").replace("»", "").strip()
    if s.count('"') % 2:
        s = s.replace('"', "").strip()
    if s.count("(") > s.count(")"):
        s = s[: s.rfind("(")].strip()
    return s


def _nominative_word(word: str, gender: str | None = None) -> str:
    """One word in the nominative singular, keeping capitalization."""
    if is_abbreviation(word):
        return word
    ps = list(parses(word))
    # an organization's word is not a person's name: "Ростехом" is Ростех, not the plural of "Ростехома"
    org = [p for p in ps if "Orgn" in p.tag.grammemes]
    impersonal = [p for p in ps if not {"Name", "Surn", "Patr"} & p.tag.grammemes]
    cands = org or impersonal or ps
    if gender:  # before a singular noun an adjective is singular: "Восточным аймаком", not the plural dative
        cands = [p for p in cands if {"ADJF", "sing"} <= p.tag.grammemes] or cands
    for p in cands:
        if {"NOUN", "ADJF", "PRTF"} & p.tag.grammemes and "nomn" not in p.tag.grammemes:
            grams = {"nomn", "sing"} if "plur" not in p.tag.grammemes else {"nomn"}
            if gender and "ADJF" in p.tag.grammemes and "sing" in p.tag.grammemes:
                grams.add(gender)
            form = inflect(p, grams)
            if form:
                return _case_like(form, word)
        break
    return word


def _case_like(form: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return form.upper()
    if any(c.isupper() for c in like[1:]):  # "МегаФоном" -> "МегаФон": keep the inner capitals
        return "".join(b if a.lower() == b.lower() else a for a, b in zip(form, like, strict=False)) + form[len(like):]
    if like[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def nominative_head(phrase: str) -> str:
    """Put the head of a name in the nominative: leading adjectives and the first noun, not the tail.

    "Фондом развития промышленности" -> "Фонд развития промышленности",
    "Брестским областным Советом депутатов" -> "Брестский областной Совет депутатов".
    Quoted parts and words in the nominative already stay as written.
    """
    words = phrase.split(" ")
    out: list[str] = []
    head_gender: str | None = None
    # find the first noun to learn its gender (adjectives before it must agree)
    for w in words[1:] if re.fullmatch(r"[IVXLC]+", words[0]) else words:
        if any(c in w for c in QUOTES) or not re.match(r"^[А-Яа-яЁё-]+$", w):
            break
        ps = parses(w)
        if ps and "NOUN" in ps[0].tag.grammemes:
            head_gender = next((g for g in ("masc", "femn", "neut") if g in ps[0].tag.grammemes), None)
            break
    lead = [words.pop(0)] if len(words) > 1 and re.fullmatch(r"[IVXLC]+", words[0]) else []  # "VII форум"
    out.extend(lead)
    for i, w in enumerate(words):
        if any(c in w for c in QUOTES) or not re.match(r"^[А-Яа-яЁё-]+$", w) or (w.isupper() and len(w) > 1) \
                or is_abbreviation(w) or INDECLINABLE_MIN.match(w) or w in LOAN_GROUP:
            out.extend(words[i:])
            break
        ps = parses(w)
        if not ps:
            out.extend(words[i:])
            break
        tag = ps[0].tag.grammemes
        if "nomn" in tag and not ({"gent", "datv", "ablt", "loct", "accs"} & tag):
            out.extend(words[i:])
            break
        out.append(_nominative_word(w, head_gender))
        if "NOUN" in tag:
            out.extend(words[i + 1:])
            break
    return " ".join(out)


def _proper(word: str) -> bool:
    """A name that stands alone after "банк"/"компания": ВТБ, Huawei, Яндекс, not "Потанина"."""
    if word.isupper() or re.search(r"[A-Za-z0-9]", word):
        return True
    if not word[:1].isupper():
        return False
    ps = parses(word)
    return not ps or "nomn" in ps[0].tag.grammemes


def split_name(raw: str) -> tuple[str, list[str]]:
    """Canonical short name and the spellings seen, from one raw mention."""
    s = GOVERNANCE_RE.sub("", strip_noise(raw))
    aliases: list[str] = []
    abbr = BRACKET_ABBR_RE.search(s)
    if abbr:
        aliases.append(abbr[1])
        s = (s[: abbr.start()] + s[abbr.end():]).strip()
    brand = BRAND_TAIL.search(s)
    brand_alias = None
    if brand and not LEGAL_RE.search(brand["name"]) and brand.start() > 0 and not is_place(brand["name"]):
        brand_alias = brand["name"].strip()
        s = s[: brand.start()].strip()  # "ПАО «ВымпелКом» (Билайн)": the brand is another spelling
    q = QUOTED_RE.search(s)
    if q:
        name = q[1].strip()
        before = s[: q.start()].strip()
        if not before:
            name = nominative_head(name)  # «Газпрома», «Сибирской угольной компании»: the name itself declines
        if before:
            full = nominative_head(s)
            aliases.append(full)
    else:
        bare = LEGAL_RE.sub("", s).strip(" " + QUOTES)
        words = bare.split(" ")
        if len(words) == 2 and _nominative_word(words[0]).lower() in DESCRIPTORS and _proper(words[1]):
            name = words[1]
        else:
            name = nominative_head(bare)
        if LEGAL_RE.search(s) or name != s:
            aliases.append(nominative_head(s) if not LEGAL_RE.match(s) else s)
    name = LEGAL_RE.sub("", name).strip(" " + QUOTES) or name
    group = GROUP_TAIL.match(name)
    if group:  # "СИБУР Холдинг": a user types "СИБУР"; the full spelling stays an alias
        aliases.append(name)
        name = group["core"]
    if abbr:
        aliases.append(f"{name} ({abbr[1]})")
    if brand_alias:
        aliases.append(brand_alias)
    seen = {name.casefold()}
    uniq = []
    for a in aliases:
        a = a.strip().replace("»»", "»")  # as Russian typography writes nested quotes
        if a and a.casefold() not in seen:
            seen.add(a.casefold())
            uniq.append(a)
    return name, uniq


@lru_cache(maxsize=50_000)
def key(name: str) -> str:
    """Comparison key: case-folded, ё->е, no quotes or legal forms, word lemmas."""
    s = LEGAL_RE.sub(" ", name)
    s = re.sub(r"[«»\"“”„'()]", " ", s).casefold().replace("ё", "е")
    words = []
    for w in s.split():
        ps = parses(w) if re.match(r"^[а-я-]+$", w) else ()
        words.append(ps[0].normal_form.replace("ё", "е") if ps else w)
    return " ".join(words)


def _abbreviation(name: str) -> str:
    """Initials of the longer words; a CamelCase word gives one per part ("ТелеСистемы" -> "ТС")."""
    out = []
    for w in re.findall(r"[А-ЯЁA-Zа-яёa-z]+", name):
        if len(w) <= 2:
            continue
        parts = re.findall(r"[А-ЯЁA-Z][а-яёa-z]+", w) if re.search(r"[а-яёa-z][А-ЯЁA-Z]", w) else []
        out += [x[0] for x in parts] if len(parts) >= 2 else [w[0]]
    return "".join(out).upper()


def _abbreviates(short: str, full: str) -> bool:
    """"РЖД" for "Российские железные дороги"; also the initials of the name's core, which drops a
    leading status or a trailing addition: "ТПУ" for "Национальный исследовательский Томский
    политехнический университет", "КРДВ" for "Корпорация развития Дальнего Востока и Арктики"."""
    if not (short.isupper() and len(short) >= 2):
        return False
    initials = _abbreviation(full)
    if short == initials:
        return True
    if len(short) < 3 or len(initials) <= len(short):
        return False  # a partial match needs three letters and a longer name
    return initials.startswith(short) or initials.endswith(short)


def _inflected(x: str, y: str) -> bool:
    """One word written in two cases: "Автодор" / "Автодором", "Россети" / "Россетями"."""
    if " " in x or " " in y:
        return False
    short, long_ = sorted((x.casefold(), y.casefold()), key=len)
    return len(short) >= 5 and x != y and len(long_) - len(short) <= 3 and long_[: len(short) - 1] == short[:-1] \
        and long_[len(short) - 1:].isalpha() and short[-1].isalpha() and not long_.endswith(("банк", "бан"))


def same_org(a: Partner, b: Partner) -> bool:
    """Two partners are one organization spelled differently."""
    if a == b:
        return True
    if not _blocks(a) & _blocks(b):
        return False  # no word start or end, no initials in common: no rule below could match
    names_a = [a.name, *a.aliases]
    names_b = [b.name, *b.aliases]
    for x in names_a:
        kx = key(x)
        for y in names_b:
            ky = key(y)
            if not kx or not ky:
                continue
            if kx != ky and re.sub(r"\d", "", kx) == re.sub(r"\d", "", ky):
                continue  # "Тема-1" and "Тема-10": numbered twins, not one spelling
            if kx == ky or fuzz.ratio(kx, ky) >= 90 or _inflected(kx, ky):
                return True
            wx, wy = kx.split(), ky.split()
            short, long_ = (wx, wy) if len(wx) <= len(wy) else (wy, wx)
            if long_[: len(short)] == short and len(short[0]) >= 4:  # "Почта" / "Почта России"
                return True
            if _abbreviates(x, y) or _abbreviates(y, x):
                return True
    return False


def prefer_short(partners: list[Partner], text: str) -> list[Partner]:
    """The abbreviation the article keeps using ("КРДВ", "ТПУ") is the name a user types; the full name
    it stands for stays an alias. Initials the text writes ("РЖД" for "Российские железные дороги") join
    the aliases."""
    out = []
    for p in partners:
        short = [a for a in p.aliases if " " not in a and a.isupper() and is_abbreviation(a) and len(a) <= 6]
        initials = _abbreviation(p.name)
        if len(initials) >= 3 and " " in p.name and initials not in short:
            short.append(initials)
        uses = {a: len(re.findall(rf"(?<![\w-]){re.escape(a)}(?![\w-])", text)) for a in short}
        if uses.get(initials) and initials not in p.aliases:
            p = Partner(p.name, (*p.aliases, initials))
        best = max(short, key=lambda a: uses[a], default=None)
        if best is not None and uses[best] >= 2 and not is_abbreviation(p.name):
            p = Partner(best, (p.name, *(a for a in p.aliases if a != best)))
        out.append(p)
    return out


def _blocks(p: Partner) -> frozenset[str]:
    """What two spellings of one organization share, for `same_org` to be tried only on such pairs: a
    word's first or last four letters, or initials ("РЖД" and "Российские железные дороги")."""
    return _blocks_of((p.name, *p.aliases))


@lru_cache(maxsize=20_000)
def _blocks_of(names: tuple[str, ...]) -> frozenset[str]:
    out: set[str] = set()
    for n in names:
        for w in key(n).split():
            out |= {w[:4], w[-4:]}
        if n.isupper() and " " not in n:
            out.add(n)
        initials = _abbreviation(n)
        out |= {initials[:k] for k in range(3, len(initials) + 1)} | {initials[-k:] for k in range(3, len(initials) + 1)}
        out.add(initials)
    return frozenset(out)


def merge(partners: list[Partner]) -> list[Partner]:
    """Merge spellings of one organization; the shortest clean name wins, the rest become aliases.

    Each partner is compared only with those sharing a block (`_blocks`): a list of hundreds of names
    costs time in proportion to its length, not to its square."""
    groups: list[list[Partner]] = []
    by_block: dict[str, set[int]] = {}
    for p in partners:
        blocks = _blocks(p)
        near = sorted(set().union(*(by_block.get(b, set()) for b in blocks)))
        k = next((k for k in near if any(same_org(p, q) for q in groups[k])), None)
        if k is None:
            k = len(groups)
            groups.append([])
        groups[k].append(p)
        for b in blocks:
            by_block.setdefault(b, set()).add(k)
    out = []
    for g in groups:
        names = [p.name for p in g]
        # not a bare abbreviation when a full name is known; then the most frequent, then the longest
        # a case form of a shorter name is not the name: "Автодором" -> "Автодор"
        plain = [n for n in names if not any(m != n and len(m) < len(n) and _inflected(m, n) for m in names)]
        name = min(plain or names, key=lambda n: (n.isupper() and len(n) <= 5 and len(set(names)) > 1,
                                                  -len(n), -names.count(n)))
        aliases: list[str] = []
        for p in g:
            for a in (p.name, *p.aliases):
                if a != name and a not in aliases:
                    aliases.append(a)
        out.append(Partner(name, tuple(aliases)))
    return out


# "ПАО «ВымпелКом» (бренд «Билайн»)", "оператор Билайн (ПАО «ВымпелКом»)", "ВымпелКом (Билайн)",
# "«X» (ранее «Y»)": the name in brackets is another name of the same organization
_NAME = r"(?:«[^«»()]{2,60}»|[A-ZА-ЯЁ][\w-]*[a-zа-яё][\w-]*)"
_LEGAL = "(?:" + "|".join(sorted(LEGAL_FORMS, key=len, reverse=True)) + r")\s+"
BRACKET_NAME_RE = re.compile(
    rf"(?P<out_legal>{_LEGAL})?(?P<out>{_NAME})\s*\(\s*(?P<kind>(?:бренд|торгов\w+\s+марк\w+|ранее|бывш\w*|"
    rf"прежн\w+\s+название)\s+)?(?P<in_legal>{_LEGAL})?(?P<inn>{_NAME})\s*\)"
)


@lru_cache(maxsize=8)  # each agreement of one article asks about the same body
def bracket_links(text: str) -> list[tuple[str, str, bool]]:
    """(outer name, bracketed name, whether the bracketed one is the organization itself)."""
    out = []
    for m in BRACKET_NAME_RE.finditer(text):
        outer, inner = m["out"].strip("«»"), m["inn"].strip("«»")
        if is_abbreviation(inner) and not m["kind"]:
            continue  # "(МТС)": an abbreviation, split_name keeps it already
        if is_place(inner) or is_place(outer):
            continue
        # a legal form in brackets names the company behind a brand written outside
        out.append((outer, inner, bool(m["in_legal"]) and not m["out_legal"] and not m["kind"]))
    return out


def merge_linked(partners: list[Partner], text: str) -> list[Partner]:
    """Join partners the text ties together in brackets: a brand and its company are one partner."""
    if len(partners) < 2:
        return partners
    out = list(partners)
    for outer, inner, inner_wins in bracket_links(text):
        a = next((p for p in out if same_org(p, Partner(outer))), None)
        b = next((p for p in out if p is not a and same_org(p, Partner(inner))), None)
        if a is None or b is None:
            continue
        keep, drop = (b, a) if inner_wins else (a, b)
        aliases = [x for x in (*keep.aliases, drop.name, *drop.aliases) if x != keep.name]
        out[out.index(keep)] = Partner(keep.name, tuple(dict.fromkeys(aliases)))
        out.remove(drop)
    return out
