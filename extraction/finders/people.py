"""People who signed: names in the nominative (surnames handled with care) and their roles."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from extraction.finders import gazetteer as gz
from extraction.reading.nlp import inflect, parses

OBLIQUE = {"Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}
# people present at a signing, not signing: "в присутствии президента Владимира Путина"
WITNESS = re.compile(
    r"(?:присутствии|участии|участием|поздравил\w*|приветствовал\w*|при\s+поддержке|по\s+словам|"
    r"как\s+(?:отметил|сообщил|заявил|рассказал|пояснил)\w*)\s+(?:[а-яё-]+\s+){0,5}$",
    re.I,
)


# who chaired or hosted the meeting, however long their title: "под председательством заместителя министра
# промышленности и торговли Российской Федерации Имя Фамилия"
CHAIR = re.compile(r"(?:под\s+(?:руководством|председательством|патронатом|эгидой)|модератор\w*)\s+"
                   r"(?:[а-яё-]+\s+){0,10}$", re.I)


# who a signer acts for: "по поручению главы региона Имя Фамилия", "от имени губернатора Имя Фамилия"
# (only a name in an oblique case: "от имени правительства губернатор Имя Фамилия" is the signer)
PRINCIPAL = re.compile(r"(?:по\s+поручению|от\s+имени|по\s+указанию)\s+(?:[а-яё-]+\s+){0,5}$", re.I)


# the speaker of a remark inside the signing sentence: "..., рассказал журналистам министр Имя Фамилия"
SPEAKER = re.compile(
    r"\b(?:сказал|рассказал|отметил|заявил|подчеркнул|сообщил|пояснил|добавил|уточнил|прокомментировал|"
    r"напомнил|выступил)\w*\s+(?:[а-яё-]+\s+){0,6}$",
    re.I,
)


# a region's head named by title alone: "глава республики", "губернатор края"
HEAD_TITLE = (r"(?:врио\s+)?(?:губернатор\w*|глав[аыеу])(?:\s+(?:региона|области|края|республики|округа|"
              r"субъекта|города|[А-ЯЁ][а-яё]+))?")
WE_SIGNED = re.compile(r"\b(?:мы|я)\s+(?:[а-яё]+\s+)?(?:подписал|заключил)\w*", re.I)


OBLIQUE_SURNAME = (("овым", "ablt"), ("евым", "ablt"), ("ёвым", "ablt"), ("иным", "ablt"), ("ыным", "ablt"),
                   ("ским", "ablt"), ("цким", "ablt"), ("скому", "datv"), ("цкому", "datv"), ("ову", "datv"),
                   ("еву", "datv"), ("ину", "datv"))


def _gender(first: str) -> str | None:
    if "-" in first.strip("-"):
        return next((g for g in map(_gender, first.split("-")) if g), None)
    for p in parses(first):
        if "Name" in p.tag.grammemes:
            return "femn" if "femn" in p.tag.grammemes else "masc"
    return None


def _first_name_nominative(word: str, case: str = "nomn") -> str:
    if "-" in word.strip("-"):  # "Жан-Пьером", "Анной-Марией", "Йенсом-Уве": each part declines alone
        return "-".join(_first_name_nominative(part, case) if part[:1].isupper() else part
                        for part in word.split("-"))
    names = [p for p in parses(word) if "Name" in p.tag.grammemes]
    fits = [p for p in names if case in p.tag.grammemes]
    if case == "nomn" or (not fits and any("nomn" in p.tag.grammemes for p in names)):
        # a foreign name the tagger reads as nominative stays as written: "Лян", not "Ляна"
        return word
    if names:
        p = (fits or names)[0]
        form = inflect(p, {"nomn", "sing"})
        return form.capitalize() if form else word
    return _guess_surname(word, case, "masc")  # an unknown name declines like a consonant stem: Айсена


def _guess_surname(word: str, case: str, gender: str | None) -> str:
    """Nominative of a surname pymorphy does not know, from its ending; unknown shapes stay as written."""
    w = word
    if gender == "femn":
        for end, repl in (("ской", "ская"), ("цкой", "цкая"), ("ой", "а"), ("ую", "ая")):
            if w.endswith(end) and case != "nomn":
                return w[: -len(end)] + repl
        return w
    rules = {
        "gent": (("ского", "ский"), ("цкого", "цкий"), ("ова", "ов"), ("ева", "ев"), ("ёва", "ёв"),
                 ("ина", "ин"), ("ына", "ын")),
        "accs": (("ского", "ский"), ("ова", "ов"), ("ева", "ев"), ("ина", "ин"), ("ына", "ын")),
        "datv": (("скому", "ский"), ("ову", "ов"), ("еву", "ев"), ("ину", "ин"), ("ыну", "ын")),
        "ablt": (("ским", "ский"), ("овым", "ов"), ("евым", "ев"), ("ёвым", "ёв"), ("иным", "ин"),
                 ("ыным", "ын")),
        "loct": (("ском", "ский"), ("ове", "ов"), ("еве", "ев"), ("ине", "ин"), ("ыне", "ын")),
    }
    for end, repl in rules.get(case, ()):
        if w.endswith(end):
            return w[: -len(end)] + repl
    if case == "ablt" and gender == "masc" and len(w) >= 5:
        for end, repl in (("ой", "а"), ("ёй", "я"), ("ей", "я")):  # "Владиславом Шапшой": Шапша
            if w.endswith(end) and w[-3] not in "аеёиоуыэюяй":
                return w[: -len(end)] + repl
    # a consonant stem with a plain case ending: Берга -> Берг, Грефу -> Греф, Грефом -> Греф
    consonant = "бвгдзклмнпрстфхжшщц"
    plain = {"gent": ("а",), "accs": ("а",), "datv": ("у",), "ablt": ("ом", "ем"), "loct": ("е",)}
    for end in plain.get(case, ()):
        stem = w[: -len(end)]
        # a cluster before "-а"/"-е"/"-у" may be a nominative ("Анна"); "-ом"/"-ем" never is (Клеменсом)
        if w.endswith(end) and len(stem) >= 3 and stem[-1] in consonant \
                and (stem[-2] not in consonant or case == "ablt"):
            return stem
    return w  # "-я", "-о", "-ых", "-у" after vowels: usually indeclinable (Корня, Плуготаренко, Шойгу)


def surname_nominative(word: str, case: str | None, gender: str | None) -> str:
    """A surname in the nominative; only a real surname analysis is trusted, never a common noun."""
    if not case or case == "nomn":
        return word
    for p in parses(word):
        g = p.tag.grammemes
        if "Surn" in g and case in g and (gender is None or gender in g or "ms-f" in g):
            grams = {"nomn", "sing"} | ({gender} if gender else set())
            form = inflect(p, grams)
            if form:
                return form[:1].upper() + form[1:]
    return _guess_surname(word, case, gender)


def normalize_name(tokens: list[tuple[str, str | None]], known: Iterable[str] = ()) -> str:
    """'Имя Фамилия' in the nominative from (word, UD case) pairs of a PER span.

    `known` are names already seen in the nominative in the same article: a matching one wins
    (the text itself is the best dictionary for rare surnames).
    """
    tokens = [(w, c) for w, c in tokens if re.search(r"\w", w)]  # "Ким Ен Су .": a stray full stop
    words = [w for w, _ in tokens]
    if not words:
        return ""
    cases = [OBLIQUE.get(c or "", "nomn") for _, c in tokens]
    if len(words) >= 2 and all(c == "nomn" for c in cases):
        # the tagger said nominative, but no surname ends so in the nominative: "с хокимом Эркином Юлдашевым"
        for end, case in OBLIQUE_SURNAME:
            if words[-1].endswith(end):
                cases = [case] * len(words)
                break
    if len(words) >= 2 and all(re.search(r"[бвгдзклмнпрстфхжшщц](?:ом|ем)$", w.split("-")[0]) for w in words):
        # every word in "-ом"/"-ем" after a consonant, whatever the tagger says: a foreign name in the
        # instrumental ("Йенсом-Уве Клеменсом", "Джеймсом Уилсоном")
        cases = ["ablt"] * len(words)
    if len(words) >= 2 and cases[-1] == "nomn" and _instrumental_shape(words[-1]):
        # "с директором фирмы Ли Цзиньпэном": the tagger saw an unknown word; its "-ом" says instrumental
        cases[-1] = "ablt"
    if len(words) == 1:
        first, rest = None, words
    else:
        first, rest = words[0], words[1:]
    gender = _gender(first) if first else None
    out_first = _first_name_nominative(first, cases[0]) if first else None
    known_list = list(known)
    out_rest = []
    for w, c in zip(rest, cases[-len(rest):], strict=True):
        # the same person written in the nominative elsewhere: same first name, same surname start
        same = [kw for k in known_list if len(k.split()) >= 2 and (out_first is None or k.split()[0] == out_first)
                for kw in k.split()[1:] if _same_stem(kw, w) and kw != w]  # (the same spelling teaches nothing)
        patronymic = _patronymic_nominative(w) if len(rest) >= 2 and w is rest[0] else None
        if patronymic:
            out_rest.append(patronymic)  # "Ивана Петровича Сидорова", "Иван Петровича": Петрович, whatever its case
        elif same and c != "nomn":
            out_rest.append(same[0])
        else:
            out_rest.append(surname_nominative(w, c, gender))
    return " ".join([x for x in [out_first, *out_rest] if x])


def _instrumental_shape(word: str) -> bool:
    """A consonant stem plus "-ом"/"-ем" that no dictionary word in the nominative explains."""
    if not re.search(r"[бвгдзклмнпрстфхжшщц](?:ом|ем)$", word) or len(word) < 6:
        return False
    return not any("nomn" in p.tag.grammemes and p.is_known for p in parses(word))


def _patronymic_nominative(word: str) -> str | None:
    for p in parses(word):
        if "Patr" in p.tag.grammemes:
            form = inflect(p, {"nomn", "sing"})
            return form.capitalize() if form else None
    return None


def _same_stem(a: str, b: str) -> bool:
    """Two forms of one surname: same first three letters, lengths close ("Корень"/"Корнем")."""
    return min(len(a), len(b)) >= 3 and a[:3].lower() == b[:3].lower() and abs(len(a) - len(b)) <= 3


def role_nominative(role: str) -> str:
    """The head of a role in the nominative: "губернатора Оренбургской области" -> "губернатор ..."."""
    words = role.split()
    out = []
    for i, w in enumerate(words):
        if not re.match(r"^[А-Яа-яЁё-]+$", w) or (w.isupper() and len(w) > 1) or (
                sum(c.isupper() for c in w) >= 2 and w[-1].isupper()):  # "УрФУ" never declines
            out.extend(words[i:])
            break
        ps = parses(w)
        if not ps:
            out.extend(words[i:])
            break
        p = ps[0]
        g = p.tag.grammemes
        if w.lower() in ("исполняющий", "исполняющего", "исполняющему", "исполняющим", "исполняющем"):
            out.append("исполняющий")  # "исполняющего обязанности губернатора": the object stays as written
            out.extend(words[i + 1:])
            break
        if w.lower() == "врио":  # "врио губернатора": the title after it stays in the genitive
            out.extend([w.lower() if i == 0 else w, *words[i + 1:]])
            break
        if "ADVB" in g or w.lower() == "временно":
            out.append(w.lower() if i == 0 else w)
            continue
        if "nomn" in g and not ({"gent", "datv", "ablt", "loct"} & g):
            out.extend(words[i:])
            break
        if {"NOUN", "ADJF", "PRTF"} & g:
            form = inflect(p, {"nomn", "sing"})
            out.append(form if form else w)
            if {"NOUN", "PRTF"} & g:  # a participle's object ("исполняющий обязанности") stays
                out.extend(words[i + 1:])
                break
            continue
        out.extend(words[i:])
        break
    s = " ".join(out)
    return s[:1].lower() + s[1:] if s[:2] != s[:2].upper() else s


@dataclass(slots=True)
class Person:
    """A name in a sentence (words with their UD case), the role written before it, its span."""

    name_tokens: list[tuple[str, str | None]]
    role: str | None
    start: int
    end: int
    role_start: int  # where the role begins in the sentence (== start when there is none)


ROLE_BOUNDARY = {
    "подписями", "подписи", "подписано", "подписан", "встречи", "ходе", "рамках", "стороны", "о", "об", "на",
    "в", "во", "с", "от", "сегодня", "вчера", "также", "между", "со", "а",
}


SIGN_VERB = re.compile(r"^(?:подписал|подписан|подписыва|скрепил|заключил|заключен|заключён|поставил)")
ROLE_PUNCT = {",", ";", ":", "(", ")", ".", "–", "—", "-"}
QUOTE_MARKS = {"«", "»", '"', "“", "”"}
DOC_WORD = re.compile(r"^(?:соглашени|меморандум|договор|документ|протокол)")
MONTH_WORD = re.compile(
    r"^(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    r"понедельник|вторник|сред[ау]|четверг|пятниц|суббот|воскресень|сегодня|вчера|накануне)"
)


def _place_word(word: str) -> bool:
    """A capitalized place name the NER left untagged: "(в) Казани губернатор ..." starts no title."""
    return word[:1].isupper() and len(word) > 2 and not word.isupper() and any(
        "Geox" in p.tag.grammemes for p in parses(word)[:1])


def _inside(t, spans, kind: str) -> bool:
    return any(p.start <= t.start < p.stop for p in spans if p.type == kind)


def _role_tokens(tokens, idx: int, spans) -> list:
    """Walk left from the name at `idx` while the words still describe the person."""
    role: list = []
    j = idx - 1
    while j >= 0:
        t = tokens[j]
        w = t.text.lower()
        if t.text == ")" and j >= 2 and tokens[j - 2].text == "(":
            role[:0] = [tokens[j - 2], tokens[j - 1], t]  # "(СУЭК)" inside a role
            j -= 3
            continue
        if t.text in "—–-" and j >= 1 and j + 1 < idx and tokens[j + 1].text[:1].isupper() and re.match(
                r"^(?:округа?|област[ьи]|Республик[аи]|Осети[ия])$", tokens[j - 1].text):
            role.insert(0, t)  # "губернатор Ханты-Мансийского автономного округа — Югры"
            j -= 1
            continue
        glued = t.text == "." and j >= 1 and tokens[j - 1].stop == t.start and t.stop == tokens[j + 1].start
        if glued:  # "председатель ВЭБ.РФ": a dot inside a name
            role.insert(0, t)
            j -= 1
            continue
        if t.text in ROLE_PUNCT or w in ROLE_BOUNDARY or DOC_WORD.match(w) or SIGN_VERB.match(w) \
                or _inside(t, spans, "PER"):
            break
        # "и" between two people ends a role; inside one ("министр цифрового и технологического") it does not
        if w == "и" and (j == 0 or _inside(tokens[j - 1], spans, "PER") or tokens[j - 1].text[:1].isupper()):
            break
        if (t.pos == "VERB" and (t.feats or {}).get("VerbForm") != "Part") or t.pos == "PRON":
            break  # a finite verb, or a pronoun ("На ней губернатор ..."): the title starts after it
        role.insert(0, t)
        j -= 1
    return role


def find_people(sent, text: str, blocked: list[tuple[int, int]], speakers: bool = False) -> list[Person]:
    """People named in a natasha sentence, each with the role words just before the name.

    Witnesses ("в присутствии министра ...") and names inside organization names are left out; so are
    a remark's speakers unless `speakers`.
    """
    base = sent.start
    people: list[Person] = []
    spans = sorted(sent.spans, key=lambda s: s.start)
    tokens = sent.tokens
    places = _place_spans(text)
    for sp in spans:
        if sp.type != "PER":
            continue
        s0, s1 = sp.start - base, sp.stop - base
        if any(a <= s0 and s1 <= b for a, b in places):
            continue  # "Республики Марий Эл": a tagger's person inside a region's or a country's name
        if WITNESS.search(text[max(0, s0 - 80): s0]) or CHAIR.search(text[max(0, s0 - 160): s0]):
            continue
        if PRINCIPAL.search(text[max(0, s0 - 80): s0]) \
                and (sp.tokens[0].feats or {}).get("Case") in ("Gen", "Dat", "Ins"):
            continue
        if not speakers and SPEAKER.search(text[max(0, s0 - 80): s0]) and not re.search(r"подпис|заключ", text[s1:], re.I) \
                and not WE_SIGNED.search(text[:s0]):
            # a remark's speaker, unless the signing is told of them ("заявил X после подписания") or by
            # them ("«Мы подписали соглашение...», — сказал X")
            continue
        if any(o.start <= sp.start and sp.stop <= o.stop for o in spans if o.type == "ORG"):
            continue  # "Фонд Владимира Потанина": a name inside an organization's name
        idx = next((i for i, t in enumerate(tokens) if t.start == sp.start), None)
        if idx is None:
            continue
        role_tokens = _role_tokens(tokens, idx, spans)
        # places, dates, quotes and event names before the title are not part of it: "Вчера в Казани глава ..."
        while role_tokens and (
            role_tokens[0].text[:1].isdigit()
            or role_tokens[0].text in QUOTE_MARKS
            or any(a < role_tokens[0].stop - base and role_tokens[0].start - base < b for a, b in blocked)
            or _inside(role_tokens[0], spans, "LOC")
            or MONTH_WORD.match(role_tokens[0].text.lower())
            or _place_word(role_tokens[0].text)
        ):
            role_tokens.pop(0)
        first = next((k for k, t in enumerate(role_tokens) if TITLE_WORD.match(t.text)), 0)
        if first and all(_inside(t, spans, "ORG") or _inside(t, spans, "LOC") or _place_word(t.text)
                         or t.pos in ("NOUN", "ADP") or t.text.lower().startswith("по-") for t in role_tokens[:first]):
            # "в Доме Правительства Раис ...": the place, then the title; "(во) время визита президента ...":
            # the occasion, then the title
            role_tokens = role_tokens[first:]
        while role_tokens and role_tokens[0].text.lower() in ("и", "а", "также", "затем", "потом", "далее"):
            role_tokens.pop(0)  # "..., и Имя Фамилия": a conjunction, not a title
        if role_tokens and role_tokens[0].text.lower() in OCCASION_WORD \
                and not any(TITLE_WORD.match(t.text) for t in role_tokens):
            role_tokens = []  # "на полях форума Имя Фамилия": where, not who
        role = text[role_tokens[0].start - base: role_tokens[-1].stop - base] if role_tokens else None
        if role and role.count("«") > role.count("»") and "»" not in role.rsplit("«", 1)[1]:
            role = role.rsplit("«", 1)[1].strip() or None  # "канал «Губернатор Прикамья Имя Фамилия»"
        other = re.match(rf"^(?:{HEAD_TITLE})\s+и\s+", role or "", re.I)
        if other and role:  # "губернатор и директор фонда Имя Фамилия": the first title is someone else's
            role = role[other.end():] or None
        name_tokens = list(sp.tokens)
        while len(name_tokens) > 2 and any(a <= name_tokens[0].start - base < b for a, b in places):
            # "губернатор аймака Сэлэнгэ Сундуйн Батболд": the unit's name, then the person's
            role = f"{role} {name_tokens[0].text}" if role else None
            name_tokens.pop(0)
        names = [(t.text, (t.feats or {}).get("Case")) for t in name_tokens]
        role_start = role_tokens[0].start - base if role_tokens else s0
        people.append(Person(names, role_nominative(role) if role else None, name_tokens[0].start - base, s1,
                             role_start))
    people += _missed_people(sent, text, spans, people, places)
    for k, person in enumerate(people):
        if person.role is None:
            role = _apposition(text[person.end:])
            if role:
                people[k] = Person(person.name_tokens, role_nominative(role), person.start, person.end,
                                   person.role_start)
    return sorted(people, key=lambda p: p.start)


def _place_spans(text: str) -> list[tuple[int, int]]:
    """Where the sentence names a Russian region, a foreign state or a foreign unit."""
    return [(m.start, m.end) for m in gz.find_regions(text)] + [(m.start, m.end) for m in gz.find_countries(text)] \
        + [(m.start, m.end) for m in gz.find_foreign_units(text)]


APPOSITION = re.compile(r"^\s*,\s*(?P<role>[^,;()]{3,120}?(?:\([^()]{1,40}\)[^,;()]{0,60}?)?)\s*(?:,|;|\.|$)"
                        r"|^\s*\((?P<bracket>[^()]{3,120})\)")


def _apposition(after: str) -> str | None:
    """"Алексей Миллер, председатель правления ПАО «Газпром», и ...": a title written after the name."""
    m = APPOSITION.match(after)
    role = (m["role"] or m["bracket"]) if m else None
    if not role or not TITLE_WORD.match(role.strip()):
        return None
    role = role.strip()
    verb = re.search(r"\s(?:подписал|заключил|поставил|скрепил)\w*", role)
    return role[: verb.start()].strip() if verb else role


# a title word that makes "Title ... Имя Фамилия" a person even when the NER missed the name
OCCASION_WORD = {"полях", "ходе", "рамках", "время", "итогам", "площадке", "церемонии", "заседании", "встрече",
                 "форуме", "выставке", "конференции", "саммите"}
TITLE_WORD = re.compile(
    r"^(?:губернатор|глав[аыеу]|раис|мэр|врио|аким|хоким|председател|президент|премьер|министр|ректор|"
    r"директор|руководител|заместител|вице-|начальник|гендиректор|управляющ|генеральн|посол|консул|"
    r"полпред|уполномоченн)",
    re.I,
)


def _name_pair(first: str, last: str) -> bool:
    """"Рустам Минниханов": a known first name and a word that can be a surname (not a common noun)."""
    if not (first[:1].isupper() and last[:1].isupper() and first.isalpha() and last.replace("-", "").isalpha()):
        return False
    if not any("Name" in p.tag.grammemes for p in parses(first)):
        return False
    lp = parses(last)
    if lp and {"Geox", "Orgn"} & lp[0].tag.grammemes:
        return False
    if any("Name" in p.tag.grammemes and "sing" in p.tag.grammemes for p in lp):
        return False  # two first names, or a first name and a patronymic-less word: not "Имя Фамилия"
    from extraction.reading.nlp import models

    return any("Surn" in p.tag.grammemes for p in lp) or not models().vocab.word_is_known(last.lower())


def _missed_people(sent, text: str, spans, people: list[Person],
                   places: list[tuple[int, int]] = ()) -> list[Person]:
    """Names right after a title that the NER did not tag ("Раис Республики Татарстан Рустам Минниханов")."""
    base = sent.start
    tokens = sent.tokens
    out: list[Person] = []
    for i in range(1, len(tokens) - 1):
        a, b = tokens[i], tokens[i + 1]
        if not _name_pair(a.text, b.text) or _inside(a, spans, "PER") or _inside(b, spans, "PER"):
            continue
        s0, s1 = a.start - base, b.stop - base
        if any(p.start < s1 and s0 < p.end for p in people + out) or any(x <= s0 and s1 <= y for x, y in places):
            continue
        if WITNESS.search(text[max(0, s0 - 80): s0]):
            continue
        role_tokens = _role_tokens(tokens, i, spans)
        while role_tokens and (_inside(role_tokens[0], spans, "LOC") or MONTH_WORD.match(role_tokens[0].text.lower())
                               or role_tokens[0].text in QUOTE_MARKS or role_tokens[0].text[:1].isdigit()):
            role_tokens.pop(0)
        first = next((k for k, t in enumerate(role_tokens) if TITLE_WORD.match(t.text)), None)
        if first is None:
            continue
        role_tokens = role_tokens[first:]  # "В Казани Раис ...": the place before the title is no part of it
        role = text[role_tokens[0].start - base: role_tokens[-1].stop - base]
        names = [(t.text, (t.feats or {}).get("Case")) for t in (a, b)]
        out.append(Person(names, role_nominative(role), s0, s1, role_tokens[0].start - base))
    return out
