"""Per-engine version counters: name indexes are rebuilt after an ingest or reload changed the base.

Listeners (`on_invalidate`) hear of each local change, so that other instances can be told at once
(shared_state.names publishes it over Redis); without them other processes' changes show after
MAX_AGE_S.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

# Other processes (webhook instances on one PostgreSQL) write too: their changes show after this long.
MAX_AGE_S = 30.0
_versions: WeakKeyDictionary[Engine, int] = WeakKeyDictionary()
_entries: WeakKeyDictionary[Engine, dict[str, tuple[int, float, Any]]] = WeakKeyDictionary()
_listeners: WeakKeyDictionary[Engine, list[Callable[[], None]]] = WeakKeyDictionary()
log = logging.getLogger(__name__)


def _key(bind: Any) -> Engine | None:
    if isinstance(bind, AsyncEngine):
        return bind.sync_engine
    if isinstance(bind, AsyncConnection):
        return bind.engine.sync_engine
    return bind if isinstance(bind, Engine) else None


def invalidate(bind: Any, *, notify: bool = True) -> None:
    """Mark everything cached for this engine stale; `notify` tells its listeners (a change made here,
    not one heard of from another instance)."""
    key = _key(bind)
    if key is None:
        return
    _versions[key] = _versions.get(key, 0) + 1
    for listener in list(_listeners.get(key, ())) if notify else ():
        try:
            listener()
        except Exception:  # telling others is best effort: the change itself is committed
            log.warning("a cache listener failed", exc_info=True)


def on_invalidate(bind: Any, listener: Callable[[], None]) -> Callable[[], None]:
    """Call `listener` after each local `invalidate` of this engine; returns what unregisters it."""
    key = _key(bind)
    if key is None:
        raise TypeError(f"not an engine: {bind!r}")
    _listeners.setdefault(key, []).append(listener)

    def remove() -> None:
        listeners = _listeners.get(key, [])
        if listener in listeners:
            listeners.remove(listener)

    return remove


def version(bind: Any) -> int:
    """How many times this engine's cache was invalidated: what a cache of one's own compares against."""
    key = _key(bind)
    return _versions.get(key, 0) if key is not None else 0


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
