"""Fill an agreement's sides: regions, partners and countries, from its signing sentences, then their
neighbours and the title, then the article as a whole."""

from __future__ import annotations

import re
from collections import Counter

from extraction.explain import Note
from extraction.finders import gazetteer as gz
from extraction.finders.mentions import SentenceParties
from extraction.finders.orgs import merge, merge_linked, prefer_short, same_org
from extraction.models import Agreement, Partner
from extraction.reading.article import Article
from extraction.signings.group import Group
from extraction.signings.occasion import Occasion

MEETING = re.compile(r"\b(?:встрети\w+|встреча\w*|переговор\w*|обсуди\w+|обсужда\w+|посети\w+)\b", re.I)


RUSSIA = {"россия", "российская федерация", "рф"}


def uniq(items: list[str]) -> list[str]:
    """Items in order, each once (case and ё folded)."""
    seen: set[str] = set()
    out = []
    for x in items:
        k = x.casefold().replace("ё", "е")
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out


def dominant_region(text: str) -> str | None:
    counts = Counter(m.region.name for m in gz.find_regions(text))
    return counts.most_common(1)[0][0] if counts else None


def article_region(art: Article) -> str | None:
    """The one region the article is about as an actor ("делегация Пермского края", "для региона"), not
    as a place ("в Калининграде"): named so at least twice, or in the title, and more than any other."""
    top = art.region_counts().most_common(2)
    if not top or (len(top) == 2 and top[1][1] == top[0][1]) or top[0][1] < 2:
        return None
    return top[0][0]


def _window_parties(art: Article, indices: list[int]) -> list[SentenceParties]:
    return [art.parties_at(i) for i in indices if 0 <= i < len(art.sents)]


def _first_with(g: Group, has) -> int | None:
    return next((s.index for s, p in zip(g.signings, g.parties, strict=True) if has(p)), None)


def _foreign_towns(art: Article, g: Group) -> list[tuple[str, str]]:
    """Unknown towns named as sides, each with its state: its own adjective or "находящимся в ...", else
    the one foreign state the article names (no state, no foreign town: it may be a Russian one)."""
    towns = [t for p in g.parties for t in p.foreign_towns]
    if not towns:
        return []
    states = uniq([c.country.name for c in gz.find_countries(art.body)])
    out = []
    for name, state in towns:
        state = state or (states[0] if len(states) == 1 else None)
        if state and name not in [n for n, _ in out]:
            out.append((name, state))
    return out


def fill_parties(art: Article, g: Group, prev: Agreement | None, occasion: Occasion | None,
                 notes: list[Note]) -> tuple[list[str], list[Partner], list[str]]:
    """Regions, partners and countries of the group's document; each choice is noted in `notes`."""
    idx = g.indices
    regions = uniq([r for p in g.parties for r in p.regions])
    countries = uniq([c for p in g.parties for c in p.countries])
    if regions:
        notes.append(Note("regions", "named as a party in the signing sentence", _first_with(g, lambda p: p.regions)))
    if countries:
        notes.append(Note("countries", "a foreign state, or the state of a foreign unit, in the signing sentence",
                          _first_with(g, lambda p: p.countries)))
    explicit = {c for p in g.parties for c in p.explicit_countries}
    # "Область и ПАО «А» подписали ... Документ подписали ... директор АО «А-Сервис»": once the parties are
    # named as such, a company seen only in a signer's title is that signer's employer, not one more side
    free = [Partner(n, tuple(a)) for p in g.parties for n, a, in_role in p.partners if not in_role]
    partners = [Partner(n, tuple(a)) for p in g.parties for n, a, in_role in p.partners
                if not in_role or not free or any(same_org(Partner(n, tuple(a)), f) for f in free)]
    for name, country in (b for p in g.parties for b in p.foreign_bodies):
        if not country or country not in explicit:  # a unit acting for a state already named is that state
            partners.append(Partner(name))
    if partners:
        notes.append(Note("partners", "organizations named in the signing sentence (a signer's employer too)",
                          _first_with(g, lambda p: p.partners or p.foreign_bodies)))
    if not partners:
        towns = _foreign_towns(art, g)
        if towns:
            partners = [Partner(t) for t, _ in towns]
            countries = uniq(countries + [c for _, c in towns])
            notes.append(Note("partners", "a town no list knows, named as a side, in a state the text names",
                              idx[0]))
    if occasion is not None and not partners and len(regions) < 2:
        # "... встретился с председателем Минского горисполкома. Стороны заключили меморандум"
        met = occasion.parties
        partners = [Partner(n, tuple(a)) for n, a, _ in met.partners] + [Partner(n) for n, _ in met.foreign_bodies]
        countries = uniq(countries + met.countries)
        if not regions:
            regions = uniq(met.regions)
        if partners or met.regions:
            notes.append(Note("partners", "no counterparty in the signing sentences: the bodies of the meeting "
                              "told next to them (the people's titles too)", occasion.index))
    signal = any(p.regional_signal for p in g.parties)

    cities = uniq([r for p in g.parties for r in p.city_regions])
    if not regions and len(cities) >= 2:
        # "Между Иркутском и Улан-Удэ подписано соглашение": two cities are each other's party, whatever
        # region the sentences around name
        regions = cities
        notes.append(Note("regions", "two cities named as the parties: their regions", idx[0]))
    # what the signing sentences leave out, the sentences around them (and the title) often say
    window_places: list[str] = []
    if not regions or not (partners or countries):
        others = art.other_signings(g)
        window = sorted({i for i in [idx[0] - 1, idx[-1] + 1, idx[-1] + 2] if i not in idx and i not in others})
        if art.title is not None and 0 not in idx:
            window.insert(0, 0)
        window = [i for i in window if 0 <= i < len(art.sents)]
        for wp_i, wp in zip(window, _window_parties(art, window), strict=True):
            window_places += wp.location_regions
            if not regions and wp.regions:
                regions = uniq(wp.regions)
                notes.append(Note("regions", "not in the signing sentence: taken from a neighbour or the title", wp_i))
            # a lead of several documents ("подписал два документа") takes no counterparty from a title
            # that sums them up: its passages name each one's own
            # two regions that signed are each other's party; a meeting after the signing names no side
            if not (partners or countries) and (wp.partners or wp.countries) and not g.plural \
                    and len(regions) < 2 and not MEETING.search(art.texts[wp_i]):
                partners = [Partner(n, tuple(a)) for n, a, _ in wp.partners[:1]]
                countries = uniq(wp.countries)
                notes.append(Note("partners", "not in the signing sentence: the first one of a neighbour or the title",
                                  wp_i))
    if not regions:
        regions = uniq([r for p in g.parties for r in p.city_regions])
        if regions:
            notes.append(Note("regions", "a regional capital named as a party", idx[0]))
    if not regions and (signal or len(partners) == 1):
        # "в Москве подписали": a place is a party only next to a regional body or one company, never for a
        # state's visit ("во время визита президента Ирана в Москву") nor between two companies
        regions = uniq([r for p in g.parties for r in p.location_regions])[:1]
        if regions:
            notes.append(Note("regions", "only a place («в Казани») in the signing sentence: its region", idx[0]))
    if not regions and signal:
        regions = uniq(window_places)[:1]
        if regions:
            notes.append(Note("regions", "a regional body without a name; the place named next to it"))
    if not regions and signal:  # "врио губернатора подписал": the region the article is about
        dom = dominant_region(art.body)
        regions = [dom] if dom else []
        if regions:
            notes.append(Note("regions", "a regional body without a name; the region the article names most"))
    if not regions and (partners or countries):
        top = article_region(art)
        if top:
            regions = [top]
            notes.append(Note("regions", "no region in or around the signing sentences: the one region the "
                                         "article names as an actor, not a place"))
    if not regions and partners and len(set(window_places)) == 1:
        regions = window_places[:1]
        notes.append(Note("regions", "no region named as a party: the one place named around the signing"))
    if not regions and not partners and not countries and prev is not None:
        # "Кроме того, подписано соглашение о ...": the same sides again
        regions, partners, countries = list(prev.regions), list(prev.partners), list(prev.countries)
        notes.append(Note("sides", "no side named: the previous agreement's sides"))
    partners = merge_linked(prefer_short(merge(partners), art.body), art.body)
    # "в присутствии президентов России и Узбекистана": Russia itself is no counterparty of its region
    partners = [p for p in partners if p.name.casefold().replace("ё", "е") not in RUSSIA]
    return regions, partners, countries
