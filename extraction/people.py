"""People who signed: names in the nominative (surnames handled with care) and their roles."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .nlp import inflect, parses

OBLIQUE = {"Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}
# words that end a role when walking left from a name
ROLE_STOP = {
    "и", "между", "подписали", "подписал", "подписала", "подписано", "подписан", "подписаны", "со",
    "с", "стороны", "поставили", "скрепили", "подписями", "заключили", "встречи", "ходе", "рамках",
    "соглашение", "соглашения", "документ", "меморандум", "договор", "а", "также", "был", "было",
    "была", "были", "сегодня", "вчера",
}
# people present at a signing, not signing: "в присутствии президента Владимира Путина"
WITNESS = re.compile(
    r"(?:присутствии|участии|участием|поздравил\w*|приветствовал\w*|при\s+поддержке)\s+(?:[а-яё-]+\s+){0,5}$",
    re.I,
)


def _gender(first: str) -> str | None:
    for p in parses(first):
        if "Name" in p.tag.grammemes:
            return "femn" if "femn" in p.tag.grammemes else "masc"
    return None


def _first_name_nominative(word: str) -> str:
    for p in parses(word):
        if "Name" in p.tag.grammemes:
            if "nomn" in p.tag.grammemes:
                return word
            form = inflect(p, {"nomn", "sing"})
            return form.capitalize() if form else word
    return word


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
    # a consonant stem with a plain case ending: Берга -> Берг, Грефу -> Греф, Грефом -> Греф
    consonant = "бвгдзклмнпрстфхжшщц"
    plain = {"gent": ("а",), "accs": ("а",), "datv": ("у",), "ablt": ("ом", "ем"), "loct": ("е",)}
    for end in plain.get(case, ()):
        stem = w[: -len(end)]
        if w.endswith(end) and len(stem) >= 3 and stem[-1] in consonant and stem[-2] not in consonant:
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
    words = [w for w, _ in tokens]
    if not words:
        return ""
    cases = [OBLIQUE.get(c or "", "nomn") for _, c in tokens]
    if len(words) == 1:
        first, rest = None, words
    else:
        first, rest = words[0], words[1:]
    gender = _gender(first) if first else None
    out_first = _first_name_nominative(first) if first else None
    known_list = list(known)
    out_rest = []
    for w, c in zip(rest, cases[-len(rest):], strict=True):
        # the same person written in the nominative elsewhere: same first name, same surname start
        same = [kw for k in known_list if len(k.split()) >= 2 and (out_first is None or k.split()[0] == out_first)
                for kw in k.split()[1:] if _same_stem(kw, w)]
        if same and c != "nomn":
            out_rest.append(same[0])
        else:
            out_rest.append(surname_nominative(w, c, gender))
    return " ".join([x for x in [out_first, *out_rest] if x])


def _same_stem(a: str, b: str) -> bool:
    """Two forms of one surname: same first three letters, lengths close ("Корень"/"Корнем")."""
    return min(len(a), len(b)) >= 3 and a[:3].lower() == b[:3].lower() and abs(len(a) - len(b)) <= 3


def role_nominative(role: str) -> str:
    """The head of a role in the nominative: "губернатора Оренбургской области" -> "губернатор ..."."""
    words = role.split()
    out = []
    for i, w in enumerate(words):
        if not re.match(r"^[А-Яа-яЁё-]+$", w) or (w.isupper() and len(w) > 1):
            out.extend(words[i:])
            break
        ps = parses(w)
        if not ps:
            out.extend(words[i:])
            break
        p = ps[0]
        g = p.tag.grammemes
        if "ADVB" in g or w.lower() in ("временно", "исполняющий", "врио"):
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
