"""Which stored agreement a mention speaks of: a pure decision over candidate agreements.

Same partner (or, without one, the same foreign country), a shared region when the mention names
one, the same year when it gives one; exactly one agreement left, or none is chosen: a wrong link
is worse than no link.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from db.normalize import fold, org_key
from extraction.history.models import Mention

# partner keys this alike are one organization written two ways ("газпром нефть" / "газпром нефти")
FUZZY_RATIO = 90.0
FUZZY_MIN_CHARS = 5


@dataclass(slots=True)
class Sides:
    """What a mention or an agreement names, as keys: folded regions and countries, organization keys."""

    regions: set[str] = field(default_factory=set)
    partners: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    year: int | None = None


@dataclass(slots=True)
class Candidate:
    """A stored agreement the mention may speak of."""

    agreement_id: int
    sides: Sides


def mention_sides(m: Mention) -> Sides:
    partners = {k for p in m.partners for k in (org_key(n) for n in (p.name, *p.aliases)) if k}
    return Sides(
        {fold(r) for r in m.regions}, partners, {fold(c) for c in m.countries}, m.year
    )


def same_partner(a: Iterable[str], b: Iterable[str]) -> bool:
    """Any key of `a` is a key of `b`, or nearly so (inflection, a stray letter)."""
    b = set(b)
    for x in a:
        if x in b:
            return True
        for y in b:
            if min(len(x), len(y)) >= FUZZY_MIN_CHARS and fuzz.ratio(x, y) >= FUZZY_RATIO:
                return True
    return False


def pick(mention: Sides, candidates: Sequence[Candidate], exclude: Iterable[int] = ()) -> int | None:
    """The one candidate the mention speaks of, or None (no side to match, none left, or a tie)."""
    skip = set(exclude)
    left = [c for c in candidates if c.agreement_id not in skip]
    if mention.partners:
        left = [c for c in left if same_partner(mention.partners, c.sides.partners)]
    elif mention.countries:
        left = [c for c in left if mention.countries & c.sides.countries and not c.sides.partners]
    else:
        return None
    if mention.regions:
        left = [c for c in left if mention.regions & c.sides.regions]
    if mention.year is not None:
        left = [c for c in left if c.sides.year == mention.year]
    ids = {c.agreement_id for c in left}
    return ids.pop() if len(ids) == 1 else None
