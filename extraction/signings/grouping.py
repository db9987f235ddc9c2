"""Group signing sentences into agreements: which sentences tell of the same document."""

from __future__ import annotations

import re

from extraction.finders.events import find_event
from extraction.finders.mentions import SentenceParties, analyze_sentence
from extraction.finders.orgs import same_org
from extraction.models import Partner
from extraction.reading.article import Article
from extraction.signings.group import Group
from extraction.signings.signing import Signing


def _names(p: SentenceParties) -> set[str]:
    return {" ".join(w for w, _ in person.name_tokens).casefold() for person in p.people}


def _disjoint(mine: list[Partner], theirs: list[Partner]) -> bool:
    """Both name organizations and none of them is the same."""
    return bool(mine) and bool(theirs) and not any(same_org(a, b) for a in mine for b in theirs)


def _continues(g: Group, s: Signing, mine: list[Partner], roundup: bool) -> bool:
    """"Документ подписали ...", "Соглашение с X подписано ...": the last group's document again, unless
    a roundup moves on to another organization."""
    if roundup and _disjoint(mine, g.partners()):
        return False
    return not (g.plural and not (s.plural or s.plural_ref) and mine and len(g.partners()) != 1)


def _compatible(g: Group, s: Signing, p: SentenceParties, roundup: bool = False, apart: bool = False,
                about: bool = False, headline: bool = False) -> bool:
    mine_p = [Partner(n, tuple(a)) for n, a, _ in p.partners]
    if (roundup or (apart and not s.anaphoric)) and _disjoint(mine_p, g.partners()):
        # after a signing of several documents, or in a paragraph of its own, another organization is
        # another agreement
        return False
    sides = [Partner(n, tuple(a)) for n, a, in_role in p.partners if not in_role]
    # (the headline's side and the lead's may differ: "соглашение с министерством" over "контракт с заводом")
    lead = headline and s.index == 1
    if s.doc_type and not s.anaphoric and not about and not lead and _disjoint(sides, g.partners()):
        return False  # "ПАО «А» и АО «Б» подписали соглашение. ПАО «В» и АО «Г» подписали соглашение."
    if g.plural and not s.plural and mine_p and len(g.partners()) != 1:
        return False  # one of several documents reported together gets its own agreement
    types = {x.doc_type for x in g.signings if x.doc_type}
    if s.doc_type and types and s.doc_type not in types and not headline:
        return False  # (a headline names the document in its own words: "договор" for the body's "соглашение")
    topics = {x.topic for x in g.signings if x.topic}
    if s.additive and s.topic and s.topic not in topics:
        return False
    mine = {n.casefold() for n, _, _ in p.partners}
    theirs = {n.casefold() for q in g.parties for n, _, _ in q.partners}
    if s.additive and mine and theirs and not (mine & theirs):
        return False
    if s.additive and s.between and (p.regions or mine):
        return False  # "Также подписано соглашение между министерствами А и Б": its own sides, its own document
    if s.topic and topics and s.topic not in topics:
        known = set().union(*(_names(q) for q in g.parties)) if g.parties else set()
        new_people = bool(known) and bool(_names(p)) and not (_names(p) & known)
        if s.additive or new_people:
            return False
    return True


RECENT_GROUPS = 8
ABOUT_THE_DOCUMENT = re.compile(
    r"^\W*(?:(?:это|эти|данн|указанн|сам)\w*\s+)?(?:соглашени|документ|меморандум|договор|подпис)\w*", re.I
)


def _headline_only(art: Article, g: Group) -> bool:
    """The group is the headline alone: a summary in its own words, of one document only."""
    return art.title is not None and g.indices == [0] and not g.plural \
        and art.texts[0].strip(" .") == art.title.strip(" .")  # a line of its own, not a first sentence


def _apart(art: Article, g: Group, s: Signing) -> bool:
    """A paragraph break lies between the group's last sentence and this one (a title that sums up the
    body, in its own words, is not a paragraph of its own)."""
    last = max(g.indices)
    if (art.title is not None and last == 0) or ABOUT_THE_DOCUMENT.match(art.texts[s.index]):
        return False  # "Подписи под соглашением поставили ...": the same document, told on
    return "\n" in art.body[art.sents[last].stop: art.sents[s.index].start]


PLURAL_FORMS = {"соглашения", "меморандумы", "договоры"}
DOC_NOUN = re.compile(r"^(?:соглашени|меморандум|договор)", re.I)


def _plural_object(art: Article, s: Signing) -> bool:
    """The tagger reads the document noun after a finite signing verb as a plural object: "заключило с
    руководством трёх областей соглашения о ..." reports several documents."""
    sent = art.sents[s.index]
    text = art.texts[s.index]
    if not re.match(r"(?:подписал|заключил)", text[s.predicate_at:], re.I):
        return False
    at = sent.start + s.predicate_at
    docs = [t for t in sent.tokens if t.start > at and DOC_NOUN.match(t.text)]
    if not docs:
        return False
    feats = docs[0].feats or {}
    if feats.get("Number") == "Plur" and feats.get("Case") in ("Acc", "Nom"):
        return True
    # "соглашения" is a genitive singular or a plural object; with no other object before it (no noun in
    # the accusative or nominative between the verb and it), it is the verb's object: a plural
    between = [t for t in sent.tokens if at < t.start < docs[0].start and t.pos in ("NOUN", "PROPN")]
    return docs[0].text.lower() in PLURAL_FORMS and not any(
        (t.feats or {}).get("Case") in ("Acc", "Nom") for t in between)


def group_signings(art: Article, signings: list[Signing]) -> list[Group]:
    """One group per document reported; sets `art.events` and `art.groups` as it goes."""
    only_weak = all(s.weak for s in signings)
    art.events = {s.index: find_event(art.texts[s.index]) for s in signings}
    groups = art.groups
    in_roundup = False  # a signing of several documents has been told: its passages follow
    for s in signings:
        if not s.plural and not s.weak and _plural_object(art, s):
            s.plural = True
        if s.weak and not only_weak:
            # "подписанное 14 марта соглашение": a reference to a reported signing, for its date only
            if groups:
                groups[-1].weak.append(s)
            continue
        ev = art.events[s.index]
        p = analyze_sentence(art.sents[s.index], art.texts[s.index], (ev[1], ev[2]) if ev else None)
        mine = [Partner(n, tuple(a)) for n, a, _ in p.partners]
        target: Group | None = None
        why = ""
        if s.item:
            why = "a numbered or ordinal item of a roundup: a document of its own"
        elif s.recalled:
            why = "an earlier signing recalled with its own year: a document of its own"
        elif groups and (s.anaphoric or s.doc_type is None) and _continues(groups[-1], s, mine, in_roundup):
            target = groups[-1]
        else:
            # a document told of again is one of the last few told of (and so the cost stays linear)
            about = bool(ABOUT_THE_DOCUMENT.match(art.texts[s.index]))
            target = next((g for g in groups[-RECENT_GROUPS:]
                           if _compatible(g, s, p, in_roundup, _apart(art, g, s), about, _headline_only(art, g))),
                          None)
            if target is None and groups:
                why = "other sides, kind, topic or paragraph than every document before: a new one"
        if target is None:
            target = Group(why=why or "the first signing sentence")
            groups.append(target)
        target.signings.append(s)
        target.parties.append(p)
        in_roundup = in_roundup or target.plural
    return groups
