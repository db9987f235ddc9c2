"""Assemble agreements from one article: clean, one NLP pass, signing sentences, parties, details."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from . import gazetteer as gz
from .amounts import find_amounts
from .author import find_author, first_person
from .cleaning import clean
from .dates import find_dates, from_iso, resolve
from .events import find_event
from .heads import add_unnamed_head, resolve_pronoun_roles
from .models import Agreement, Amount, PartialDate, Partner, Signatory
from .nlp import analyze
from .orgs import merge, merge_linked, prefer_short, same_org
from .parties import SentenceParties, analyze_sentence
from .people import normalize_name
from .roundup import Found, roundup
from .signing import PAST_YEAR, RECALL_OPENINGS, Signing, detect

INVEST = re.compile(
    r"(?:инвест\w*|(?:про)?финансир\w*|на\s+сумм\w+|оценива\w+\s+в|вложит\w*|вложат|вложен\w*|вкладыва\w*|направ(?:ит|ят|ить)|выдел(?:ит|ят|ить)|"
    r"капиталовложени\w*|стоимост\w+|кредитн\w+\s+лини\w+|лимит\w*\s+(?:кредитовани|финансировани)\w*|"
    r"сумм\w+\s+(?:соглашени|контракт|договор|инвестици)\w*|объ[её]м\w*\s+(?:инвестици|финансировани|вложени)\w*)",
    re.I,
)
# a recalled event, a reference block or a tally: none names this document's sum
BACKGROUND = re.compile(
    rf"^\s*(?:{RECALL_OPENINGS}|справка|для\s+сравнения|всего|в\s+общей\s+сложности)",
    re.I,
)
# "он напомнил, что с 2015 года компания инвестировала ...": a past total, not this document's sum
PAST_TOTAL = re.compile(
    r"\bнапомни\w*|\bс\s+(?:19|20)\d\d\s+(?:года|г\.)|\bза\s+последни[ее]\s+(?:\w+\s+)?(?:лет|года?)\b|"
    r"\bуже\s+(?:вложил|инвестировал|направил|выделил|потратил)\w*|"
    r"\bбыл[оаи]?\s+(?:уже\s+)?(?:вложен|инвестирован|потрачен|израсходован)\w*",
    re.I,
)
MENTIONS_DOC = re.compile(r"(?:соглашени|меморандум|договор|документ|дорожн\w+\s+карт|программ)\w*", re.I)
# "общий объём инвестиций по двум соглашениям": a sum of several documents, not this one's
SEVERAL_DOCS = re.compile(
    r"\b(?:соглашени(?:ям|ях|й)|документ(?:ам|ах|ов)|договор(?:ам|ах|ов)|меморандум(?:ам|ах|ов))\b", re.I
)
WINDOW_AFTER = 4
DEADLINE = re.compile(r"(?:\bдо|\bк|\bпо|не\s+позднее|срок\w*|течение|начиная\s+с|с)\s+$", re.I)


@dataclass(slots=True)
class Group:
    """Signing sentences that report one agreement."""

    signings: list[Signing] = field(default_factory=list)
    parties: list[SentenceParties] = field(default_factory=list)
    weak: list[Signing] = field(default_factory=list)  # "подписанное 14 марта соглашение": dates only

    @property
    def plural(self) -> bool:
        """Reports several documents at once ("подписал соглашения с тремя партнёрами")."""
        return any(s.plural for s in self.signings)

    @property
    def item(self) -> bool:
        """Opens with a numbered item of a roundup ("Второе — с ПАО «Б»")."""
        return bool(self.signings) and self.signings[0].item

    def partners(self) -> list[Partner]:
        return [Partner(n, tuple(a)) for p in self.parties for n, a, _ in p.partners]


def _reference_date(given: PartialDate | None, in_text: PartialDate | None) -> PartialDate | None:
    """The article's own date line wins for day and month; the given publication date fills the year."""
    if in_text is None:
        return given
    if in_text.year is None and given is not None:
        return PartialDate(given.year, in_text.month, in_text.day)
    return in_text


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


def _disjoint(mine: list[Partner], theirs: list[Partner]) -> bool:
    """Both name organizations and none of them is the same."""
    return bool(mine) and bool(theirs) and not any(same_org(a, b) for a in mine for b in theirs)


def _continues(g: Group, s: Signing, mine: list[Partner], roundup: bool) -> bool:
    """"Документ подписали ...", "Соглашение с X подписано ...": the last group's document again, unless
    a roundup moves on to another organization."""
    if roundup and _disjoint(mine, g.partners()):
        return False
    return not (g.plural and not (s.plural or s.plural_ref) and mine and len(g.partners()) != 1)


def _compatible(g: Group, s: Signing, p: SentenceParties, roundup: bool = False, apart: bool = False) -> bool:
    mine_p = [Partner(n, tuple(a)) for n, a, _ in p.partners]
    if (roundup or (apart and not s.anaphoric)) and _disjoint(mine_p, g.partners()):
        # after a signing of several documents, or in a paragraph of its own, another organization is
        # another agreement
        return False
    if g.plural and not s.plural and mine_p and len(g.partners()) != 1:
        return False  # one of several documents reported together gets its own agreement
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
    if s.additive and s.between and (p.regions or mine):
        return False  # "Также подписано соглашение между министерствами А и Б": its own sides, its own document
    if s.topic and topics and s.topic not in topics:
        known = set().union(*(_names(q) for q in g.parties)) if g.parties else set()
        new_people = bool(known) and bool(_names(p)) and not (_names(p) & known)
        if s.additive or new_people:
            return False
    return True


ABOUT_THE_DOCUMENT = re.compile(
    r"^\W*(?:(?:это|эти|данн|указанн|сам)\w*\s+)?(?:соглашени|документ|меморандум|договор|подпис)\w*", re.I
)


def _apart(body: str, sents: list, g: Group, s: Signing, titled: bool) -> bool:
    """A paragraph break lies between the group's last sentence and this one (a title that sums up the
    body, in its own words, is not a paragraph of its own)."""
    last = max(x.index for x in g.signings)
    if (titled and last == 0) or ABOUT_THE_DOCUMENT.match(sents[s.index].text):
        return False  # "Подписи под соглашением поставили ...": the same document, told on
    return "\n" in body[sents[last].stop: sents[s.index].start]


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


@dataclass(slots=True)
class Article:
    """One article after cleaning and the NLP pass: what assembling an agreement needs to look at."""

    body: str
    title: str | None
    ref: PartialDate | None  # publication date: given, or found in the text
    sents: list
    texts: list[str]
    quotes: list[tuple[int, int]]
    known_names: list[str]  # full names written in the nominative
    full_names: list[str]  # every full name, normalized
    events: dict[int, tuple[str, int, int] | None]
    groups: list[Group]

    def in_quote(self, s: Signing) -> bool:
        pos = self.sents[s.index].start + s.predicate_at
        return any(a <= pos < b for a, b in self.quotes)


def extract(text: str, published: date | str | None = None) -> list[Agreement]:
    """Every agreement the article reports as signed."""
    cleaned = clean(text or "")
    if not cleaned.lines:
        return []
    ref = _reference_date(from_iso(published) if published else None, cleaned.published)
    body = cleaned.text
    doc = analyze(body)
    sents = list(doc.sents)
    texts = [s.text for s in sents]

    signings: list[Signing] = []
    for i, t in enumerate(texts):
        sg = detect(t, i, follows_signing=bool(signings) and signings[-1].index == i - 1,
                    after_plural=any(x.plural and not x.weak for x in signings), after_signing=bool(signings))
        if sg:
            signings.append(sg)
    if not signings:
        return []
    only_weak = all(s.weak for s in signings)

    events = {s.index: find_event(texts[s.index]) for s in signings}
    groups: list[Group] = []
    for s in signings:
        if s.weak and not only_weak:
            # "подписанное 14 марта соглашение": a reference to a reported signing, for its date only
            if groups:
                groups[-1].weak.append(s)
            continue
        ev = events[s.index]
        p = analyze_sentence(sents[s.index], texts[s.index], (ev[1], ev[2]) if ev else None)
        mine = [Partner(n, tuple(a)) for n, a, _ in p.partners]
        in_roundup = any(g.plural for g in groups)
        target: Group | None = None
        if s.item or s.recalled:
            pass  # "Второе — с АО «Б»": a new agreement of a roundup; a recalled one is its own too
        elif groups and (s.anaphoric or s.doc_type is None) and _continues(groups[-1], s, mine, in_roundup):
            target = groups[-1]
        else:
            target = next((g for g in groups if _compatible(
                g, s, p, in_roundup, _apart(body, sents, g, s, cleaned.title is not None))), None)
        if target is None:
            target = Group()
            groups.append(target)
        target.signings.append(s)
        target.parties.append(p)

    author = find_author(sents, texts, signings[0].index) if any(first_person(texts[s.index]) for s in signings) \
        else None
    if author is not None:
        for g in groups:
            for s, p in zip(g.signings, g.parties, strict=True):
                # "Подписали соглашение губернатор X и ...": a subject after the verb is no first person
                subject = any(c in ("Nom", None) for person in p.people for _, c in person.name_tokens[-1:])
                if first_person(texts[s.index]) and not subject:
                    p.people.insert(0, author)
                    break

    # full names seen in the nominative teach the normalizer rare surnames
    known, full = [], []
    for sp in doc.spans:
        if sp.type == "PER" and len(sp.tokens) >= 2:
            cases = {(t.feats or {}).get("Case") for t in sp.tokens}
            if cases <= {"Nom", None}:
                known.append(sp.text)
            full.append(normalize_name([(t.text, (t.feats or {}).get("Case")) for t in sp.tokens], []))
    art = Article(body, cleaned.title, ref, sents, texts, _quoted_ranges(body), known, full, events, groups)

    found: list[Found] = []
    prev: Agreement | None = None
    for g in groups:
        explicit = _signing_date(art, g)[1]
        for a in _assemble(art, g, prev):
            if g.item and not (a.partners or a.countries):
                continue  # a numbered line that names no counterparty is no agreement of its own
            if a.regions or a.partners or a.countries:
                if prev is not None and not explicit and _same_sides(art, g, a, prev):
                    # "Кроме того, стороны подписали ...": the same people on the same occasion
                    a = replace(a, signatories=a.signatories or list(prev.signatories), date=prev.date or a.date)
                typed = any(x.doc_type for x in g.signings)
                found.append(Found(a, umbrella=g.plural and not g.item, explicit_date=explicit, typed=typed,
                                   tally=all(x.tally for x in g.signings)))
                prev = a
    return roundup(found)


SIDES = re.compile(r"\bсторон(?:ы|ами)\b", re.I)


def _same_sides(art: Article, g: Group, a: Agreement, prev: Agreement) -> bool:
    """The sentences call the parties "стороны" and name the previous agreement's sides, nobody new."""
    if not any(SIDES.search(art.texts[s.index]) for s in g.signings):
        return False
    if a.regions != prev.regions or not all(any(same_org(p, q) for q in prev.partners) for p in a.partners):
        return False
    return not a.signatories or {x.name for x in a.signatories} <= {x.name for x in prev.signatories}


def _window_parties(art: Article, indices: list[int]) -> list[SentenceParties]:
    return [analyze_sentence(art.sents[i], art.texts[i], None) for i in indices if 0 <= i < len(art.sents)]


def _assemble(art: Article, g: Group, prev: Agreement | None) -> list[Agreement]:
    """One agreement from a group of signing sentences (or one per region for "соглашения ... с регионами")."""
    idx = [s.index for s in g.signings]
    regions, partners, countries = _parties(art, g, prev)
    partners = merge_linked(prefer_short(partners, art.body), art.body)
    people = [person for p in g.parties for person in p.people] + _elliptic_signers(art, g)
    signatories = _signatories(people, art.known_names, art.full_names)
    signatories = add_unnamed_head(art.sents, art.texts, idx, signatories, regions, art.known_names)
    signed = [(s.index, person) for s, p in zip(g.signings, g.parties, strict=True) for person in p.people]
    signatories = resolve_pronoun_roles(art.texts, signed, signatories, partners, art.known_names)
    doc_type = next((s.doc_type for s in g.signings if s.doc_type), "соглашение")
    # a title shortens the event ("на ПМЭФ"); the body names it in full
    event = next((ev[0] for i in sorted(idx, key=lambda i: i == 0) if (ev := art.events.get(i))), None)
    when = _signing_date(art, g)[0]
    amount_sents = _amount_sentences(art, g)
    evidence = list(dict.fromkeys(art.texts[i] for i in idx))  # a title repeated in the body once
    plural = any(s.plural for s in g.signings)
    if plural and len(regions) <= 1 and len(partners) >= 2:
        # "губернатор подписал соглашения с ПАО «А» и АО «Б»": one agreement per company
        out = []
        for partner in partners:
            names = [partner.name, *partner.aliases]
            own = [s for s in signatories if s.role and any(n.casefold() in s.role.casefold() for n in names)]
            mine = {x.name for x in own}
            others = {x.name for x in signatories if x.role and x.name not in mine and any(
                n.casefold() in x.role.casefold() for p2 in partners if p2 is not partner for n in (p2.name, *p2.aliases))}
            shared = [s for s in signatories if s.name not in mine and s.name not in others]
            rivals = [n for p2 in partners if p2 is not partner for n in (p2.name, *p2.aliases)]
            amount = _near_amount(art.texts, amount_sents, names, rivals)
            out.append(Agreement(doc_type, regions, [partner], countries, shared + own, when, event, amount,
                                 evidence))
        return out
    if not (plural and len(regions) >= 2) or not (partners or countries):
        # regions with no one else are each other's party: "Калужская и Тульская области подписали соглашения"
        amount = _first_amount(art.texts, amount_sents)
        return [Agreement(doc_type, regions, partners, countries, signatories, when, event, amount, evidence)]

    # "Соглашения ... подписаны ... вице-губернатором Краснодарского края ..., губернатором Вологодской
    # области ...": one agreement per region, each with its own official and sum
    out = []
    for region in regions:
        own = [s for s in signatories if s.role and _role_region(s.role) == region]
        shared = [s for s in signatories if not s.role or _role_region(s.role) is None]
        amount = _region_amount(art.texts, amount_sents, region)
        out.append(Agreement(doc_type, [region], partners, countries, shared + own, when, event, amount,
                             evidence))
    return out


# "Со стороны банка — зампред правления Иван Иванов.": the verb of the sentence before is left out
ELLIPTIC_SIDE = re.compile(r"^\W*(?:а\s+)?со\s+стороны\s+[^—–.;]{2,80}?\s[—–-]\s", re.I)


def _elliptic_signers(art: Article, g: Group) -> list:
    """People of a verbless "Со стороны X — Y" sentence right after the group's signing sentence."""
    idx = {s.index for s in g.signings}
    others = {x.index for g2 in art.groups if g2 is not g for x in g2.signings}
    out = []
    for j in sorted({i + 1 for i in idx} - idx - others):
        if j < len(art.texts) and ELLIPTIC_SIDE.match(art.texts[j]):
            out += analyze_sentence(art.sents[j], art.texts[j], None).people
    return out


def _parties(art: Article, g: Group, prev: Agreement | None) -> tuple[list[str], list[Partner], list[str]]:
    """Regions, partners and countries: from the signing sentences, then their neighbours, then the article."""
    idx = [s.index for s in g.signings]
    regions = _uniq([r for p in g.parties for r in p.regions])
    countries = _uniq([c for p in g.parties for c in p.countries])
    explicit = {c for p in g.parties for c in p.explicit_countries}
    # "Область и ПАО «А» подписали ... Документ подписали ... директор АО «А-Сервис»": once the parties are
    # named as such, a company seen only in a signer's title is that signer's employer, not one more side
    free = [Partner(n, tuple(a)) for p in g.parties for n, a, in_role in p.partners if not in_role]
    partners = [Partner(n, tuple(a)) for p in g.parties for n, a, in_role in p.partners
                if not in_role or not free or any(same_org(Partner(n, tuple(a)), f) for f in free)]
    for name, country in (b for p in g.parties for b in p.foreign_bodies):
        if not country or country not in explicit:  # a unit acting for a state already named is that state
            partners.append(Partner(name))
    signal = any(p.regional_signal for p in g.parties)

    # what the signing sentences leave out, the sentences around them (and the title) often say
    window_places: list[str] = []
    if not regions or not (partners or countries):
        others = {x.index for g2 in art.groups if g2 is not g for x in g2.signings}  # another document's
        window = sorted({i for i in [idx[0] - 1, idx[-1] + 1, idx[-1] + 2] if i not in idx and i not in others})
        if art.title is not None and 0 not in idx:
            window.insert(0, 0)
        window = [i for i in window if 0 <= i < len(art.sents)]
        for wp_i, wp in zip(window, _window_parties(art, window), strict=True):
            window_places += wp.location_regions
            if not regions and wp.regions:
                regions = _uniq(wp.regions)
            # a lead of several documents ("подписал два документа") takes no counterparty from a title
            # that sums them up: its passages name each one's own
            # two regions that signed are each other's party; a meeting after the signing names no side
            if not (partners or countries) and (wp.partners or wp.countries) and not g.plural \
                    and len(regions) < 2 and not MEETING.search(art.texts[wp_i]):
                partners = [Partner(n, tuple(a)) for n, a, _ in wp.partners[:1]]
                countries = _uniq(wp.countries)
    if not regions:
        regions = _uniq([r for p in g.parties for r in p.city_regions])
    if not regions:
        regions = _uniq([r for p in g.parties for r in p.location_regions])[:1]
    if not regions and signal:
        regions = _uniq(window_places)[:1]
    if not regions and signal:  # "врио губернатора подписал": the region the article is about
        dom = _dominant_region(art.body)
        regions = [dom] if dom else []
    if not regions and not partners and not countries and prev is not None:
        # "Кроме того, подписано соглашение о ...": the same sides again
        regions, partners, countries = list(prev.regions), list(prev.partners), list(prev.countries)
    return regions, merge(partners), countries


MEETING = re.compile(r"\b(?:встрети\w+|встреча\w*|переговор\w*|обсуди\w+|обсужда\w+|посети\w+)\b", re.I)


def _signing_date(art: Article, g: Group) -> tuple[PartialDate | None, bool]:
    """An explicit date in the signing sentences, then relative words, then the publication date;
    and whether the sentences themselves gave it."""
    idx = [s.index for s in g.signings]
    when: PartialDate | None = None
    relative: PartialDate | None = None
    if any(s.recalled for s in g.signings):
        # a signing recalled from an earlier year: that year, never the publication date
        years = [m for s in g.signings if (m := PAST_YEAR.search(art.texts[s.index]))]
        last = art.ref.year - 1 if art.ref is not None and art.ref.year else None
        year = next((int(m["year"]) if m["year"] else last for m in years), None)
        return (PartialDate(year, None, None) if year else None), True
    for i in idx + [w.index for w in g.weak]:
        t = art.texts[i]
        for m in find_dates(t):
            if DEADLINE.search(t[max(0, m.start - 20): m.start]):
                continue  # "построить завод до 31 декабря 2025 года": a term, not the signing
            if m.value is not None and when is None and m.value.month is not None:
                when = resolve(m, art.ref)
            elif m.relative and relative is None and i in idx:
                relative = resolve(m, art.ref)
    if when is None:
        when = relative
    if when is None and ON_THAT_OCCASION.match(art.texts[idx[0]]) and idx[0] > 0:
        # "Вчера открылся форум. В ходе форума ... подписали": the occasion's date is the signing's
        others = {x.index for g2 in art.groups if g2 is not g for x in g2.signings}
        if idx[0] - 1 not in others:
            when = _sentence_date(art, idx[0] - 1)
    if when is None and SAME_DAY.search(art.texts[idx[0]]) and g in art.groups and art.groups.index(g) > 0:
        # "В тот же день стороны заключили ...": the day of the signing reported just before
        before, said = _signing_date(art, art.groups[art.groups.index(g) - 1])
        when = before if said else None
    if when is None:
        # "... подписали соглашение. Церемония прошла в понедельник", "В понедельник прошла церемония
        # подписания ... Документ подписали ...": the ceremony's date is the signing's
        others = {x.index for g2 in art.groups if g2 is not g for x in g2.signings}
        near = [k for j in idx for k in (j + 1, j - 1) if 0 <= k < len(art.texts) and k not in idx and k not in others]
        when = next((d for k in near if CEREMONY.search(art.texts[k]) and (d := _sentence_date(art, k))), None)
    explicit = when is not None
    # a signing reported as news happened on the publication date; one recalled in a quote did not
    if when is None and not all(art.in_quote(s) for s in g.signings):
        when = art.ref
    return when, explicit


# a signing sentence that points back at the occasion the previous sentence dated
ON_THAT_OCCASION = re.compile(
    r"^\s*(?:на\s+(?:нём|нем|ней|них)|там\s+же|тогда\s+же|в\s+тот\s+же\s+день|"
    r"(?:в\s+ходе|в\s+рамках|во\s+время|на\s+полях|по\s+итогам)\s+(?:эт\w+\s+)?"
    r"(?:форума|мероприятия|визита|встречи|сессии|выставки|конференции|переговоров|совещания|заседания))\b",
    re.I,
)

SAME_DAY = re.compile(r"^\W*(?:\w+\s+){0,2}?(?:в\s+тот\s+же\s+день|в\s+этот\s+же\s+день|тогда\s+же)\b", re.I)
# a sentence right after the signing that dates the ceremony itself
CEREMONY = re.compile(r"^\s*(?:Церемони[яи]|Подписание)\b|\bцеремони\w+\s+подписани", re.I)


def _sentence_date(art: Article, i: int) -> PartialDate | None:
    """The first date of sentence `i` that is not a term, explicit or relative."""
    t = art.texts[i]
    for m in find_dates(t):
        if DEADLINE.search(t[max(0, m.start - 20): m.start]):
            continue
        if (m.value is not None and m.value.month is not None) or m.relative:
            return resolve(m, art.ref)
    return None


def _amount_sentences(art: Article, g: Group) -> list[int]:
    """Sentences that may name the agreement's sum: its signing sentences and investment talk right after."""
    idx = [s.index for s in g.signings]
    others = {s.index for g2 in art.groups if g2 is not g for s in g2.signings}
    scope = list(idx)
    for j in idx:
        for i in range(j + 1, min(j + 1 + WINDOW_AFTER, len(art.texts))):
            if BACKGROUND.match(art.texts[i]) or i in others:
                break
            if i not in scope:
                scope.append(i)
    return sorted(i for i in scope if find_amounts(art.texts[i]) and (i in idx or _talks_investment(art.texts[i], g)))


def _talks_investment(t: str, g: Group) -> bool:
    """A sentence after the signing that speaks of this document's investment, not of a past total."""
    if PAST_TOTAL.search(t) or not (INVEST.search(t) or MENTIONS_DOC.search(t)):
        return False
    return g.plural or not SEVERAL_DOCS.search(t)


def _role_region(role: str) -> str | None:
    found = gz.find_regions(role)
    return found[0].region.name if found else None


def _first_amount(texts: list[str], indices: list[int]) -> Amount | None:
    for i in indices:
        found = find_amounts(texts[i])
        if found:
            return found[0].amount
    return None


def _near_amount(texts: list[str], indices: list[int], names: list[str], others: list[str] = ()) -> Amount | None:
    """The sum written after this organization's name and before the next organization's, in one sentence."""
    for i in indices:
        t = texts[i]
        low = t.casefold()
        for n in names:
            at = low.find(n.casefold())
            if at < 0:
                continue
            ends = [j for o in others if (j := low.find(o.casefold(), at + len(n))) > at]
            end = min(ends, default=len(t))
            found = [a for a in find_amounts(t) if at < a.start < end]
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
