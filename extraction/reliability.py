"""Reliability of the confidence: `python -m extraction.reliability GOLD_DIR`.

Extracts every article of GOLD_DIR, pairs the agreements with gold the scorer's way (`goldmatch`), and prints
predicted confidence against observed precision (an agreement is right when it pairs with a gold one) in
five bins, then the precision among agreements with confidence >= 0.8. Only totals are printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from extraction.learning.goldmatch import pair

BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)


def table(points: list[tuple[float, bool]]) -> list[str]:
    """One line per bin: range, agreements, mean confidence, observed precision."""
    lines = [f"{'confidence':<12} {'n':>4} {'predicted':>9} {'observed':>9}"]
    for lo, hi in zip(BINS, BINS[1:], strict=False):
        inside = [(c, ok) for c, ok in points if lo <= c < hi]
        if not inside:
            lines.append(f"{lo:.1f}-{min(hi, 1.0):.1f}     {0:>4} {'—':>9} {'—':>9}")
            continue
        mean = sum(c for c, _ in inside) / len(inside)
        prec = sum(ok for _, ok in inside) / len(inside)
        lines.append(f"{lo:.1f}-{min(hi, 1.0):.1f}     {len(inside):>4} {mean:9.3f} {prec:9.3f}")
    high = [ok for c, ok in points if c >= 0.8]
    lines.append(f"confidence >= 0.8: {len(high)} agreements, precision "
                 f"{sum(high) / len(high):.3f}" if high else "confidence >= 0.8: none")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extraction.reliability", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold_dir")
    a = ap.parse_args(argv)
    from extraction.pipeline import extract

    points: list[tuple[float, bool]] = []
    for j in sorted(Path(a.gold_dir).glob("*.json")):
        rec = json.loads(j.read_text(encoding="utf-8"))
        found = extract(j.with_suffix(".txt").read_text(encoding="utf-8"), rec.get("published"))
        paired = pair([x.to_dict() for x in found], rec.get("agreements") or [])
        points += [(x.confidence, i in paired) for i, x in enumerate(found)]
    print("\n".join(table(points)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
