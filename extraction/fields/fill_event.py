"""Fill an agreement's event: the forum, visit or session its signing sentences name."""

from __future__ import annotations

from extraction.explain import Note
from extraction.reading.article import Article
from extraction.signings.group import Group


def fill_event(art: Article, g: Group) -> tuple[str | None, Note | None]:
    """The event of the first signing sentence that names one; a title shortens it ("на ПМЭФ"), so the
    body's sentences come first."""
    for i in sorted(g.indices, key=lambda i: i == 0):
        ev = art.events.get(i)
        if ev:
            return ev[0], Note("event", "«на/в рамках/в ходе …» an event word in the signing sentence", i)
    return None, None
