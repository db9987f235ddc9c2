"""The scorer's matching rules (../shared/tools/score.py, GOLD_FORMAT.md), re-implemented for training and
for the reliability table: which predicted agreement pairs with which gold one, and which sides match."""

from __future__ import annotations

import re

from rapidfuzz.fuzz import token_set_ratio

LEGAL_FORMS = r"(пао|оао|зао|ао|ооо|ано|нко|руп|гуп|фгуп|муп|гбу|фгбу|фгбоу|фгаоу|гау|гку|ано\s+до|во|ип|нао|ук)"


def fold(s: str | None) -> str:
    s = (s or "").casefold().replace("ё", "е")
    s = re.sub(r"[«»\"“”„'`’]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def org_key(s: str) -> str:
    s = re.sub(rf"(^|\s){LEGAL_FORMS}(?=\s|$)", " ", fold(s))
    return re.sub(r"\s+", " ", s).strip()


def partner_names(p: dict | str) -> list[str]:
    return [p] if isinstance(p, str) else [p.get("name", ""), *(p.get("aliases") or [])]


def partner_match(pred: dict | str, gold: dict | str) -> bool:
    keys = [org_key(n) for n in partner_names(gold) if n]
    return any(token_set_ratio(org_key(n), k) >= 85 for n in partner_names(pred) if n for k in keys)


def person_match(pred: dict | str, gold: dict | str) -> bool:
    pn = pred if isinstance(pred, str) else pred.get("name", "")
    gn = gold if isinstance(gold, str) else gold.get("name", "")
    pt, gt = set(fold(pn).split()), set(fold(gn).split())
    return bool(gt) and gt <= pt and len(pt) <= len(gt) + 1


def exact_match(pred: object, gold: object) -> bool:
    return fold(str(pred)) == fold(str(gold))


def _matched(pred: list, gold: list, same) -> int:
    left = list(gold or [])
    tp = 0
    for p in pred or []:
        for i, g in enumerate(left):
            if same(p, g):
                tp += 1
                del left[i]
                break
    return tp


def overlap(p: dict, g: dict) -> int:
    return (_matched(p.get("regions"), g.get("regions"), exact_match)
            + _matched(p.get("countries"), g.get("countries"), exact_match)
            + _matched(p.get("partners"), g.get("partners"), partner_match))


def pair(preds: list[dict], golds: list[dict]) -> dict[int, int]:
    """Predicted index -> gold index, greedily by the overlap of sides (the scorer's pairing)."""
    cands = sorted(((overlap(p, g), i, j) for i, p in enumerate(preds) for j, g in enumerate(golds)),
                   key=lambda t: -t[0])
    used_g: set[int] = set()
    out: dict[int, int] = {}
    for s, i, j in cands:
        if s > 0 and i not in out and j not in used_g:
            out[i] = j
            used_g.add(j)
    return out
