"""Later news of earlier agreements: sentences that speak of an agreement signed before (what came
of it: progress, an amendment, a termination), with the parties they name and the year of the
signing. `find_mentions(text, published)` is the entry point; natasha loads on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from extraction.history.models import KINDS, Mention

if TYPE_CHECKING:
    from extraction.history.mentions import find_mentions


def __getattr__(name: str) -> Any:
    if name == "find_mentions":  # reads natasha: only when something is looked for
        from extraction.history.mentions import find_mentions

        return find_mentions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["KINDS", "Mention", "find_mentions"]
