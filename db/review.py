"""The review queue: agreements from news feeds held for an admin (/review) because extraction was
not sure enough of them (FEED_MIN_CONFIDENCE, db.write.visibility).

Approving one shows it everywhere and writes its followers' alerts to the outbox in the same
transaction, once: only the call that moves it out of HELD does, and the outbox keeps one row per
(user, agreement). Rejecting one hides it (restorable with /restore, like any hidden agreement).
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import cache, outbox
from db.engine import read_connection
from db.models import HELD, HIDDEN, Agreement, AgreementSource
from db.moderation import _begin_write
from db.read import fulltext
from db.read.cards import MAX_ID, views_from_rows
from db.read.views import AgreementView
from db.write.visibility import show

A, SRC = Agreement.__table__, AgreementSource.__table__


async def held(session: AsyncSession, offset: int = 0, limit: int = 5) -> tuple[list[AgreementView], int]:
    """Held agreements, oldest first: (this page, how many are held in all)."""
    await read_connection(session)
    total = int((await session.execute(select(func.count()).where(A.c.hidden == HELD))).scalar_one())
    rows = (
        await session.execute(
            select(A.c.id, A.c.card).where(A.c.hidden == HELD).order_by(A.c.id).offset(max(0, offset)).limit(limit)
        )
    ).all()
    return await views_from_rows(session, rows), total


async def _state(session: AsyncSession, agreement_id: int) -> int | None:
    return (await session.execute(select(A.c.hidden).where(A.c.id == agreement_id))).scalar()


async def approve(session: AsyncSession, agreement_id: int) -> int | None:
    """Show a held agreement and queue its followers' alerts; returns the state it had (None: no
    such agreement; anything but HELD: nothing done). Commits."""
    if not 0 < agreement_id <= MAX_ID:
        return None
    await _begin_write(session)
    before = await _state(session, agreement_id)
    if before == HELD and await show(session, agreement_id, HELD):
        await fulltext.refresh(session, [agreement_id])
        first = (
            await session.execute(select(func.min(SRC.c.article_id)).where(SRC.c.agreement_id == agreement_id))
        ).scalar()
        if first is not None:
            await outbox.enqueue(session, first, [agreement_id], None)
    elif before == HELD:  # another admin's approve or reject came first
        before = await _state(session, agreement_id)
    await session.commit()
    cache.invalidate(session.bind)
    return None if before is None else int(before)


async def reject(session: AsyncSession, agreement_id: int) -> int | None:
    """Hide a held agreement; returns the state it had (as `approve`). Commits."""
    if not 0 < agreement_id <= MAX_ID:
        return None
    await _begin_write(session)
    before = await _state(session, agreement_id)
    if before == HELD:  # its link rows already carry sort_key -1
        done = await session.execute(
            update(A).where(A.c.id == agreement_id, A.c.hidden == HELD).values(hidden=HIDDEN)
        )
        if not done.rowcount:  # another admin's approve or reject came first
            before = await _state(session, agreement_id)
    await session.commit()
    cache.invalidate(session.bind)
    return None if before is None else int(before)
