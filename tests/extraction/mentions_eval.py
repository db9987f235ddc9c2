"""Precision and recall of mentions against the gold set of tests/extraction/data/mentions_gold.jsonl.

`python -m tests.extraction.mentions_eval` prints the figures of both gold files (last line one JSON
object). A gold
record holds one sentence speaking of an earlier agreement (or none), its kind, parties and year, and
the id of the agreement of mentions_base.json it speaks of (null: none of them, or a tie).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from db.history.link import Candidate, Sides, mention_sides, pick
from db.normalize import fold, org_key
from extraction.history import find_mentions
from extraction.history.models import Mention

DATA = Path(__file__).parent / "data"


def load_gold(name: str = "mentions_gold.jsonl") -> list[dict]:
    """A gold file: mentions_gold.jsonl (the rules were tuned on it) or mentions_heldout.jsonl
    (written after the tuning, never tuned on)."""
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def load_base() -> list[Candidate]:
    rows = json.loads((DATA / "mentions_base.json").read_text(encoding="utf-8"))
    return [
        Candidate(r["id"], Sides({fold(x) for x in r["regions"]}, {org_key(x) for x in r["partners"]},
                                 {fold(x) for x in r["countries"]}, r["year"]))
        for r in rows
    ]


@dataclass(slots=True)
class Figures:
    found: int = 0  # mentions predicted
    gold: int = 0  # gold mentions
    kind_right: int = 0  # predicted on the gold sentence with the gold kind
    spotted: int = 0  # predicted on the gold sentence (any kind)
    linked: int = 0  # predicted links
    gold_links: int = 0
    link_right: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, float | int]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else 1.0

        return {
            "records": self.gold, "found": self.found,
            "detect_precision": ratio(self.spotted, self.found), "detect_recall": ratio(self.spotted, self.gold),
            "kind_precision": ratio(self.kind_right, self.found), "kind_recall": ratio(self.kind_right, self.gold),
            "link_precision": ratio(self.link_right, self.linked), "link_recall": ratio(self.link_right, self.gold_links),
            "links": self.linked, "gold_links": self.gold_links,
        }


def evaluate(gold: list[dict], base: list[Candidate]) -> Figures:
    f = Figures()
    for rec in gold:
        found: list[Mention] = find_mentions(rec["text"], rec["published"])
        f.found += len(found)
        want = rec["sentence"]
        if want:
            f.gold += 1
        if rec["link"]:
            f.gold_links += 1
        for m in found:
            on_gold = bool(want) and (want in m.sentence or m.sentence in want)
            link = pick(mention_sides(m), base)
            if link is not None:
                f.linked += 1
                if on_gold and link == rec["link"]:
                    f.link_right += 1
                else:
                    f.errors.append(f"{rec['id']}: wrong link {link} (want {rec['link']}): {m.sentence[:90]}")
            if not on_gold:
                f.errors.append(f"{rec['id']}: extra [{m.kind}] {m.sentence[:90]}")
                continue
            f.spotted += 1
            if m.kind == rec["kind"]:
                f.kind_right += 1
            else:
                f.errors.append(f"{rec['id']}: kind {m.kind} (want {rec['kind']}, cue {m.why!r}): {want[:80]}")
            if rec["link"] and link is None:
                sides = "; ".join(m.regions + [p.name for p in m.partners] + m.countries)
                f.errors.append(f"{rec['id']}: no link (want {rec['link']}; read {sides}, {m.year})")
        if want and not any(want in m.sentence or m.sentence in want for m in found):
            f.errors.append(f"{rec['id']}: missed [{rec['kind']}] {want[:90]}")
    return f


def main() -> int:
    results = {}
    for name in ("mentions_gold.jsonl", "mentions_heldout.jsonl"):
        figures = evaluate(load_gold(name), load_base())
        print(f"{name}:")
        for e in figures.errors:
            print(f"  {e}")
        print(f"  {json.dumps(figures.as_dict(), ensure_ascii=False)}")
        results[name.removesuffix(".jsonl").removeprefix("mentions_")] = figures.as_dict()
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
