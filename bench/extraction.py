"""Benchmark: articles per second of extraction.extract() against bare natasha on the same texts.

Loads the models once, warms up, then times both on the five seed articles plus the test sentences,
repeated for a stable figure. Last line: one JSON object of the figures.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from natasha import Doc  # noqa: E402

from extraction import extract, warm_up  # noqa: E402
from extraction.nlp import models  # noqa: E402
from tests.extraction.texts import ARTICLES  # noqa: E402

TARGET_SECONDS = 5.0  # per contender


def texts() -> list[str]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return seeds + list(ARTICLES.values())


def bare_natasha(text: str) -> None:
    m = models()
    doc = Doc(text)
    doc.segment(m.segmenter)
    doc.tag_morph(m.morph_tagger)
    doc.tag_ner(m.ner_tagger)


def measure(corpus: list[str]) -> tuple[float, float, int]:
    """Articles per second of bare natasha and of extract(), timed in alternating rounds.

    Alternating keeps both exposed to the same machine load (other processes share these cores).
    """
    t_nat = t_ext = 0.0
    rounds = 0
    while t_nat + t_ext < 2 * TARGET_SECONDS:
        start = time.perf_counter()
        for t in corpus:
            bare_natasha(t)
        mid = time.perf_counter()
        for t in corpus:
            extract(t)
        t_nat += mid - start
        t_ext += time.perf_counter() - mid
        rounds += 1
    n = rounds * len(corpus)
    return n / t_nat, n / t_ext, n


def main() -> None:
    corpus = texts()
    warm_up()
    for t in corpus:  # fill caches the same way for both
        extract(t)
        bare_natasha(t)
    nat, ext, n = measure(corpus)
    ratio = ext / nat if nat else 0.0
    print(f"texts: {len(corpus)} ({sum(map(len, corpus))} chars)")
    print(f"bare natasha (segment+morph+NER): {nat:8.1f} articles/s ({n} runs)")
    print(f"extraction.extract():             {ext:8.1f} articles/s ({n} runs)")
    print(f"ratio extract/natasha: {ratio:.2f} (target >= 0.6)")
    print(json.dumps({
        "extract_articles_per_s": round(ext, 2),
        "natasha_articles_per_s": round(nat, 2),
        "ratio": round(ratio, 3),
        "texts": len(corpus),
    }))


if __name__ == "__main__":
    main()
