"""Tests teach, the scoring sets measure: no test string shares 8 consecutive words with a text of
../shared/data (dev, dev2, dev3, negatives), so a rule tuned on a test sentence is not scored on its
own source. The sets live beside the repository, not in it: without them this skips, and fails
under CI (tests/ci.py). `python -m tests.test_no_scoring_text` lists every overlap found."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from pathlib import Path

from tests.ci import skip_or_fail

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


def test_no_test_string_is_copied_from_the_scoring_sets() -> None:
    data = shared_data()
    if data is None:
        skip_or_fail("../shared/data is not beside the repository (set SHARED_DATA)")
    assert overlaps(data) == []


def test_the_check_finds_a_copy(tmp_path: Path) -> None:
    (tmp_path / "dev").mkdir()
    for name in SETS[1:]:
        (tmp_path / name).mkdir()
    (tmp_path / "dev" / "x.txt").write_text(
        "Губернатор области и ректор университета подписали соглашение о сотрудничестве в сфере науки и образования.",
        encoding="utf-8",
    )
    # this very file holds the sentence above: the check must see it
    assert any("test_no_scoring_text.py" in f for f in overlaps(tmp_path))


if __name__ == "__main__":
    found_data = shared_data()
    print("\n".join(overlaps(found_data)) if found_data else "no ../shared/data found")
