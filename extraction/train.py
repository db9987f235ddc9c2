"""Rebuild the learned scorer: `python -m extraction.train [--data ../shared/data]`.

Runs the rules over the gold sets (dev, dev2, negatives and the odd-numbered half of dev3 — the even half
is never read), labels each candidate by the scorer's own pairing (`goldmatch`), fits one logistic model per
kind of candidate, calibrates the agreement model on out-of-fold predictions, and writes
extraction/data/scorer.json. Deterministic: same data, same file.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from extraction.learning.goldmatch import exact_match, pair, partner_match, person_match
from extraction.learning.learned import MODEL_FILE

SETS = ("dev", "dev2", "negatives", "dev3")
FOLDS = 5
C = 0.5  # inverse regularization strength: small data, strong prior
KEEP = 1 / 3  # the calibrated chance below which a candidate agreement is dropped
KINDS = ("agreement", "partner", "signatory", "region")


def allowed(set_name: str, rec_id: str) -> bool:
    """dev3's check half (even-numbered ids) is never used; every other article is."""
    if set_name != "dev3":
        return True
    m = re.search(r"(\d+)$", rec_id)
    return bool(m) and int(m[1]) % 2 == 1


def articles(data: Path) -> Iterator[tuple[str, dict]]:
    for name in SETS:
        for j in sorted((data / name).glob("*.json")):
            rec = json.loads(j.read_text(encoding="utf-8"))
            if not allowed(name, str(rec.get("id", j.stem))):
                continue
            rec["text"] = j.with_suffix(".txt").read_text(encoding="utf-8")
            yield f"{name}/{j.stem}", rec


@dataclass(slots=True)
class Rows:
    """Feature dicts, labels and the article each came from, for one kind of candidate."""

    x: list[dict[str, float]] = field(default_factory=list)
    y: list[int] = field(default_factory=list)
    group: list[str] = field(default_factory=list)

    def add(self, f: dict[str, float], label: bool, group: str) -> None:
        self.x.append(f)
        self.y.append(int(label))
        self.group.append(group)


def collect(data: Path) -> dict[str, Rows]:
    """Candidates from the rules alone, labelled against gold."""
    from extraction.learning.features import agreement_features, extra_partners, mention_features
    from extraction.pipeline import candidates

    rows = {k: Rows() for k in KINDS}
    for n, (aid, rec) in enumerate(articles(data), 1):
        ex, ctx = candidates(rec["text"], rec.get("published"), near_misses=True)
        if ctx is None:
            continue
        golds = rec.get("agreements") or []
        pairs = pair([e.agreement.to_dict() for e in ex.agreements], golds)
        for i, e in enumerate(ex.agreements):
            a = e.agreement
            rows["agreement"].add(agreement_features(ctx, e), i in pairs, aid)
            if i not in pairs:
                continue
            g = golds[pairs[i]]
            gold_partners = g.get("partners") or []
            for p in a.partners:
                names = [p.name, *p.aliases]
                rows["partner"].add(mention_features(ctx, e, names, "partner"),
                                    any(partner_match(p.to_dict(), q) for q in gold_partners), aid)
            # organizations around the signing the rules left out: right when a gold side nobody matched
            left = [q for q in gold_partners if not any(partner_match(p.to_dict(), q) for p in a.partners)]
            for p in extra_partners(ctx, e):
                rows["partner"].add(mention_features(ctx, e, [p.name, *p.aliases], "partner", proposed=False),
                                    any(partner_match(p.to_dict(), q) for q in left), aid)
            for s in a.signatories:
                rows["signatory"].add(mention_features(ctx, e, [s.name], "signatory", s.role or ""),
                                      any(person_match(s.name, q) for q in g.get("signatories") or []), aid)
            for r in a.regions:
                rows["region"].add(mention_features(ctx, e, [r], "region"),
                                   any(exact_match(r, q) for q in g.get("regions") or []), aid)
        if n % 50 == 0:
            print(f"  {n} articles read", file=sys.stderr)
    return rows


def _folds(groups: list[str]) -> list[int]:
    """A fold per row, by article, fixed by the article's rank (no randomness)."""
    order = {g: k for k, g in enumerate(sorted(set(groups)))}
    return [order[g] % FOLDS for g in groups]


def _fit(x, y):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=2000, solver="lbfgs").fit(x, y)


def out_of_fold(rows: Rows):
    """Each row's probability from a model that never saw its article."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer

    fold = np.array(_folds(rows.group))
    y = np.array(rows.y)
    p = np.zeros(len(y))
    for k in range(FOLDS):
        test = fold == k
        train = ~test
        if not test.any() or len(set(y[train])) < 2:
            p[test] = y[train].mean() if train.any() else 0.5
            continue
        vec = DictVectorizer(sort=True)
        xtr = vec.fit_transform([rows.x[i] for i in np.flatnonzero(train)])
        m = _fit(xtr, y[train])
        p[test] = m.predict_proba(vec.transform([rows.x[i] for i in np.flatnonzero(test)]))[:, 1]
    return p


def threshold(p, y, cost_keep_false: float = 1.0, cost_drop_true: float = 1.0) -> float:
    """The cut that removes the most false candidates for the fewest right ones (never above 0.5)."""
    best_t, best_gain = 0.0, 0.0
    for t in sorted({round(float(v), 3) for v in p if v <= 0.5}):
        drop = p < t
        gain = cost_keep_false * float(((y == 0) & drop).sum()) - cost_drop_true * float(((y == 1) & drop).sum())
        if gain > best_gain:
            best_t, best_gain = t, gain
    return best_t


# the sets the rules were not written on: what unseen text will look like
UNSEEN_LIKE = ("dev3/", "negatives/")


def doubt_threshold(p, y) -> float:
    """The lowest score at which candidates the rules did not take are more often right than wrong (0.5 at
    least; 2.0 takes none)."""
    best_t, best_gain = 2.0, 0.0
    for t in sorted({round(float(v), 3) for v in p if v >= 0.5}):
        keep = p >= t
        gain = float(((y == 1) & keep).sum()) - float(((y == 0) & keep).sum())
        if gain > best_gain:
            best_t, best_gain = t, gain
    return best_t


def calibration(p, y, groups: list[str]) -> dict[str, list[float]]:
    """Platt scaling of out-of-fold probabilities, fitted on the unseen-like articles only (on dev and dev2
    the rules are near perfect and would teach overconfidence); stored as points of a curve."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    keep = np.array([g.startswith(UNSEEN_LIKE) for g in groups])
    z = np.log(np.clip(p[keep], 1e-4, 1 - 1e-4) / (1 - np.clip(p[keep], 1e-4, 1 - 1e-4))).reshape(-1, 1)
    platt = LogisticRegression(C=1.0).fit(z, y[keep])
    xs = np.linspace(0.0, 1.0, 41)
    zs = np.log(np.clip(xs, 1e-4, 1 - 1e-4) / (1 - np.clip(xs, 1e-4, 1 - 1e-4))).reshape(-1, 1)
    ys = platt.predict_proba(zs)[:, 1]
    return {"x": [round(float(v), 6) for v in xs], "y": [round(float(v), 6) for v in ys]}


def build(rows: Rows, kind: str) -> tuple[dict, dict]:
    """The model of one kind, and figures about it."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer

    y = np.array(rows.y)
    oof = out_of_fold(rows)
    vec = DictVectorizer(sort=True)
    m = _fit(vec.fit_transform(rows.x), y)
    weights = {name: round(float(w), 6) for name, w in zip(vec.get_feature_names_out(), m.coef_[0], strict=True)
               if abs(w) > 1e-6}
    proposed = np.array([f.get("proposed", 1.0) == 1.0 for f in rows.x])
    # an agreement dropped loses every field it had right: dropping a true one costs more
    t = threshold(oof[proposed], y[proposed], 1.0, 2.0 if kind == "agreement" else 1.5)
    model = {"intercept": round(float(m.intercept_[0]), 6), "weights": weights, "threshold": t}
    stats = {"rows": len(y), "positive": int(y.sum()), "threshold": t,
             "oof_dropped_false": int(((oof < t) & (y == 0) & proposed).sum()),
             "oof_dropped_true": int(((oof < t) & (y == 1) & proposed).sum())}
    if (~proposed).any():
        model["add_threshold"] = doubt_threshold(oof[~proposed], y[~proposed])
        stats["not_proposed"] = f"{int((~proposed).sum())} ({int(y[~proposed].sum())} right), added from " \
                                f"{model['add_threshold']}"
    if kind == "agreement":
        model["calibration"] = calibration(oof, y, rows.group)
        # keep a candidate while its calibrated chance of being right is at least KEEP (dropping a right one
        # loses all its fields, keeping a wrong one adds false ones: about two to one): a cut read off the
        # smooth calibration curve, steadier than one searched among a few dozen wrong examples
        cal = model["calibration"]
        t = next((x for x, c in zip(cal["x"], cal["y"], strict=True) if c >= KEEP), 0.0)
        model["threshold"] = stats["threshold"] = t
        stats["oof_dropped_false"] = int(((oof < t) & (y == 0)).sum())
        stats["oof_dropped_true"] = int(((oof < t) & (y == 1)).sum())
        doubt = np.array([any(k.startswith("note:doubt:") for k in f) for f in rows.x])
        model["doubt_threshold"] = doubt_threshold(oof[doubt], y[doubt])
        stats["doubtful"] = f"{int(doubt.sum())} ({int(y[doubt].sum())} right), kept from {model['doubt_threshold']}"
    return model, stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extraction.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="../shared/data", help="folder of the gold sets (default ../shared/data)")
    ap.add_argument("--out", default=str(MODEL_FILE))
    a = ap.parse_args(argv)
    data = Path(a.data)
    if not (data / "dev").is_dir():
        ap.error(f"no gold sets under {data}")
    import os

    os.environ["EXTRACTION_MODEL"] = "off"  # candidates come from the rules alone
    rows = collect(data)
    models, report = {}, {}
    for kind in KINDS:
        models[kind], report[kind] = build(rows[kind], kind)
        print(f"{kind:<10} {report[kind]}")
    Path(a.out).write_text(json.dumps({"version": 1, "models": models}, ensure_ascii=False, indent=1,
                                      sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
