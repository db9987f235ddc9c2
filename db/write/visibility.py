"""Whether a newly stored agreement is shown, held for /review or hidden, and how it becomes shown.

An agreement naming more regions than one signing has (`extraction.fields.checks.suspected_list`) is
stored HIDDEN with a report for the admins. One from a news feed whose confidence is below the
feed threshold is stored HELD: out of every public answer and alert until an admin approves it in
/review, or until a source that would show it on its own (a user's text or link, a seed, a surer
feed item) reports it too. Everything else is VISIBLE.
"""

from __future__ import annotations

from datetime import UTC, datetime

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
    Report,
)
from db.write.upsert import insert_ignore
from extraction.fields.checks import suspected_list
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


def link_sort_key(sk: int, hidden: int) -> int:
    """The sort key link rows carry: -1 for an agreement not shown, so that lookups skip it in the index."""
    return sk if hidden == VISIBLE else -1


async def report_suspected_list(session: AsyncSession, agreement_id: int) -> None:
    """The report that puts a suspected list (stored hidden) in the admins' /reports."""
    await session.execute(
        insert_ignore(session, Report.__table__).values(
            agreement_id=agreement_id,
            user_id=None,
            reason="too_many_parties",
            status="open",
            snapshot="",
            created_at=datetime.now(UTC),
        )
    )


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
