"""Turn a Russian news article into the cooperation agreements it reports as signed.

`extract` and the natasha models load on first use: importing `extraction.models` or
`extraction.reading.text` (as the bot's main process does) costs no model loading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from extraction.models import Agreement, Amount, PartialDate, Partner, Signatory

if TYPE_CHECKING:
    from extraction.pipeline import extract


def warm_up() -> None:
    """Load natasha models and build the gazetteer now (once per process)."""
    from extraction.finders import gazetteer
    from extraction.reading.nlp import warm_up as warm_nlp

    warm_nlp()
    gazetteer.warm_up()


def __getattr__(name: str) -> Any:
    if name == "extract":  # the pipeline imports natasha: only when something is extracted
        from extraction.pipeline import extract

        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Agreement", "Amount", "PartialDate", "Partner", "Signatory", "extract", "warm_up"]
