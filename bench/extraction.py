"""Benchmark: articles per second of extraction.extract() against bare natasha on the same texts, and how
extraction's time grows with the length of a text.

Loads the models once, warms up, then times both on the five seed articles plus the test sentences,
repeated for a stable figure. Then texts of 50, 100, 200, 500 and 1,000 sentences like «ПАО «X» и АО «Y»
подписали соглашение» (each pair its own): seconds of extract() and of bare natasha on each, and the
growth ratio (seconds per sentence at 1,000 over seconds per sentence at 50; 1.0 is linear).
Last line: one JSON object of the figures.
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
from extraction.reading.nlp import models  # noqa: E402
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


SIZES = (50, 100, 200, 500, 1000)
NAMES = ("Альфа", "Бета", "Гамма", "Дельта", "Омега", "Сигма", "Зета", "Каппа", "Лямбда", "Тета")


def many_signings(n: int) -> str:
    """A hostile text: `n` signings, each between two companies of its own."""
    return " ".join(f"ПАО «{NAMES[i % 10]}-{i}» и АО «{NAMES[(i + 3) % 10]}-{i + 7}» подписали соглашение."
                    for i in range(n))


def cpu_seconds(fn, text: str) -> float:
    start = time.process_time()  # CPU time: other processes on these cores do not count
    fn(text)
    return time.process_time() - start


def scaling() -> dict[str, object]:
    ext, nat = {}, {}
    for n in SIZES:
        text = many_signings(n)
        nat[n] = cpu_seconds(bare_natasha, text)
        ext[n] = cpu_seconds(extract, text)
        print(f"{n:5d} sentences ({len(text):6d} chars): extract {ext[n]:6.2f} s, bare natasha {nat[n]:6.2f} s")
    growth = (ext[SIZES[-1]] / SIZES[-1]) / (ext[SIZES[0]] / SIZES[0]) if ext[SIZES[0]] else 0.0
    print(f"growth of extract's seconds per sentence from {SIZES[0]} to {SIZES[-1]} sentences: {growth:.2f} "
          "(1.0 = linear)")
    return {"sentences_s": {str(n): round(ext[n], 3) for n in SIZES},
            "natasha_sentences_s": {str(n): round(nat[n], 3) for n in SIZES},
            "growth_ratio": round(growth, 3)}


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
    figures = scaling()
    print(json.dumps({
        "extract_articles_per_s": round(ext, 2),
        "natasha_articles_per_s": round(nat, 2),
        "ratio": round(ratio, 3),
        "texts": len(corpus),
        **figures,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
