"""Fetch limits: defaults, overridable through environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)

# Field name -> environment variable.
ENV_NAMES: dict[str, str] = {
    "connect_timeout": "FETCH_CONNECT_TIMEOUT",
    "read_timeout": "FETCH_READ_TIMEOUT",
    "total_timeout": "FETCH_TOTAL_TIMEOUT",
    "max_bytes": "FETCH_MAX_BYTES",
    "max_redirects": "FETCH_MAX_REDIRECTS",
    "max_links": "FETCH_MAX_LINKS",
    "max_document_bytes": "FETCH_MAX_DOCUMENT_BYTES",
    "min_text_chars": "FETCH_MIN_TEXT_CHARS",
    "max_elements": "FETCH_MAX_ELEMENTS",
    "cache_ttl": "FETCH_CACHE_TTL",
    "user_agent": "FETCH_USER_AGENT",
    "allow_private": "ALLOW_PRIVATE_URLS",
}


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Everything that bounds one fetch. Construct directly in tests, or ``from_env()``."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0  # longest silence between two reads
    total_timeout: float = 20.0  # whole fetch, all redirects included
    max_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 5
    max_links: int = 3
    max_document_bytes: int = 1024 * 1024
    min_text_chars: int = 80  # shorter extracted text counts as "no article"
    max_elements: int = 20_000  # HTML elements; bounds trafilatura's CPU time (0: no cap)
    cache_ttl: float = 600.0
    user_agent: str = DEFAULT_USER_AGENT
    accept_language: str = "ru-RU,ru;q=0.9,en;q=0.5"
    allow_private: bool = False  # loopback and private ranges; for tests on 127.0.0.1 only

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FetchLimits:
        """Read overrides from ``env`` (default ``os.environ``); a bad value raises ValueError."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            name = ENV_NAMES.get(f.name)
            raw = env.get(name) if name else None
            if name is None or raw is None or raw.strip() == "":
                continue
            values[f.name] = _parse(name, raw.strip(), f.default)
        return cls(**values)  # type: ignore[arg-type]  # values typed per field above


def _parse(name: str, raw: str, default: object) -> object:
    """``raw`` converted to the type of ``default``; ValueError names the variable."""
    try:
        if isinstance(default, bool):
            return _parse_bool(name, raw)
        if isinstance(default, int):
            return int(_non_negative(name, int(raw)))
        if isinstance(default, float):
            return _non_negative(name, float(raw))
    except ValueError as exc:
        if name in str(exc):
            raise
        raise ValueError(f"{name}: {exc}") from exc
    return raw


def _parse_bool(name: str, raw: str) -> bool:
    low = raw.lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be 0 or 1, got {raw!r}")


def _non_negative(name: str, value: float) -> float:
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value
