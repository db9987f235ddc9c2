"""Signers named only by title ("глава региона", "со стороны области документ подписал губернатор"): the
region's head named earlier in the article; titles with a pronoun ("её председатель"): whose they are."""

from __future__ import annotations

import re
from collections.abc import Callable

from extraction.finders import gazetteer as gz
from extraction.finders.mentions import SentenceParties
from extraction.finders.orgs import is_abbreviation
from extraction.finders.people import Person, normalize_name
from extraction.models import Partner, Signatory

# a head of the region in the nominative, as a signer; what follows tells whether a name comes with it
UNNAMED_HEAD = re.compile(
    r"\b(?:врио\s+)?(?:губернатор\b(?:\s+(?:региона|области|края|округа))?|"
    r"глава\s+(?:региона|области|края|республики|округа|субъекта)\b)(?P<rest>\s*\S?)",
    re.I,
)
HEAD_ROLE = re.compile(r"^(?:врио\s+|временно\s+исполняющ\w+\s+обязанности\s+)?(?:губернатор|глав)\w*", re.I)
SIGNER_CUE = re.compile(r"подпис|заключ|скрепил", re.I)


def names_unnamed_head(text: str) -> bool:
    """The sentence has the region's head sign with no name after the title ("глава региона и ...")."""
    if not SIGNER_CUE.search(text):
        return False
    return any(_bare_title(text, m) for m in UNNAMED_HEAD.finditer(text))


def _bare_title(text: str, m: re.Match) -> bool:
    """No personal name follows the title; "губернатор Кузбасса подписал": a region's name is no person's."""
    after = text[m.end() - len(m["rest"]):].lstrip()
    if not after[:1].isupper():
        return True
    found = gz.find_regions(after[:80])
    if not found or found[0].start != 0:
        return False
    return not after[found[0].end:].lstrip()[:1].isupper()


def _head_of(person: Person, regions: list[str]) -> bool:
    if not person.role or not HEAD_ROLE.match(person.role) or len(person.name_tokens) < 2:
        return False
    named = gz.find_regions(person.role)
    return not named or named[0].region.name in regions


def add_unnamed_head(parties_at: Callable[[int], SentenceParties], texts: list[str], indices: list[int],
                     signatories: list[Signatory], regions: list[str], known: list[str]) -> list[Signatory]:
    """Add the head named before the signing when the signing sentences call them by title only."""
    if not regions or any(s.role and HEAD_ROLE.match(s.role) for s in signatories):
        return signatories
    if not any(names_unnamed_head(texts[i]) for i in indices):
        return signatories
    # named before the signing, else after it ("По мнению губернатора региона Антона Алиханова, ...")
    order = [*range(min(indices)), *(i for i in range(min(indices) + 1, len(texts)) if i not in indices)]
    for i in order:
        for person in parties_at(i).people:
            if _head_of(person, regions):
                name = normalize_name(person.name_tokens, known)
                if any(set(name.split()) & set(s.name.split()) for s in signatories):
                    return signatories
                return [Signatory(name, person.role), *signatories]
    return signatories


# "ректор МГУ", "глава Сбербанка", "президент «Норникеля»" written with no name after them
ORG_TITLE = re.compile(
    r"\b(?P<title>ректор|президент|председател\w*(?:\s+правления)?|генеральн\w+\s+директор\w*|гендиректор\w*|"
    r"глав[аыеу]|руководител\w*|директор\w*)\s+(?P<org>[«\"]?[А-ЯЁA-Z][\w-]*)(?P<rest>[»\"]?\s*\S{0,2})",
    re.I,
)


def add_titled(parties_at: Callable[[int], SentenceParties], texts: list[str], indices: list[int],
               signatories: list[Signatory], known: list[str]) -> list[Signatory]:
    """"Президент РТ и ректор МГУ подписали соглашение": the person the article names with that title."""
    wanted = []
    for i in indices:
        for m in ORG_TITLE.finditer(texts[i]):
            after = texts[i][m.end("org"):].lstrip(" »\"")
            if re.match(r"[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+", after) or gz.find_regions(m["org"]):
                continue  # a name follows, or the title is a region's head (add_unnamed_head's job)
            wanted.append((m["title"].split()[0][:5].lower(), m["org"].strip("«\"")[:4].lower()))
    if not wanted:
        return signatories
    out = list(signatories)
    for i in [j for j in range(len(texts)) if j not in indices]:
        for person in parties_at(i).people:
            role = (person.role or "").lower()
            if len(person.name_tokens) < 2 or not any(role.startswith(t) and o in role for t, o in wanted):
                continue
            name = normalize_name(person.name_tokens, known)
            if not any(set(name.split()) & set(s.name.split()) for s in out):
                out.append(Signatory(name, person.role))
    return out


# "её председатель", "его глава": the title of the organization the passage is about
PRONOUN_ROLE = re.compile(r"^(?:её|ее|его|их)\s+", re.I)


def _last_named(text: str, partners: list[Partner]) -> tuple[int, Partner] | None:
    """The partner whose name (or the stem of one) appears last in `text`."""
    best: tuple[int, Partner] | None = None
    low = text.casefold()
    for p in partners:
        for n in (p.name, *p.aliases):
            n = n.casefold()
            for probe in _stems(n):
                at = low.rfind(probe)
                if at >= 0 and (best is None or at > best[0]):
                    best = (at, p)
    return best


def _stems(name: str) -> set[str]:
    """The name and the stems its case forms share: "омега" -> "омег" ("с «Омегой»")."""
    out = {name}
    if len(name) >= 4 and name[-1] in "аяоеыиуюйь":
        out.add(name[:-1])
    if len(name) >= 6 and name[-1].isalpha():
        out.add(name[:-2])
    return out


def _written_name(p: Partner) -> str:
    return p.name if is_abbreviation(p.name) or re.search(r"[A-Za-z.\d]", p.name) else f"«{p.name}»"


def resolve_pronoun_roles(texts: list[str], signed: list[tuple[int, Person]], signatories: list[Signatory],
                          partners: list[Partner], known: list[str]) -> list[Signatory]:
    """"Со стороны госкорпорации документ подписал её председатель X": the organization named last before
    the title, in the same sentence or the ones just before it (up to three)."""
    if not partners:
        return signatories
    owners: dict[str, str] = {}
    for i, person in signed:
        if not person.role or not PRONOUN_ROLE.match(person.role):
            continue
        found = _last_named(texts[i][: person.role_start], partners)
        for j in range(i - 1, max(-1, i - 4), -1):
            if found:
                break
            found = _last_named(texts[j], partners)
        if found:
            owners[normalize_name(person.name_tokens, known)] = _written_name(found[1])
    out = []
    for s in signatories:
        if s.name in owners and s.role:
            s = Signatory(s.name, f"{PRONOUN_ROLE.sub('', s.role)} {owners[s.name]}")
        out.append(s)
    return out
