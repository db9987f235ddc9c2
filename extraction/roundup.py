"""Roundups: one signing of several documents ("подписал соглашения с тремя партнёрами") followed by
one passage per document. The passages are the agreements; the lead lends them what it says for all."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .models import Agreement, Signatory
from .orgs import same_org


@dataclass(slots=True)
class Found:
    """An agreement as assembled from one group of sentences, with what the roundup pass needs."""

    agreement: Agreement
    umbrella: bool  # from a sentence reporting several documents at once
    explicit_date: bool  # the signing sentences gave the date themselves
    typed: bool  # the sentences named the document's kind
    tally: bool = False  # only counted documents ("подписал 15 соглашений"): no agreement unless it leads


def _same_partners(a: Agreement, b: Agreement) -> bool:
    return bool(a.partners) and bool(b.partners) and all(
        any(same_org(p, q) for q in b.partners) for p in a.partners
    )


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
    return replace(
        c,
        doc_type=c.doc_type if child.typed or not lead.typed else u.doc_type,
        regions=c.regions or u.regions,
        signatories=_add_people(list(u.signatories), c.signatories),
        date=u.date if u.date is not None and lead.explicit_date and not child.explicit_date else c.date,
        event=c.event or u.event,
        amount=c.amount or (u.amount if lead_amount else None),
        evidence=list(dict.fromkeys(u.evidence + c.evidence)),
    )


def roundup(found: list[Found]) -> list[Agreement]:
    """Merge each document's passage with the lead that announced it; drop a lead its passages cover."""
    used: set[int] = set()
    out: list[Agreement] = []
    for k, f in enumerate(found):
        if f.umbrella:
            continue
        leads = [j for j in range(k) if found[j].umbrella and _regions_fit(f.agreement, found[j].agreement)]
        if not leads:
            out.append(f.agreement)
            continue
        a = f
        same = [j for j in leads if _same_partners(f.agreement, found[j].agreement)]
        if same:  # the lead split per partner already: one agreement, the passage completes it
            j = same[-1]
            used.add(j)
            a = Found(_lend(a, found[j], lead_amount=True), False, a.explicit_date or found[j].explicit_date, True)
        # two regions with no one else are an agreement of their own, not a lead
        bare = [j for j in leads if not (found[j].agreement.partners or found[j].agreement.countries)
                and len(found[j].agreement.regions) <= 1]
        if bare:  # "губернатор подписал соглашения с тремя партнёрами": the region's side of each
            j = bare[-1]
            used.add(j)
            # its sum, if any, is the total of all documents, not this one's
            a = Found(_lend(a, found[j], lead_amount=False), False, a.explicit_date or found[j].explicit_date, True)
        dated = [j for j in leads if found[j].explicit_date and found[j].agreement.date is not None]
        if not a.explicit_date and dated:
            # "Вчера ... подписал два документа. ... Также X и Y подписали ...": the lead's day is every passage's
            a = Found(replace(a.agreement, date=found[dated[-1]].agreement.date), False, True, a.typed)
        out.append(a.agreement)
    # leads whose documents got no passage of their own stay as they are
    rest = [(k, f.agreement) for k, f in enumerate(found) if f.umbrella and k not in used and not f.tally]
    merged = [(k, a) for k, a in zip([k for k, f in enumerate(found) if not f.umbrella], out, strict=True)]
    return _head_again([a for _, a in sorted(rest + merged, key=lambda x: x[0])])


REGION_HEAD = re.compile(r"\b(?:губернатор\w*|глав[аыеу]\b|врио|премьер\w*|мэр\w*|председател\w+\s+правительств\w+)", re.I)
# "Также глава региона заключил соглашение": the region's head, named earlier, signs again
BARE_HEAD = re.compile(
    r"\b(?:губернатор\w*|глав[аыеу])(?:\s+(?:региона|области|края|республики|округа|субъекта))?"
    r"(?=\s+(?:также\s+)?(?:подписал|заключил|поставил|скрепил)|\s+и\s|\s*$|[,.])",
    re.I,
)


def _head_again(agreements: list[Agreement]) -> list[Agreement]:
    """An agreement whose sentences name the region's head by title only gets that head from an earlier one."""
    out: list[Agreement] = []
    for a in agreements:
        has_head = any(s.role and REGION_HEAD.match(s.role) for s in a.signatories)
        if a.regions and not has_head and any(BARE_HEAD.search(e) for e in a.evidence):
            head = next((s for b in reversed(out) if b.regions == a.regions for s in b.signatories
                         if s.role and REGION_HEAD.match(s.role)), None)
            if head is not None:
                a = replace(a, signatories=_add_people([head], a.signatories))
        out.append(a)
    return out


def _regions_fit(child: Agreement, lead: Agreement) -> bool:
    return not child.regions or not lead.regions or set(child.regions) <= set(lead.regions)
