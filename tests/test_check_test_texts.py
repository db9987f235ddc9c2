"""tools/check_test_texts.py finds a test string copied from a scoring set (on a set made here)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from check_test_texts import SETS, overlaps  # noqa: E402


def test_the_check_finds_a_copy(tmp_path: Path) -> None:
    (tmp_path / "dev").mkdir()
    for name in SETS[1:]:
        (tmp_path / name).mkdir()
    (tmp_path / "dev" / "x.txt").write_text(
        "Губернатор области и ректор университета подписали соглашение о сотрудничестве в сфере науки и образования.",
        encoding="utf-8",
    )
    # this very file holds the sentence above: the check must see it, and nothing else
    found = overlaps(tmp_path)
    assert found and all("test_check_test_texts.py" in f for f in found), found


def test_the_check_passes_a_set_with_nothing_copied(tmp_path: Path) -> None:
    for name in SETS:
        (tmp_path / name).mkdir()
    # made at run time, so that no string literal of the tests holds it
    (tmp_path / "dev" / "y.txt").write_text(" ".join(f"слово{i}" for i in range(40)), encoding="utf-8")
    assert overlaps(tmp_path) == []
