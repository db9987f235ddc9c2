"""Whether this run is CI, and the one way a test that needs something missing skips or fails.

Any non-empty CI other than "0" or "false" (case-insensitive) counts as CI: GitHub sets "true",
others set "1" or "yes". Under CI a missing service, tool or file fails the test instead of skipping.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """True when the CI environment variable says this is a CI run."""
    value = os.environ.get("CI", "").strip().lower()
    return value not in ("", "0", "false")


def skip_or_fail(message: str) -> NoReturn:
    """Skip the test outside CI; fail it under CI (nothing skipped counts as passing there)."""
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)
