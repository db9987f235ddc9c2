"""Access to extraction's gazetteer (regions and countries), tolerant of it being absent or partial."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Place:
    """A region or country as the db needs it."""

    name: str
    iso: str | None = None
    capital: str | None = None
    aliases: tuple[str, ...] = ()


def _gazetteer() -> Any | None:
    try:
        from extraction.finders import gazetteer
    except ImportError:  # the gazetteer is extraction's; the store still works on names it is given
        log.warning("extraction.finders.gazetteer is not available; regions come only from ingested agreements")
        return None
    return gazetteer


def regions() -> list[Place]:
    g = _gazetteer()
    if g is None:
        return []
    return [
        Place(r.name, getattr(r, "iso", None), getattr(r, "capital", None), tuple(getattr(r, "aliases", ())))
        for r in getattr(g, "REGIONS", ())
    ]


def countries() -> list[Place]:
    g = _gazetteer()
    if g is None:
        return []
    return [Place(c.name, aliases=tuple(getattr(c, "aliases", ()))) for c in getattr(g, "COUNTRIES", ())]


def find_region(text: str) -> str | None:
    """The official name of the region `text` names, by the gazetteer's own matcher."""
    g = _gazetteer()
    finder = getattr(g, "find_region", None) if g is not None else None
    if finder is None:
        return None
    try:
        found = finder(text)
    except Exception:  # a matcher bug must not break a lookup; fuzzy matching still runs
        log.exception("find_region failed on %r", text)
        return None
    return found.name if found is not None else None
