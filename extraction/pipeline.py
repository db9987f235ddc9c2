"""The extraction pipeline, one step a module:

1. `article.read_article`: clean the page (`cleaning`), one natasha pass (`nlp`);
2. `signing.find_signings`: the sentences that report a document as signed, near-misses turned down;
3. `grouping.group_signings`: which of them tell of the same document;
4. `assemble.assemble_all`: each group's fields (`fill_parties`, `fill_signatories`, `fill_date`,
   `fill_amount`, `fill_event`), split per partner or region when several documents are reported;
5. `roundup.roundup`: passages of a roundup completed by the lead that announced them;
6. `checks.turn_down`: agreements that are no region's agreement, or a list rather than a signing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from .article import read_article
from .assemble import assemble_all
from .checks import turn_down
from .explain import Explained, Explanation, Rejected
from .fill_date import with_event_year
from .fill_signatories import add_author
from .grouping import group_signings
from .models import Agreement
from .roundup import roundup
from .signing import find_signings


def sides(a: Agreement) -> str:
    return "; ".join(a.regions + [p.name for p in a.partners] + a.countries) or "no side"


def explain(text: str, published: date | str | None = None) -> Explanation:
    """Every agreement the article reports as signed, with the account of how each was found."""
    art = read_article(text, published)
    if art is None:
        return Explanation()
    out = Explanation(sentences=art.texts)
    signings, rejected = find_signings(art.texts)
    out.rejected += [Rejected(i, why) for i, why in rejected]
    if not signings:
        return out
    group_signings(art, signings)
    add_author(art, signings)
    found, dropped = assemble_all(art)
    out.rejected += [Rejected(None, why, sides(a)) for a, why in dropped]
    for f in roundup(found):
        if (dated := with_event_year(f.agreement.date, f.agreement.event)) is not None:
            f = f.completed(replace(f.agreement, date=dated), "the year of the event's name («ПМЭФ-2023») "
                            "completes a date written without one")
        why = turn_down(f.agreement, art)
        if why:
            out.rejected.append(Rejected(f.sentences[0] if f.sentences else None, why, sides(f.agreement)))
        else:
            out.agreements.append(Explained(f.agreement, f.sentences, f.notes))
    return out


def extract(text: str, published: date | str | None = None) -> list[Agreement]:
    """Every agreement the article reports as signed."""
    return [e.agreement for e in explain(text, published).agreements]
