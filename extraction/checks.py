"""Last checks on an assembled agreement: is it a Russian region's agreement at all?"""

from __future__ import annotations

from .article import Article
from .models import Agreement


def turn_down(a: Agreement, art: Article) -> str | None:
    """Why `a` is no agreement to report, or None."""
    if not a.regions:
        return "no Russian region is a party: a deal between companies, or between states"
    return None
