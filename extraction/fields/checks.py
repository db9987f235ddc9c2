"""Last checks on an assembled agreement: is it a Russian region's agreement at all?"""

from __future__ import annotations

import re

from extraction.finders import gazetteer as gz
from extraction.models import Agreement
from extraction.reading.article import Article

# a head of state or government, whose signature makes a treaty between states
STATE_HEAD = re.compile(r"^(?:президент|премьер|председател\w+\s+(?:правительства|госсовета|кнр)|канцлер|корол|"
                        r"эмир|султан|шейх|министр\s+иностранных)", re.I)
REGION_ROLE = re.compile(r"\b(?:губернатор|глав[аыеу]\s+(?:региона|области|края|республики|города)|мэр|врио|"
                         r"вице-губернатор)", re.I)


def _regional(role: str | None) -> bool:
    return bool(role) and (bool(REGION_ROLE.search(role)) or bool(gz.find_regions(role)))


# "Президенты России и Казахстана подписали ...": the state's leaders, not a region's
RUSSIAN_LEADER = re.compile(r"\b(?:президент\w*|премьер-министр\w*|председател\w+\s+правительства)\s+"
                            r"(?:России|РФ|Российской\s+Федерации)\b", re.I)
# "российско-монгольское соглашение": a document between the states
INTERSTATE = re.compile(r"\bроссийско-[а-яё]+(?:ое|ий|ая|ого|ому|ым|ом|ую)\s+(?:межправительственн\w+\s+)?"
                        r"(?:соглашени|меморандум|договор|протокол)\w*", re.I)


# several regions sign one document now and then (the six of «Золотое кольцо»); more than this many
# named together are suspected to be a list rather than its parties: the agreement is still reported,
# and the store keeps it hidden with a report for the admins (db.write.store), who decide
MAX_REGIONS = 8
MAX_PARTNERS = 12


def suspected_list(a: Agreement) -> bool:
    """More regions than one signing has: likely a list of participants; held for an admin's review."""
    return len(a.regions) > MAX_REGIONS


def turn_down(a: Agreement, art: Article) -> str | None:
    """Why `a` is no agreement to report, or None (a suspected list of regions is reported: see above)."""
    if len(a.partners) > MAX_PARTNERS:
        return (f"{len(a.regions)} regions and {len(a.partners)} organizations as the sides of one document: "
                "a list, not the parties of a signing")
    if not a.regions:
        return "no Russian region is a party: a deal between companies, or between states"
    if any(INTERSTATE.search(t) for t in a.evidence) and not any(
            m.region.name in a.regions for t in a.evidence for m in gz.find_regions(t, adjectives=True)):
        return "an interstate document («российско-монгольское соглашение») with no region named in its sentences"
    if a.countries and not a.partners and not any(_regional(s.role) for s in a.signatories) \
            and any(RUSSIAN_LEADER.search(t) for t in a.evidence):
        return "Russia's head of state or government signs with a foreign state: a treaty between states"
    if a.countries and not a.partners and any(s.role and STATE_HEAD.match(s.role) for s in a.signatories) \
            and not any(_regional(s.role) for s in a.signatories):
        return "a foreign head of state signs and no regional official does: a treaty between states"
    return None
