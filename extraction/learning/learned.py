"""The learned scorer: small logistic models, trained by `python -m extraction.train`, that decide among the
candidates the rules propose and give each agreement a calibrated confidence.

The model is a JSON file of coefficients (extraction/data/scorer.json) read once per process, on first use,
and computed with plain Python: no scikit-learn at run time. EXTRACTION_MODEL=off (or a missing file) leaves
the rules alone, with a warning for a missing file.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path

from extraction.explain import Explanation, Note, Rejected
from extraction.learning.features import (
    Context,
    Features,
    agreement_features,
    extra_partners,
    mention_features,
    predicate,
    predicate_kind,
)

log = logging.getLogger(__name__)

DOUBT_THRESHOLD = 0.5  # a near-miss the rules turned down needs the scorer's positive verdict
MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "scorer.json"


@dataclass(frozen=True, slots=True)
class Linear:
    """One logistic model: weights by feature name, a decision threshold and a calibration map."""

    intercept: float
    weights: dict[str, float]
    threshold: float = 0.5
    cal_x: tuple[float, ...] = ()  # raw probabilities, ascending
    cal_y: tuple[float, ...] = ()  # observed precision at each of them (out-of-fold)
    doubt_threshold: float = DOUBT_THRESHOLD  # what a near-miss the rules turned down must reach
    add_threshold: float = 2.0  # what a candidate the rules did not propose must reach (2: never added)

    def prob(self, f: Features) -> float:
        z = self.intercept + sum(v * self.weights.get(k, 0.0) for k, v in f.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def calibrated(self, p: float) -> float:
        """The out-of-fold precision of candidates scored like `p` (linear between the map's points)."""
        xs, ys = self.cal_x, self.cal_y
        if not xs:
            return p
        if p <= xs[0]:
            return ys[0]
        if p >= xs[-1]:
            return ys[-1]
        k = bisect_right(xs, p)
        x0, x1, y0, y1 = xs[k - 1], xs[k], ys[k - 1], ys[k]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (p - x0) / (x1 - x0)

    @classmethod
    def from_dict(cls, d: dict) -> Linear:
        cal = d.get("calibration") or {}
        return cls(float(d["intercept"]), {k: float(v) for k, v in d["weights"].items()},
                   float(d.get("threshold", 0.5)), tuple(cal.get("x", ())), tuple(cal.get("y", ())),
                   max(DOUBT_THRESHOLD, float(d.get("doubt_threshold", DOUBT_THRESHOLD))),
                   max(0.5, float(d.get("add_threshold", 2.0))))


@dataclass(slots=True)
class Scorer:
    """The models by candidate kind: "agreement", "partner", "signatory", "region"."""

    models: dict[str, Linear] = field(default_factory=dict)

    def get(self, kind: str) -> Linear | None:
        return self.models.get(kind)


_lock = threading.Lock()
_scorer: Scorer | None = None
_loaded = False


def enabled() -> bool:
    return os.environ.get("EXTRACTION_MODEL", "on").strip().lower() not in ("off", "0", "no", "rules")


def load(path: Path = MODEL_FILE) -> Scorer | None:
    """The scorer from `path`, or None (with a warning) when the file is missing or unreadable."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        log.warning("no learned scorer at %s: extraction falls back to the rules alone", path)
        return None
    except (OSError, ValueError) as exc:
        log.warning("learned scorer %s unreadable (%s): the rules alone", path, exc)
        return None
    return Scorer({k: Linear.from_dict(v) for k, v in raw["models"].items()})


def scorer() -> Scorer | None:
    """The process's scorer, loaded once on first use; None when disabled or missing."""
    global _scorer, _loaded
    if not enabled():
        return None
    if not _loaded:
        with _lock:
            if not _loaded:
                _scorer = load()
                _loaded = True
    return _scorer


def _keep(kind: str, model: Linear | None, ctx: Context, e, items: list, names, role=None) -> tuple[list, list]:
    """Items whose learned score reaches the threshold, and (label, score) for every item."""
    if model is None or not items:
        return items, []
    kept, scores = [], []
    for it in items:
        p = model.prob(mention_features(ctx, e, names(it), kind, role(it) if role else None))
        scores.append((f"{kind} {names(it)[0]}", p))
        if p >= model.threshold:
            kept.append(it)
    return kept, scores


def _cue(ctx: Context, e) -> str:
    """The rule that proposed the candidate: the signing cue that fired, or the near-miss it was."""
    doubt = next((n.rule for n in e.notes if n.field == "doubt"), None)
    if doubt:
        return f"near-miss: {doubt.split(':')[0]}"
    s = next((ctx.signings[i] for i in e.sentences if i in ctx.signings), None)
    if s is None:
        return "no signing sentence of its own"
    text = ctx.art.texts[s.index]
    return f"cue «{predicate(text, s.predicate_at)}» in [{s.index}], {predicate_kind(text, s.predicate_at)}"


def apply(ctx: Context, ex: Explanation, sc: Scorer) -> Explanation:
    """Score every candidate agreement and its sides; drop what the models turn down; set confidence."""
    out = Explanation(sentences=ex.sentences, rejected=list(ex.rejected))
    agr = sc.get("agreement")
    for e in ex.agreements:
        a = e.agreement
        scores: list[tuple[str, float]] = []
        partners, s1 = _keep("partner", sc.get("partner"), ctx, e, a.partners, lambda p: [p.name, *p.aliases])
        if not partners and a.partners and not a.countries:
            partners = a.partners  # the last side is kept: without it there is no agreement to score
        added: list[Note] = []
        pm = sc.get("partner")
        if pm is not None and pm.add_threshold <= 1.0:
            for extra in extra_partners(ctx, e):
                p = pm.prob(mention_features(ctx, e, [extra.name, *extra.aliases], "partner", proposed=False))
                if p >= pm.add_threshold:
                    partners = [*partners, extra]
                    s1.append((f"partner {extra.name}", p))
                    added.append(Note("partners", f"learned scorer added {extra.name}, named next to the "
                                                  f"signing (score {p:.2f})"))
        people, s2 = _keep("signatory", sc.get("signatory"), ctx, e, a.signatories, lambda s: [s.name],
                           lambda s: s.role or "")
        regions, s3 = _keep("region", sc.get("region"), ctx, e, a.regions, lambda r: [r])
        if not regions:
            regions = a.regions
        scores += s1 + s2 + s3
        notes = list(e.notes) + added
        for label, p in scores:
            kind, _, name = label.partition(" ")
            model = sc.get(kind)
            if model is not None and p < model.threshold:
                notes.append(Note(kind + "s" if kind != "signatory" else "signatories",
                                  f"learned scorer turned down {name} (score {p:.2f})"))
        e2 = replace(e, agreement=replace(a, partners=partners, signatories=people, regions=regions), notes=notes)
        if agr is not None:
            p = agr.prob(agreement_features(ctx, e2))
            scores.insert(0, (f"agreement ({_cue(ctx, e)})", p))
            e2.agreement.confidence = max(0.0, min(1.0, agr.calibrated(p)))
            doubt = any(n.field == "doubt" for n in e.notes)
            if p < (max(agr.threshold, agr.doubt_threshold) if doubt else agr.threshold):
                first = e.sentences[0] if e.sentences else None
                sides = "; ".join(a.regions + [x.name for x in a.partners] + a.countries)
                out.rejected.append(Rejected(first, f"learned scorer: not a signing reported as done "
                                                    f"(score {p:.2f} < {agr.threshold:.2f})", sides))
                continue
        e2.scores = scores
        out.agreements.append(e2)
    return out
