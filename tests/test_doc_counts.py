"""Counts the documents state stay true. "N seeds" and "N benchmarks" in README.md and docs/*.md are
compared with the repository. The scoring sets (../shared/data: dev, dev2, dev3, negatives) grow outside
the repository and a clone does not have them, so a document states no count of them at all
("N negatives", "`dev2` (N real articles)"): such a count fails."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETS = r"(?P<set>dev3|dev2|dev|negatives)"
NUMBER = r"(?P<n>\d[\d,\u00a0\u202f]*)"
NOUNS = r"(?:real\s+|unseen\s+|annotated\s+|gold\s+)?(?:articles|texts|news\s+items|items|negatives|files)"
CLAIMS = [
    re.compile(rf"\b{SETS}\b[`/]*\s*\({NUMBER}\s+{NOUNS}", re.I),  # `dev2` (90 real articles)
    re.compile(rf"\b{SETS}\b[`/]*\s+(?:has|holds|grows\s+(?:from\s+\d+\s+)?to|of)\s+\**{NUMBER}\b", re.I),
    re.compile(rf"\b{NUMBER}\s+{NOUNS}\s+(?:in|of|from)\s+`?(?:\.\./shared/data/)?{SETS}\b", re.I),
    re.compile(rf"\b{NUMBER}\s+(?P<set>negatives)\b", re.I),  # 100 negatives
    re.compile(rf"\b{NUMBER}\s+(?P<set>seeds?)\b(?!/)", re.I),  # 5 seeds
    re.compile(rf"\b{NUMBER}\s+(?P<set>benchmarks)\b", re.I),  # 8 benchmarks
]


def documents() -> list[Path]:
    return [p for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))] if p.exists()]


def claims(text: str) -> list[tuple[str, int, str]]:
    """(set, stated count, the words) of every count the text states; code blocks are left out."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    found = []
    for pattern in CLAIMS:
        for m in pattern.finditer(text):
            n = int(re.sub(r"\D", "", m["n"]))
            found.append((m["set"].lower().rstrip("s") if m["set"].lower().startswith("seed") else m["set"].lower(),
                          n, " ".join(m[0].split())))  # fmt: skip
    return found


def actual(name: str) -> int | None:
    """What the repository holds; None for a scoring set, which it does not hold."""
    if name == "seed":
        return len(list((ROOT / "seeds").glob("*.txt")))
    if name == "benchmarks":
        return len(list((ROOT / "bench").glob("*.py")))
    return None


def test_the_counts_the_documents_state_are_true() -> None:
    wrong = []
    for doc in documents():
        for name, stated, words in claims(doc.read_text(encoding="utf-8")):
            real = actual(name)
            if real is None:
                wrong.append(f"{doc.relative_to(ROOT)}: «{words}» counts a scoring set, which goes stale")
            elif real != stated:
                wrong.append(f"{doc.relative_to(ROOT)}: «{words}» but {name} holds {real}")
    assert wrong == []


def test_claims_are_found_in_the_shapes_documents_use() -> None:
    text = ("The scorer runs on `../shared/data/dev2` (90 real articles) and `../shared/data/negatives` (40 news\n"
            "items). `negatives/` grows from 40 to **100**; 163 real articles in dev3; 100 negatives; the 5 seeds;\n"
            "all 8 benchmarks.\n```sh\n# 7 seeds in a code block are not a claim\n```")  # fmt: skip
    assert [(name, n) for name, n, _ in claims(text)] == [
        ("dev2", 90), ("negatives", 40), ("negatives", 100), ("dev3", 163), ("negatives", 100), ("seed", 5),
        ("benchmarks", 8),
    ]
    assert claims("See seeds/ and bench/ and the dev set.") == []
