"""Near-misses as candidates: a sentence a rule turned down (a recollection, a nominal "церемония подписания",
a plan) is assembled like any signing and handed to the learned scorer with the reason it was turned down.

Only the scorer can let such a candidate through; with the model off they stay turned down, as before.
"""

from __future__ import annotations

from extraction.explain import Explained, Note
from extraction.fields.assemble import assemble
from extraction.fields.checks import turn_down
from extraction.finders.mentions import analyze_sentence
from extraction.models import Agreement
from extraction.reading.article import Article
from extraction.signings.group import Group
from extraction.signings.signing import DOC, DOC_TYPE, FUTURE, SIGNED, Signing

# turned down for a reason the text may still contradict; tallies, disputes and labour contracts are final
SOFT = ("an earlier signing recalled", "not signed (yet)", "a signing recalled in a clause",
        "an earlier signing named in passing")
MAX_PER_ARTICLE = 4


def near_signing(text: str, index: int) -> Signing | None:
    """A Signing for a turned-down sentence: its document noun nearest the predicate."""
    pred = SIGNED.search(text) or FUTURE.search(text)
    docs = [d for d in DOC.finditer(text) if d.lastgroup != "doc"]
    if pred is None or not docs:
        return None
    best = min(docs, key=lambda d: abs(d.start() - pred.start()))
    return Signing(index, DOC_TYPE[best.lastgroup], None, False, True, False, pred.start(), False)


def _overlaps(a: Agreement, taken: list[Agreement]) -> bool:
    return any(set(a.regions) & set(b.regions) and (
        {p.name for p in a.partners} & {p.name for p in b.partners} or set(a.countries) & set(b.countries)
        or not (a.partners or a.countries)) for b in taken)


def doubtful(art: Article, rejected: list[tuple[int, str]], taken: list[Agreement]) -> list[Explained]:
    """Candidates from softly turned-down sentences that tell of no agreement already found."""
    used = {i for g in art.groups for i in g.indices}
    out: list[Explained] = []
    for i, why in rejected:
        if i in used or not why.startswith(SOFT) or len(out) >= MAX_PER_ARTICLE:
            continue
        s = near_signing(art.texts[i], i)
        if s is None:
            continue
        g = Group([s], [analyze_sentence(art.sents[i], art.texts[i], None)], why="a near-miss as a candidate")
        for a, notes in assemble(art, g, None):
            if turn_down(a, art) or not (a.partners or a.countries) and len(a.regions) < 2:
                continue
            if _overlaps(a, taken + [e.agreement for e in out]):
                continue
            out.append(Explained(a, [i], [Note("doubt", why, i), *notes]))
    return out
