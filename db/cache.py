"""Per-engine version counters: name indexes are rebuilt after an ingest or reload changed the base."""

from __future__ import annotations

import time
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

# Other processes (webhook instances on one PostgreSQL) write too: their changes show after this long.
MAX_AGE_S = 30.0
_versions: WeakKeyDictionary[Engine, int] = WeakKeyDictionary()
_entries: WeakKeyDictionary[Engine, dict[str, tuple[int, float, Any]]] = WeakKeyDictionary()


def _key(bind: Any) -> Engine | None:
    if isinstance(bind, AsyncEngine):
        return bind.sync_engine
    if isinstance(bind, AsyncConnection):
        return bind.engine.sync_engine
    return bind if isinstance(bind, Engine) else None


def invalidate(bind: Any) -> None:
    """Mark everything cached for this engine stale."""
    key = _key(bind)
    if key is not None:
        _versions[key] = _versions.get(key, 0) + 1


def get(bind: Any, name: str) -> Any | None:
    key = _key(bind)
    if key is None:
        return None
    entry = _entries.get(key, {}).get(name)
    if entry is None:
        return None
    version, born, value = entry
    if version != _versions.get(key, 0) or time.monotonic() - born > MAX_AGE_S:
        return None
    return value


def put(bind: Any, name: str, value: Any) -> None:
    key = _key(bind)
    if key is not None:
        _entries.setdefault(key, {})[name] = (_versions.get(key, 0), time.monotonic(), value)
