"""The extraction pipeline, one step a module:

1. `article.read_article`: clean the page (`cleaning`), one natasha pass (`nlp`);
2. `signing.find_signings`: the sentences that report a document as signed, near-misses turned down;
3. `grouping.group_signings`: which of them tell of the same document;
4. `assemble.assemble_all`: each group's fields (`fill_parties`, `fill_signatories`, `fill_date`,
   `fill_amount`, `fill_event`), split per partner or region when several documents are reported;
5. `roundup.roundup`: passages of a roundup completed by the lead that announced them;
6. `checks.turn_down`: agreements that are no region's agreement, or a list rather than a signing;
7. `learned.apply`: the learned scorer keeps or drops each candidate agreement and its sides, and gives
   each agreement its calibrated confidence (`features` computes what it looks at).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from extraction.explain import Explained, Explanation, Rejected
from extraction.fields.assemble import assemble_all
from extraction.fields.checks import turn_down
from extraction.fields.fill_date import with_event_year
from extraction.fields.fill_signatories import add_author
from extraction.learning.features import Context
from extraction.learning.learned import apply, scorer
from extraction.models import Agreement
from extraction.reading.article import read_article
from extraction.signings.doubtful import doubtful, near_signing
from extraction.signings.grouping import group_signings
from extraction.signings.roundup import roundup
from extraction.signings.signing import find_signings


def sides(a: Agreement) -> str:
    return "; ".join(a.regions + [p.name for p in a.partners] + a.countries) or "no side"


def candidates(text: str, published: date | str | None = None,
               near_misses: bool = False) -> tuple[Explanation, Context | None]:
    """What the rules propose, before the learned scorer: the agreements and what scoring them needs.
    With `near_misses`, softly turned-down sentences are assembled too (`doubtful`), for the scorer to judge."""
    art = read_article(text, published)
    if art is None:
        return Explanation(), None
    out = Explanation(sentences=art.texts)
    signings, rejected = find_signings(art.texts)
    out.rejected += [Rejected(i, why) for i, why in rejected]
    if not signings and not (near_misses and rejected):
        return out, None
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
    by_index = {s.index: s for s in signings}
    if near_misses:
        for e in doubtful(art, rejected, [e.agreement for e in out.agreements]):
            out.agreements.append(e)
            by_index.setdefault(e.sentences[0], near_signing(art.texts[e.sentences[0]], e.sentences[0]))
    if not out.agreements:
        return out, None
    return out, Context(art, {i: s for i, s in by_index.items() if s is not None}, len(out.agreements),
                        len(rejected))


def explain(text: str, published: date | str | None = None) -> Explanation:
    """Every agreement the article reports as signed, with the account of how each was found."""
    sc = scorer()
    out, ctx = candidates(text, published, near_misses=sc is not None)
    if ctx is None or sc is None:
        return out
    return apply(ctx, out, sc)


def extract(text: str, published: date | str | None = None) -> list[Agreement]:
    """Every agreement the article reports as signed."""
    return [e.agreement for e in explain(text, published).agreements]
