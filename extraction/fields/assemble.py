"""Assemble agreements from groups of signing sentences: fill every field, and split a report of several
documents into one agreement per partner or per region."""

from __future__ import annotations

import re
from dataclasses import replace

from extraction.explain import Note
from extraction.fields.fill_amount import amount_sentences, first_amount, near_amount, region_amount
from extraction.fields.fill_date import signing_date
from extraction.fields.fill_event import fill_event
from extraction.fields.fill_parties import fill_parties
from extraction.fields.fill_signatories import fill_signatories
from extraction.finders import gazetteer as gz
from extraction.finders.orgs import key as org_key
from extraction.finders.orgs import same_org
from extraction.models import Agreement
from extraction.reading.article import Article
from extraction.signings.group import Group
from extraction.signings.occasion import find_occasion
from extraction.signings.roundup import Found

HEADS = {"губернатор", "глава", "президент", "мэр", "врио"}
SIDES = re.compile(r"\bсторон(?:ы|ами)\b", re.I)


def _role_region(role: str) -> str | None:
    found = gz.find_regions(role)
    return found[0].region.name if found else None


def _works_for(role: str, names: list[str]) -> bool:
    """The role names the organization, in whatever case: "директор Калужской пивоваренной компании"."""
    words = set(org_key(role).split())
    return any(n.casefold() in role.casefold() or (k and set(k.split()) <= words)
               for n in names for k in [org_key(n)])


def _note(notes: list[Note], note: Note | None) -> list[Note]:
    return notes + [note] if note else notes


def _split(art: Article, g: Group, base: Agreement, notes: list[Note]) -> list[tuple[Agreement, list[Note]]]:
    """One agreement, or one per partner / per region when the sentences report several documents."""
    regions, partners, signatories = base.regions, base.partners, base.signatories
    amount_at = amount_sentences(art, g)
    plural = g.plural
    pairs = _pairs(art, g, regions, partners)
    if pairs:
        # "Тверская область подписала соглашение с А, а Калужская — с Б": one document per pair
        return [(replace(base, regions=[r], partners=ps, signatories=[x for x in signatories if not x.role or
                                                                      _role_region(x.role) in (None, r)],
                         amount=region_amount(art.texts, amount_at, r)[0]),
                 notes + [Note("split", f"region–partner pairs told in one sentence: {r} with "
                                        f"{', '.join(p.name for p in ps)}")]) for r, ps in pairs]
    if plural and len(regions) <= 1 and len(partners) >= 2:
        # "губернатор подписал соглашения с ПАО «А» и АО «Б»": one agreement per company
        out = []
        for partner in partners:
            names = [partner.name, *partner.aliases]
            own = [s for s in signatories if s.role and _works_for(s.role, names)]
            mine = {x.name for x in own}
            others = {x.name for x in signatories if x.role and x.name not in mine and any(
                _works_for(x.role, [p2.name, *p2.aliases]) for p2 in partners if p2 is not partner)}
            shared = [s for s in signatories if s.name not in mine and s.name not in others]
            rivals = [n for p2 in partners if p2 is not partner for n in (p2.name, *p2.aliases)]
            amount, why = near_amount(art.texts, amount_at, names, rivals)
            split = Note("split", f"several documents with several companies: the one with {partner.name}")
            out.append((replace(base, partners=[partner], signatories=shared + own, amount=amount),
                        _note(notes + [split], why)))
        return out
    hub = _hub(art, g, regions) if plural and len(regions) >= 3 and not (partners or base.countries) else None
    if hub is not None:
        # "Губернатор Петербурга подписал дорожные карты с Владимирской и Кемеровской областями": one region
        # signs with each of the others, one document each
        out = []
        for region in regions:
            if region == hub:
                continue
            mine = [s for s in signatories if not s.role or _role_region(s.role) in (None, hub, region)]
            amount, why = region_amount(art.texts, amount_at, region)
            split = Note("split", f"{hub} signs with several regions: the document with {region}")
            out.append((replace(base, regions=[hub, region], signatories=mine, amount=amount),
                        _note(notes + [split], why)))
        return out
    if not (plural and len(regions) >= 2) or not (partners or base.countries):
        # regions with no one else are each other's party: "Калужская и Тульская области подписали соглашения"
        amount, why = first_amount(art.texts, amount_at)
        return [(replace(base, amount=amount), _note(notes, why))]
    # "Соглашения ... подписаны ... вице-губернатором Краснодарского края ..., губернатором Вологодской
    # области ...": one agreement per region, each with its own official and sum
    out = []
    for region in regions:
        own = [s for s in signatories if s.role and _role_region(s.role) == region]
        shared = [s for s in signatories if not s.role or _role_region(s.role) is None]
        amount, why = region_amount(art.texts, amount_at, region)
        split = Note("split", f"several documents with several regions: the one of {region}")
        out.append((replace(base, regions=[region], signatories=shared + own, amount=amount),
                    _note(notes + [split], why)))
    return out


WITH = re.compile(r"\s(?:с|со)\s", re.I)
# the second pair of a parallel: ", а Калужская — с ...", "; Калужская область — с ..."
PARALLEL = re.compile(r"(?:,\s*а\s|;\s*|,\s*и\s)[^—–]{0,60}[—–]", re.I)


def _pairs(art: Article, g: Group, regions: list[str], partners: list) -> list[tuple[str, list]]:
    """Regions each followed by their own partners in one signing sentence, joined by a parallel."""
    if len(regions) < 2 or len(partners) < 2 or len(g.signings) != 1:
        return []
    from extraction.learning.features import locate

    t = art.texts[g.signings[0].index]
    marks = [(m.start, m.region.name) for m in gz.find_regions(t, adjectives=True) if m.region.name in regions]
    marks = [m for k, m in enumerate(marks) if m[1] not in [x[1] for x in marks[:k]]]
    if len(marks) != len(regions) or not PARALLEL.search(t, marks[0][0]):
        return []
    at = {p.name: (span[0] if (span := locate(t, [p.name, *p.aliases])) else -1) for p in partners}
    out = []
    for k, (start, region) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else len(t)
        mine = [p for p in partners if start < at[p.name] < end]
        if not mine:
            return []
        out.append((region, mine))
    return out if sum(len(ps) for _, ps in out) == len(partners) else []


def _hub(art: Article, g: Group, regions: list[str]) -> str | None:
    """The region that signs with each of the others: the only one the first sentence naming a region
    has, or the one named there before "с" when the others follow it."""
    for s, p in zip(g.signings, g.parties, strict=True):
        named = list(dict.fromkeys(p.regions))
        if len(named) == 1:
            return named[0]
        if not named:
            continue
        t = art.texts[s.index]
        found = [m for m in gz.find_regions(t, adjectives=True) if m.region.name in regions]
        at = WITH.search(t, found[0].end) if found else None
        if at is None:
            return None
        before = {m.region.name for m in found if m.start < at.start()}
        return before.pop() if len(before) == 1 and any(m.start > at.start() for m in found) else None
    return None


def assemble(art: Article, g: Group, prev: Agreement | None) -> list[tuple[Agreement, list[Note]]]:
    """The group's agreement(s), each with the notes of how its fields were filled."""
    notes: list[Note] = [Note("group", g.why, g.indices[0])] if g.why else []
    occasion = find_occasion(art, g)
    regions, partners, countries = fill_parties(art, g, prev, occasion, notes)
    signatories = fill_signatories(art, g, regions, partners, occasion, notes)
    for s in signatories:
        region = _role_region(s.role) if s.role and s.role.split()[0].lower() in HEADS else None
        if region and region not in regions:
            # "Губернатор края Виктор Толоконский и Губернатор Санкт-Петербурга ... подписали": the head's region
            regions = [*regions, region]
            notes.append(Note("regions", f"{region}: the region of the head who signed"))
    # the body names the document more exactly than a headline ("протокол" for the headline's "соглашение")
    typed = [s for s in g.signings if s.doc_type]
    body = [s for s in typed if not (s.index == 0 and art.title is not None)]
    doc_type = (body or typed)[0].doc_type if typed else None
    notes.append(Note("doc_type", f"the document noun nearest the verb: {doc_type}" if doc_type
                      else "no document noun: «соглашение» by default"))
    event, why = fill_event(art, g)
    when, _, date_note = signing_date(art, g, occasion)
    evidence = list(dict.fromkeys(art.texts[i] for i in g.indices))  # a title repeated in the body once
    base = Agreement(doc_type or "соглашение", regions, partners, countries, signatories, when, event, None,
                     evidence)
    found = _split(art, g, base, _note(notes, why) + [date_note])
    also = [t for s in g.signings for t in s.also if t != base.doc_type]
    # "подписали соглашение и дорожную карту": each document is an agreement of its own, same sides
    return found + [(replace(a, doc_type=t), n + [Note("doc_type", f"one more document signed with it: {t}")])
                    for t in dict.fromkeys(also) for a, n in found]


def same_sides(art: Article, g: Group, a: Agreement, prev: Agreement) -> bool:
    """The sentences call the parties "стороны" and name the previous agreement's sides, nobody new."""
    if not any(SIDES.search(art.texts[i]) for i in g.indices):
        return False
    if a.regions != prev.regions or not all(any(same_org(p, q) for q in prev.partners) for p in a.partners):
        return False
    return not a.signatories or {x.name for x in a.signatories} <= {x.name for x in prev.signatories}


def assemble_all(art: Article) -> tuple[list[Found], list[tuple[Agreement, str]]]:
    """Every group's agreements for the roundup pass, and those dropped with the reason."""
    found: list[Found] = []
    dropped: list[tuple[Agreement, str]] = []
    prev: Agreement | None = None
    for g in art.groups:
        explicit = signing_date(art, g, find_occasion(art, g))[1]
        for a, notes in assemble(art, g, prev):
            if g.item and not (a.partners or a.countries or a.regions):
                dropped.append((a, "a numbered line that names no counterparty is no agreement of its own"))
                continue
            if not (a.regions or a.partners or a.countries):
                dropped.append((a, "no side could be named"))
                continue
            if prev is not None and not explicit and same_sides(art, g, a, prev):
                # "Кроме того, стороны подписали ...": the same people on the same occasion
                a = replace(a, signatories=a.signatories or list(prev.signatories), date=prev.date or a.date)
                notes = notes + [Note("date", "«стороны» again: the previous agreement's people and day")]
            typed = any(x.doc_type for x in g.signings)
            found.append(Found(a, umbrella=g.plural and not g.item, explicit_date=explicit, typed=typed,
                               tally=all(x.tally for x in g.signings), sentences=g.indices, notes=notes))
            prev = a
    return found, dropped
