"""Whether a newly stored agreement is shown, held for /review or hidden, and how it becomes shown.

An agreement naming more regions than one signing has (`extraction.checks.suspected_list`) is
stored HIDDEN with a report for the admins. One from a news feed whose confidence is below the
feed threshold is stored HELD: out of every public answer and alert until an admin approves it in
/review, or until a source that would show it on its own (a user's text or link, a seed, a surer
feed item) reports it too. Everything else is VISIBLE.
"""

from __future__ import annotations

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    HELD,
    HIDDEN,
    KIND_FEED,
    VISIBLE,
    Agreement,
    AgreementCountry,
    AgreementOrganization,
    AgreementRegion,
)
from extraction.checks import suspected_list
from extraction.models import Agreement as Extracted

A = Agreement.__table__
LINKS = (AgreementRegion.__table__, AgreementOrganization.__table__, AgreementCountry.__table__)


def initial_state(agreement: Extracted, kind: str | None, hold_below: float | None) -> int:
    """The visibility an agreement first reported by a source of `kind` gets (see the module doc)."""
    if suspected_list(agreement):
        return HIDDEN
    if kind == KIND_FEED and hold_below is not None and agreement.confidence < hold_below:
        return HELD
    return VISIBLE


async def show(session: AsyncSession, agreement_id: int, was: int) -> bool:
    """Make the agreement VISIBLE if it is in state `was` (its link rows get its sort key back);
    True when it changed. In the caller's transaction: only one of two racing callers wins."""
    changed = await session.execute(
        update(A).where(A.c.id == agreement_id, A.c.hidden == was).values(hidden=VISIBLE)
    )
    if not changed.rowcount:
        return False
    sk = (await session.execute(select(A.c.sort_key).where(A.c.id == agreement_id))).scalar_one()
    for link in LINKS:
        await session.execute(update(link).where(link.c.agreement_id == agreement_id).values(sort_key=sk))
    return True


async def raise_confidence(session: AsyncSession, agreement_id: int, confidence: float) -> None:
    """Keep the highest confidence any source gave the agreement."""
    await session.execute(
        update(A)
        .where(A.c.id == agreement_id)
        .values(confidence=case((A.c.confidence < confidence, confidence), else_=A.c.confidence))
    )
