"""Turn a Russian news article into the cooperation agreements it reports as signed."""

from __future__ import annotations

from .models import Agreement, Amount, PartialDate, Partner, Signatory
from .nlp import warm_up as _warm_nlp
from .pipeline import extract


def warm_up() -> None:
    """Load natasha models and build the gazetteer now (once per process)."""
    from . import gazetteer

    _warm_nlp()
    gazetteer.warm_up()


__all__ = ["Agreement", "Amount", "PartialDate", "Partner", "Signatory", "extract", "warm_up"]
