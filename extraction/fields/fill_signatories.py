"""Fill an agreement's signatories: the people of its signing sentences in the nominative, heads named
by title only, a first-person post's author, "со стороны X — Y" lines."""

from __future__ import annotations

import re

from extraction.explain import Note
from extraction.finders import gazetteer as gz
from extraction.finders.author import find_author, first_person, quoted_speaker
from extraction.finders.heads import add_titled, add_unnamed_head, resolve_pronoun_roles
from extraction.finders.people import Person, normalize_name
from extraction.models import Partner, Signatory
from extraction.reading.article import Article
from extraction.signings.group import Group
from extraction.signings.occasion import Occasion
from extraction.signings.signing import Signing

# "Со стороны банка — зампред правления Иван Иванов.": the verb of the sentence before is left out
ELLIPTIC_SIDE = re.compile(r"^\W*(?:а\s+)?со\s+стороны\s+[^—–.;]{2,80}?\s[—–-]\s", re.I)


def _folded(name: str) -> set[str]:
    return set(name.casefold().replace("ё", "е").split())


def to_signatories(people: list[Person], doc_known: list[str], full_names: list[str]) -> list[Signatory]:
    """People as signatories, names in the nominative, each once; a lone surname takes the article's
    full name for it, or is left out."""
    out: list[Signatory] = []
    for person in people:
        name = normalize_name(person.name_tokens, doc_known)
        words = [w for w in name.split() if not re.fullmatch(r"[А-ЯЁA-Z]\.", w)]  # "И. Иванов"
        if len(words) == 1:
            full = next((f for f in full_names if f.split()[-1][:4].lower() == words[0][:4].lower()), None)
            if not full:
                continue
            name = full
        key = _folded(name)
        dup = next((s for s in out if _folded(s.name) >= key or key >= _folded(s.name)), None)
        if dup:
            if not dup.role and person.role:
                out[out.index(dup)] = Signatory(dup.name if len(dup.name) >= len(name) else name, person.role)
            continue
        out.append(Signatory(name, person.role))
    return out


def add_author(art: Article, signings: list[Signing]) -> None:
    """A first-person post ("Подписал сегодня соглашение с ..."): its author, named above the text or in
    the signature, is the signer of the first such sentence."""
    first = next((s for s in signings if first_person(art.texts[s.index])), None)
    if first is None:
        return
    # a quote's speaker ("«Мы с ... подписали», — сообщил губернатор Х") before a post's author
    author = (quoted_speaker(art.sents, art.texts, art.quotes, first.index)
              or find_author(art.sents, art.texts, signings[0].index))
    if author is None:
        return
    for g in art.groups:
        for s, p in zip(g.signings, g.parties, strict=True):
            # "Подписали соглашение губернатор X и ...": a subject after the verb is no first person
            subject = any(c in ("Nom", None) for person in p.people for _, c in person.name_tokens[-1:])
            if first_person(art.texts[s.index]) and not subject:
                p.people.insert(0, author)
                break


def _elliptic_signers(art: Article, g: Group) -> list[tuple[int, Person]]:
    """People of a verbless "Со стороны X — Y" sentence right after the group's signing sentence."""
    idx = set(g.indices)
    out = []
    others = art.other_signings(g)
    for j in sorted(j for j in {i + 1 for i in idx} - idx if j not in others):
        if j < len(art.texts) and ELLIPTIC_SIDE.match(art.texts[j]):
            out += [(j, person) for person in art.parties_at(j).people]
    return out


# "губернатор края", "глава республики": a head's title that does not say which region
BARE_HEAD_ROLE = re.compile(r"^(?:врио\s+)?(?:губернатор|глава|президент|мэр)\w*(?:\s+(?:края|области|республики|"
                            r"региона|округа|города))?$", re.I)
HEAD_BEFORE = re.compile(r"(?:губернатор|глав|президент|мэр|врио)\w*\s+(?P<place>[^,.;]{3,60}?)\s*$", re.I)


def signer_regions(art: Article, signatories: list[Signatory]) -> list[tuple[int, Signatory]]:
    """Heads named by a bare title ("Губернатор края Виктор Толоконский"), their region found where the
    article names them in full ("Губернатор Красноярского края Виктор Толоконский"); each with that
    region's name in the role."""
    out = []
    for k, s in enumerate(signatories):
        if not s.role or not BARE_HEAD_ROLE.match(s.role) or len(s.name.split()) < 2:
            continue
        surname = s.name.split()[-1][:4]
        for m in re.finditer(rf"(?<![\w-]){re.escape(surname)}", art.body):
            head = HEAD_BEFORE.search(art.body[max(0, m.start() - 90): m.start()].rsplit("\n", 1)[-1])
            found = gz.find_regions(head["place"]) if head else []
            if found:
                out.append((k, Signatory(s.name, f"{s.role.split()[0]} {head['place'].split(s.name.split()[0])[0].strip()}")))
                break
    return out


def fill_signatories(art: Article, g: Group, regions: list[str], partners: list[Partner],
                     occasion: Occasion | None, notes: list[Note]) -> list[Signatory]:
    """Who signed the group's document; each source is noted in `notes`."""
    idx = g.indices
    signed = [(s.index, person) for s, p in zip(g.signings, g.parties, strict=True) for person in p.people]
    elliptic = _elliptic_signers(art, g)
    signatories = to_signatories([p for _, p in signed + elliptic], art.known_names, art.full_names)
    if not signatories and occasion is not None and occasion.signers:
        # "X встретился с Y. Итогом встречи стало подписание соглашения": the meeting's people signed
        signed = [(occasion.index, person) for person in occasion.signers]
        signatories = to_signatories([p for _, p in signed], art.known_names, art.full_names)
        notes.append(Note("signatories", "no signer in the signing sentences: the people of the meeting "
                          "told next to them", occasion.index))
    for i, person in signed:
        where = "at the meeting" if occasion is not None and i == occasion.index else "in the signing sentence"
        notes.append(Note("signatories", f"{' '.join(w for w, _ in person.name_tokens)}: named {where}, not as a "
                          "witness or a speaker", i))
    for j, person in elliptic:
        notes.append(Note("signatories", f"{' '.join(w for w, _ in person.name_tokens)}: "
                          "a verbless «со стороны X — Y» line after the signing", j))
    for k, fuller in signer_regions(art, signatories):
        signatories[k] = fuller
        notes.append(Note("signatories", f"{fuller.name}: a head by a bare title, named in full elsewhere as "
                          f"{fuller.role}"))
    before = {s.name for s in signatories}
    signatories = add_unnamed_head(art.parties_at, art.texts, idx, signatories, regions, art.known_names)
    signatories = add_titled(art.parties_at, art.texts, idx, signatories, art.known_names)
    for s in signatories:
        if s.name not in before:
            notes.append(Note("signatories", f"{s.name}: signing by title only («губернатор», «ректор МГУ»), "
                              "named so elsewhere in the article"))
    return resolve_pronoun_roles(art.texts, signed, signatories, partners, art.known_names)
