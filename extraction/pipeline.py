"""Assemble agreements from one article: clean, one NLP pass, signing sentences, parties, details."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from . import gazetteer as gz
from .amounts import find_amounts
from .cleaning import clean
from .dates import find_dates, from_iso, resolve
from .events import find_event
from .models import Agreement, Amount, PartialDate, Partner, Signatory
from .nlp import analyze
from .orgs import merge
from .parties import SentenceParties, analyze_sentence
from .people import normalize_name
from .signing import Signing, detect

INVEST = re.compile(
    r"(?:инвест\w*|вложит\w*|вложат|вложен\w*|вкладыва\w*|направ(?:ит|ят|ить)|выдел(?:ит|ят|ить)|"
    r"капиталовложени\w*|стоимост\w+|"
    r"сумм\w+\s+(?:соглашени|контракт|договор|инвестици)\w*|объ[её]м\w*\s+(?:инвестици|финансировани|вложени)\w*)",
    re.I,
)
BACKGROUND = re.compile(
    r"^\s*(?:напомним|ранее|справка|как\s+сообщалось|в\s+прошлом\s+году|в\s+(?:19|20)\d\d\s+году|до\s+этого)",
    re.I,
)
MENTIONS_DOC = re.compile(r"(?:соглашени|меморандум|договор|документ)\w*", re.I)
WINDOW_AFTER = 4


@dataclass(slots=True)
class Group:
    """Signing sentences that report one agreement."""

    signings: list[Signing] = field(default_factory=list)
    parties: list[SentenceParties] = field(default_factory=list)
    weak: list[Signing] = field(default_factory=list)  # "подписанное 14 марта соглашение": dates only


def _uniq(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for x in items:
        k = x.casefold().replace("ё", "е")
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out


def _names(p: SentenceParties) -> set[str]:
    return {" ".join(w for w, _ in person.name_tokens).casefold() for person in p.people}


def _compatible(g: Group, s: Signing, p: SentenceParties) -> bool:
    types = {x.doc_type for x in g.signings if x.doc_type}
    if s.doc_type and types and s.doc_type not in types:
        return False
    topics = {x.topic for x in g.signings if x.topic}
    if s.additive and s.topic and s.topic not in topics:
        return False
    mine = {n.casefold() for n, _, _ in p.partners}
    theirs = {n.casefold() for q in g.parties for n, _, _ in q.partners}
    if s.additive and mine and theirs and not (mine & theirs):
        return False
    if s.topic and topics and s.topic not in topics:
        known = set().union(*(_names(q) for q in g.parties)) if g.parties else set()
        new_people = bool(known) and bool(_names(p)) and not (_names(p) & known)
        if s.additive or new_people:
            return False
    return True


def _quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Direct speech: «...» longer than a name, and paragraphs opening a quote closed before "— сказал"."""
    ranges = [(m.start(), m.end()) for m in re.finditer(r"«[^«»]{80,}»", text)]
    for m in re.finditer(r"(?m)^[\"“]([^\n]{60,}?)[\"”]\s*,?\s*[-–—]", text):
        ranges.append((m.start(), m.end()))
    return ranges


def _dominant_region(text: str) -> str | None:
    counts = Counter(m.region.name for m in gz.find_regions(text))
    return counts.most_common(1)[0][0] if counts else None


def _signatories(people_lists, doc_known: list[str], full_names: list[str]) -> list[Signatory]:
    out: list[Signatory] = []
    for person in people_lists:
        name = normalize_name(person.name_tokens, doc_known)
        words = [w for w in name.split() if not re.fullmatch(r"[А-ЯЁA-Z]\.", w)]  # "И. Иванов"
        if len(words) == 1:
            full = next((f for f in full_names if f.split()[-1][:4].lower() == words[0][:4].lower()), None)
            if not full:
                continue
            name = full
        key = set(name.casefold().replace("ё", "е").split())
        dup = next((s for s in out if set(s.name.casefold().replace("ё", "е").split()) >= key
                    or key >= set(s.name.casefold().replace("ё", "е").split())), None)
        if dup:
            if not dup.role and person.role:
                out[out.index(dup)] = Signatory(dup.name if len(dup.name) >= len(name) else name, person.role)
            continue
        out.append(Signatory(name, person.role))
    return out


def extract(text: str, published: date | str | None = None) -> list[Agreement]:
    """Every agreement the article reports as signed."""
    cleaned = clean(text or "")
    if not cleaned.lines:
        return []
    ref: PartialDate | None = from_iso(published) if published else None
    ref = ref or cleaned.published
    body = cleaned.text
    doc = analyze(body)
    sents = list(doc.sents)
    texts = [s.text for s in sents]

    signings: list[Signing] = []
    for i, t in enumerate(texts):
        sg = detect(t, i, follows_signing=bool(signings) and signings[-1].index == i - 1)
        if sg:
            signings.append(sg)
    if not signings:
        return []
    only_weak = all(s.weak for s in signings)

    quotes = _quoted_ranges(body)

    def in_quote(i: int) -> bool:
        pos = sents[i].start + signings_by_index[i].predicate_at
        return any(a <= pos < b for a, b in quotes)

    signings_by_index = {s.index: s for s in signings}
    events = {s.index: find_event(texts[s.index]) for s in signings}
    parties = {
        s.index: analyze_sentence(sents[s.index], texts[s.index], (ev[1], ev[2]) if (ev := events[s.index]) else None)
        for s in signings
    }
    # full names seen in the nominative teach the normalizer rare surnames
    doc_known, full_names = [], []
    for sp in doc.spans:
        if sp.type == "PER" and len(sp.tokens) >= 2:
            cases = {(t.feats or {}).get("Case") for t in sp.tokens}
            if cases <= {"Nom", None}:
                doc_known.append(sp.text)
            full_names.append(normalize_name([(t.text, (t.feats or {}).get("Case")) for t in sp.tokens], []))

    groups: list[Group] = []
    for s in signings:
        p = parties[s.index]
        target = None
        if groups and (s.anaphoric or s.doc_type is None or (s.weak and not only_weak)):
            target = groups[-1]
        else:
            target = next((g for g in groups if _compatible(g, s, p)), None)
        if target is None:
            target = Group()
            groups.append(target)
        if s.weak and not only_weak:
            if target is None:
                continue  # a reference before any report of the signing itself
            target.weak.append(s)
            continue
        target.signings.append(s)
        target.parties.append(p)

    agreements: list[Agreement] = []
    prev: Agreement | None = None
    for gi, g in enumerate(groups):
        agreements_g = _assemble(g, gi, groups, sents, texts, body, cleaned.title, ref, events, in_quote,
                                 doc_known, full_names, prev)
        for a in agreements_g:
            if a.regions or a.partners or a.countries:
                agreements.append(a)
                prev = a
    return agreements


def _window_parties(indices: list[int], sents, texts) -> list[SentenceParties]:
    return [analyze_sentence(sents[i], texts[i], None) for i in indices if 0 <= i < len(sents)]


def _assemble(g: Group, gi: int, groups: list[Group], sents, texts, body: str, title: str | None,
              ref: PartialDate | None, events, in_quote, doc_known, full_names, prev: Agreement | None
              ) -> list[Agreement]:
    idx = [s.index for s in g.signings]
    regions = _uniq([r for p in g.parties for r in p.regions])
    countries = _uniq([c for p in g.parties for c in p.countries])
    explicit = {c for p in g.parties for c in p.explicit_countries}
    partners = [Partner(n, tuple(a)) for p in g.parties for n, a, _ in p.partners]
    bodies = [(n, c) for p in g.parties for n, c in p.foreign_bodies]
    for name, country in bodies:
        if not country or country not in explicit:  # a unit acting for a state already named is that state
            partners.append(Partner(name))
    signal = any(p.regional_signal for p in g.parties)

    # what the signing sentences leave out, the sentences around them often say
    window_places: list[str] = []
    if not regions or not (partners or countries):
        window = sorted({i for i in [idx[0] - 1, idx[-1] + 1, idx[-1] + 2] if i not in idx})
        if title is not None and 0 not in idx:
            window.insert(0, 0)
        for wp in _window_parties(window, sents, texts):
            window_places += wp.location_regions
            if not regions and wp.regions:
                regions = _uniq(wp.regions)
            if not (partners or countries) and (wp.partners or wp.countries):
                partners = [Partner(n, tuple(a)) for n, a, _ in wp.partners[:1]]
                countries = _uniq(wp.countries)
    if not regions:
        regions = _uniq([r for p in g.parties for r in p.city_regions])
    if not regions:
        regions = _uniq([r for p in g.parties for r in p.location_regions])[:1]
    if not regions and signal:
        regions = _uniq(window_places)[:1]
    if not regions and signal:
        dom = _dominant_region(body)
        regions = [dom] if dom else []
    if not regions and not partners and not countries and prev is not None:
        regions, partners, countries = list(prev.regions), list(prev.partners), list(prev.countries)
    partners = merge(partners)

    people = [person for p in g.parties for person in p.people]
    signatories = _signatories(people, doc_known, full_names)

    doc_type = next((s.doc_type for s in g.signings if s.doc_type), "соглашение")
    event = next((events[i][0] for i in idx if events.get(i)), None)

    # date: an explicit one in the signing sentences, then relative words, then the publication date
    when: PartialDate | None = None
    relative: PartialDate | None = None
    for i in idx + [w.index for w in g.weak]:
        for m in find_dates(texts[i]):
            if m.value is not None and when is None and (m.value.month is not None):
                when = resolve(m, ref)
            elif m.relative and relative is None and i in idx:
                relative = resolve(m, ref)
    if when is None:
        when = relative
    if when is None and not all(in_quote(i) for i in idx):
        when = ref

    # amount: named by the signing sentence or an investment sentence right after it
    signings_of_others = {s.index for g2 in groups if g2 is not g for s in g2.signings}
    next_start = min((s.index for g2 in groups[gi + 1:] for s in g2.signings if s.index > idx[-1]),
                     default=len(texts))
    scope = list(idx)
    for j in idx:
        for i in range(j + 1, min(j + 1 + WINDOW_AFTER, next_start)):
            if BACKGROUND.match(texts[i]) or i in signings_of_others:
                break
            if i not in scope:
                scope.append(i)
    amount_sents = sorted(i for i in scope if find_amounts(texts[i]) and (
        i in idx or INVEST.search(texts[i]) or MENTIONS_DOC.search(texts[i])))

    evidence = [texts[i] for i in idx]
    split = any(s.plural for s in g.signings) and len(regions) >= 2
    if not split:
        amount = _first_amount(texts, amount_sents)
        return [Agreement(doc_type, regions, partners, countries, signatories, when, event, amount, evidence)]

    # "Соглашения ... подписаны ... вице-губернатором Краснодарского края ..., губернатором Вологодской
    # области ...": one agreement per region, each with its own official and sum
    out = []
    for region in regions:
        own = [s for s in signatories if s.role and _role_region(s.role) == region]
        shared = [s for s in signatories if not s.role or _role_region(s.role) is None]
        amount = _region_amount(texts, amount_sents, region)
        out.append(Agreement(doc_type, [region], partners, countries, shared + own, when, event, amount,
                             evidence))
    return out


def _role_region(role: str) -> str | None:
    found = gz.find_regions(role)
    return found[0].region.name if found else None


def _first_amount(texts: list[str], indices: list[int]) -> Amount | None:
    for i in indices:
        found = find_amounts(texts[i])
        if found:
            return found[0].amount
    return None


def _region_amount(texts: list[str], indices: list[int], region: str) -> Amount | None:
    """The sum written after this region's name (and before the next region's) in one sentence."""
    for i in indices:
        t = texts[i]
        marks = gz.find_regions(t, adjectives=True)
        for k, m in enumerate(marks):
            if m.region.name != region:
                continue
            end = marks[k + 1].start if k + 1 < len(marks) else len(t)
            found = [a for a in find_amounts(t) if m.end <= a.start < end]
            if found:
                return found[0].amount
    return None
