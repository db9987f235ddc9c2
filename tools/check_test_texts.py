"""Tests teach, the scoring sets measure: no test string may share 8 consecutive words with a text of
../shared/data (dev, dev2, dev3, negatives), so a rule tuned on a test sentence is not scored on its
own source. The sets live beside the repository, not in it, and the test suite never reads them:
`.ci/run` runs this check when they are there.

    python tools/check_test_texts.py   # lists every overlap; exit code 1 when there is one
"""

from __future__ import annotations

import ast
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETS = ("dev", "dev2", "dev3", "negatives")
RUN = 8  # consecutive words in common that make a copy
WORD = re.compile(r"\w+")


def shared_data() -> Path | None:
    """../shared/data of the main checkout or of a worktree beside it (or $SHARED_DATA)."""
    candidates = [Path(os.environ["SHARED_DATA"])] if os.environ.get("SHARED_DATA") else []
    candidates += [ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"]
    return next((c for c in candidates if (c / "dev").is_dir()), None)


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("ё", "е"))


def runs(text: str) -> Iterator[tuple[str, ...]]:
    w = words(text)
    return (tuple(w[i : i + RUN]) for i in range(len(w) - RUN + 1))


def literals(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant in a Python file (adjacent literals come joined)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def overlaps(data: Path) -> list[str]:
    """"file:line: words" for every test string with a run of RUN words found in the sets."""
    seen = {r for name in SETS for p in sorted((data / name).glob("*.txt")) for r in runs(p.read_text(encoding="utf-8"))}
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for line, text in literals(path):
            hit = next((r for r in runs(text) if r in seen), None)
            if hit:
                found.append(f"{path.relative_to(ROOT)}:{line}: {' '.join(hit)}")
    return found


def main() -> int:
    data = shared_data()
    if data is None:
        print("no ../shared/data beside the repository (set SHARED_DATA): nothing to check")
        return 0
    found = overlaps(data)
    print("\n".join(found) if found else f"no test string shares {RUN} words in a row with {data}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
