"""The on-disk memo of pymorphy2 answers that lets a start skip rebuilding word forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extraction.finders import gazetteer as gz
from extraction.reading.diskmemo import DiskMemo, cache_dir


@pytest.fixture
def memo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("CACHE_DIR", str(directory))
    return directory


def _source(tmp_path: Path, text: str = "def f(): ...\n") -> Path:
    source = tmp_path / "code.py"
    source.write_text(text, encoding="utf-8")
    return source


def test_answers_survive_a_restart(memo_dir: Path, tmp_path: Path) -> None:
    source = _source(tmp_path)
    first = DiskMemo("forms", source)
    assert first.get("калужская") is None
    first.put("калужская", ["калужская", "калужской"])
    assert first.save()
    assert not first.save()  # nothing new: no write
    again = DiskMemo("forms", source)
    assert again.get("калужская") == ["калужская", "калужской"]
    assert again.path() is not None and again.path().parent == memo_dir  # type: ignore[union-attr]


def test_edited_code_starts_a_new_memo(memo_dir: Path, tmp_path: Path) -> None:
    source = _source(tmp_path)
    memo = DiskMemo("forms", source)
    memo.put("a", 1)
    memo.save()
    source.write_text("def f(): return 2\n", encoding="utf-8")
    assert DiskMemo("forms", source).get("a") is None


def test_a_corrupt_or_foreign_file_is_ignored(memo_dir: Path, tmp_path: Path) -> None:
    source = _source(tmp_path)
    path = DiskMemo("forms", source).path()
    assert path is not None
    path.parent.mkdir(parents=True)
    for junk in ("{not json", "[1, 2]", "\x00\x01"):
        path.write_text(junk, encoding="utf-8")
        memo = DiskMemo("forms", source)
        assert memo.get("a") is None
        memo.put("a", 1)
        assert memo.save()
        assert DiskMemo("forms", source).get("a") == 1


def test_off_keeps_nothing_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CACHE_DIR", "off")
    assert cache_dir() is None
    memo = DiskMemo("forms", _source(tmp_path))
    memo.put("a", 1)
    assert memo.get("a") == 1 and not memo.save()


def test_default_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "agreements-bot"


def test_an_unwritable_dir_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("CACHE_DIR", str(blocker / "cache"))  # a directory under a plain file
    memo = DiskMemo("forms", _source(tmp_path))
    memo.put("a", 1)
    assert not memo.save() and memo.get("a") == 1


def test_the_memo_stops_growing_at_its_limit(memo_dir: Path, tmp_path: Path) -> None:
    memo = DiskMemo("lemmas", _source(tmp_path), limit=3)
    for i in range(10):
        memo.put(str(i), i)
    assert len(memo) == 3


def _matchers(index: Any) -> dict[str, Any]:
    """Every matcher of a gazetteer index as comparable data (payloads by name)."""
    found: dict[str, Any] = {}
    for name, value in vars(index).items():
        if isinstance(value, gz._Matcher):
            found[name] = {
                first: sorted((p.slots, p.payload.name, p.kind, p.exact, p.capital) for p in patterns)
                for first, patterns in value._first.items()
            }
        else:
            found[name] = {k: {f: r.name for f, r in v.items()} for k, v in value.items()}
    return found


def test_gazetteer_from_the_memo_equals_one_built_by_pymorphy(
    memo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fresh_index() -> Any:
        gz._word_forms.cache_clear()
        gz._adjective_forms.cache_clear()
        return gz._Index()

    monkeypatch.setattr(gz, "_MEMO", DiskMemo("gazetteer-forms", Path(gz.__file__)))
    built = _matchers(fresh_index())
    assert gz._MEMO.save()

    def no_pymorphy() -> Any:
        raise AssertionError("pymorphy2 asked although every answer is in the memo")

    monkeypatch.setattr(gz, "_MEMO", DiskMemo("gazetteer-forms", Path(gz.__file__)))
    monkeypatch.setattr(gz, "morph", no_pymorphy)
    try:
        assert _matchers(fresh_index()) == built
    finally:
        gz._word_forms.cache_clear()
        gz._adjective_forms.cache_clear()
