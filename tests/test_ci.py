"""tests/ci.py: which values of CI count as a CI run (skips turn into failures there)."""

from __future__ import annotations

import pytest

from tests.ci import in_ci, skip_or_fail


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("True", True),
     ("", False), ("0", False), ("false", False), ("False", False), (" FALSE ", False)],
)  # fmt: skip
def test_in_ci_values(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci() is expected


def test_unset_is_not_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert in_ci() is False


def test_skip_or_fail_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="missing thing"):
        skip_or_fail("missing thing")


def test_skip_or_fail_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="missing thing"):
        skip_or_fail("missing thing")
