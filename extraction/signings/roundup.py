"""Roundups: one signing of several documents ("подписал соглашения с тремя партнёрами") followed by
one passage per document. The passages are the agreements; the lead lends them what it says for all."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extraction.explain import Note
from extraction.finders import gazetteer as gz
from extraction.finders.orgs import same_org
from extraction.models import Agreement, Signatory


@dataclass(slots=True)
class Found:
    """An agreement as assembled from one group of sentences, with what the roundup pass needs."""

    agreement: Agreement
    umbrella: bool  # from a sentence reporting several documents at once
    explicit_date: bool  # the signing sentences gave the date themselves
    typed: bool  # the sentences named the document's kind
    tally: bool = False  # only counted documents ("подписал 15 соглашений"): no agreement unless it leads
    sentences: list[int] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def completed(self, agreement: Agreement, why: str, lead: Found | None = None, *,
                  explicit_date: bool | None = None, typed: bool | None = None) -> Found:
        """This passage with its agreement completed by the roundup, noted as such."""
        return Found(agreement, False, self.explicit_date if explicit_date is None else explicit_date,
                     self.typed if typed is None else typed, self.tally,
                     sorted({*self.sentences, *(lead.sentences if lead else ())}),
                     [*self.notes, Note("roundup", why, lead.sentences[0] if lead and lead.sentences else None)])


def _same_partners(a: Agreement, b: Agreement) -> bool:
    """One side's partners are all among the other's: a lead naming one of a trilateral document's partners
    ("подписал соглашения с А и Б" ... "трёхстороннее соглашение между регионом, Б и В") tells of it."""
    def within(x: Agreement, y: Agreement) -> bool:
        return all(any(same_org(p, q) for q in y.partners) for p in x.partners)

    return bool(a.partners) and bool(b.partners) and (within(a, b) or within(b, a))


def _same_pair(a: Agreement, lead: Agreement) -> bool:
    """"Первый документ, подписанный с губернатором Владимирской области ...": a passage on one of the
    two-region documents a lead split (no organization on either side)."""
    return not (a.partners or lead.partners or a.countries or lead.countries) and bool(a.regions) \
        and len(lead.regions) == 2 and set(a.regions) <= set(lead.regions)


def _add_people(people: list[Signatory], more: list[Signatory]) -> list[Signatory]:
    def key(s: Signatory) -> set[str]:
        return set(s.name.casefold().replace("ё", "е").split())

    out = list(people)
    for s in more:
        if not any(key(s) <= key(x) or key(x) <= key(s) for x in out):
            out.append(s)
    return out


def _lend(child: Found, lead: Found, lead_amount: bool) -> Agreement:
    """The child's agreement completed by the lead: regions, lead's signers, kind, date, event (and the
    sum when the lead wrote it for this very partner)."""
    c, u = child.agreement, lead.agreement
    lent = list(u.signatories)
    if _region_signed(c):  # the passage names who signed for the region: the lead's head did not
        lent = [s for s in lent if not (s.role and REGION_HEAD.match(s.role))]
    return replace(
        c,
        doc_type=c.doc_type if child.typed or not lead.typed else u.doc_type,
        regions=list(u.regions) if set(c.regions) <= set(u.regions) else c.regions,
        signatories=_add_people(lent, c.signatories),
        date=u.date if u.date is not None and lead.explicit_date and not child.explicit_date else c.date,
        event=c.event or u.event,
        amount=c.amount or (u.amount if lead_amount else None),
        evidence=list(dict.fromkeys(u.evidence + c.evidence)),
    )


def roundup(found: list[Found]) -> list[Found]:
    """Merge each document's passage with the lead that announced it; drop a lead its passages cover."""
    used: set[int] = set()
    out: list[Found] = []
    for k, f in enumerate(found):
        if f.umbrella:
            continue
        leads = [j for j in range(k) if found[j].umbrella and _regions_fit(f.agreement, found[j].agreement)]
        if not leads:
            out.append(f)
            continue
        a = f
        same = [j for j in leads if _same_partners(f.agreement, found[j].agreement)
                or _same_pair(f.agreement, found[j].agreement)]
        if same:  # the lead split per partner already: one agreement, the passage completes it
            j = same[-1]
            used.add(j)
            a = a.completed(_lend(a, found[j], lead_amount=True), "the lead of several documents, split per "
                            "partner, completes this passage", found[j],
                            explicit_date=a.explicit_date or found[j].explicit_date, typed=True)
        # two regions with no one else are an agreement of their own, not a lead
        bare = [j for j in leads if not (found[j].agreement.partners or found[j].agreement.countries)
                and len(found[j].agreement.regions) <= 1]
        if bare:  # "губернатор подписал соглашения с тремя партнёрами": the region's side of each
            j = bare[-1]
            used.add(j)
            # its sum, if any, is the total of all documents, not this one's
            a = a.completed(_lend(a, found[j], lead_amount=False), "the lead («подписал соглашения с тремя "
                            "партнёрами») lends its region, signers, kind and date", found[j],
                            explicit_date=a.explicit_date or found[j].explicit_date, typed=True)
        elif not same:
            # "Глава региона X подписал три соглашения ... Первое — с банком ...": the head who signed them
            # all signs each, unless the passage names who signed for the region
            heads = [s for j in leads if found[j].agreement.regions for s in found[j].agreement.signatories
                     if s.role and REGION_HEAD.match(s.role)]
            c = a.agreement
            if heads and c.regions and not _region_signed(c) \
                    and not any(s.role and REGION_HEAD.match(s.role) for s in c.signatories):
                a = a.completed(replace(c, signatories=_add_people(heads[-1:], c.signatories)),
                                "the region's head who signed every document of the roundup signs this one")
        dated = [j for j in leads if found[j].explicit_date and found[j].agreement.date is not None]
        if not a.explicit_date and dated:
            # "Вчера ... подписал два документа. ... Также X и Y подписали ...": the lead's day is every passage's
            a = a.completed(replace(a.agreement, date=found[dated[-1]].agreement.date),
                            "the lead's date is every passage's", found[dated[-1]], explicit_date=True)
        out.append(a)
    # leads whose documents got no passage of their own stay as they are
    rest = [(k, f) for k, f in enumerate(found) if f.umbrella and k not in used and not f.tally]
    merged = list(zip([k for k, f in enumerate(found) if not f.umbrella], out, strict=True))
    return _head_again([a for _, a in sorted(rest + merged, key=lambda x: x[0])])


REGION_HEAD = re.compile(r"\b(?:губернатор\w*|глав[аыеу]\b|врио|премьер\w*|мэр\w*|председател\w+\s+правительств\w+)", re.I)
# "Также глава региона заключил соглашение": the region's head, named earlier, signs again
BARE_HEAD = re.compile(
    r"\b(?:губернатор\w*|глав[аыеу])(?:\s+(?:региона|области|края|республики|округа|субъекта))?"
    r"(?=\s+(?:также\s+)?(?:подписал|заключил|поставил|скрепил)|\s+и\s|\s*$|[,.])",
    re.I,
)


# "со стороны региона документ подписал вице-губернатор X": the region's signer is named for its side
REGION_SIDE = re.compile(
    r"\bсо\s+стороны\s+(?:региона|области|края|республики|округа|субъекта|правительства|администрации)\b"
    r"(?P<clause>[^,;.—–]*[,;.—–]?)",
    re.I,
)


# "сообщила пресс-служба губернатора", "в присутствии губернатора": the head is named, not signing
NOT_SIGNER = re.compile(
    r"\b(?:пресс-служб\w*|аппарат\w*|администраци\w+|при\s+участии|в\s+присутствии|по\s+словам)\s+"
    r"(?:врио\s+)?(?:губернатор|глав)\w*(?:\s+(?:региона|области|края|республики|округа))?",
    re.I,
)


# "министр сельского хозяйства", "вице-губернатор": an official who signs for the region in the head's stead
REGION_OFFICIAL = re.compile(
    r"^(?:перв\w+\s+)?(?:министр|вице-губернатор|вице-премьер|заместител\w+\s+(?:губернатора|председателя\s+"
    r"правительства|главы)|зампред\w*\s+правительства|руководител\w+\s+(?:департамента|управления|агентства))",
    re.I,
)


def _region_official(role: str) -> bool:
    """A regional official's title, not a company's ("министр" of a ministry, no quoted company name)."""
    return bool(REGION_OFFICIAL.match(role)) and "«" not in role and not re.search(r"\bРФ\b|Росси", role) \
        and not gz.find_countries(role)


def _region_signed(a: Agreement) -> bool:
    """The agreement's own sentences name the region's signer: "со стороны региона подписал", a minister."""
    return _side_named(a.evidence) or any(s.role and _region_official(s.role) for s in a.signatories)


def _side_named(evidence: list[str]) -> bool:
    """The sentences say who signed for the region, and it is not its head by title alone."""
    return any(not BARE_HEAD.search(m["clause"]) for e in evidence for m in REGION_SIDE.finditer(e))


def _head_again(found: list[Found]) -> list[Found]:
    """An agreement whose sentences name the region's head by title only gets that head from an earlier one."""
    out: list[Found] = []
    for f in found:
        a = f.agreement
        has_head = any(s.role and REGION_HEAD.match(s.role) for s in a.signatories)
        if a.regions and not has_head and not _side_named(a.evidence) \
                and any(BARE_HEAD.search(NOT_SIGNER.sub(" ", e)) for e in a.evidence):
            head = next((s for b in reversed(out) if b.agreement.regions == a.regions
                         for s in b.agreement.signatories if s.role and REGION_HEAD.match(s.role)), None)
            if head is not None:
                f = f.completed(replace(a, signatories=_add_people([head], a.signatories)),
                                f"the head named by title only: {head.name}, from an earlier agreement")
        out.append(f)
    return out


def _regions_fit(child: Agreement, lead: Agreement) -> bool:
    return not child.regions or not lead.regions or set(child.regions) <= set(lead.regions)
