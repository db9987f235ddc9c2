"""Reports about wrong agreements, and what admins do about them: hide, delete, restore, dismiss.

A hidden agreement vanishes from every answer (its link rows carry sort_key -1, and every query
reads only visible agreements) and can be restored. A deleted one loses its links and stays as a
tombstone: its key keeps matching, so re-reading its article does not bring it back. Reports are
never deleted: each keeps the agreement as it was when reported (`snapshot`, a card JSON).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import cache
from db.engine import read_connection, write_connection
from db.models import (
    DELETED,
    HIDDEN,
    VISIBLE,
    Agreement,
    Report,
)
from db.read import fulltext
from db.read.cards import MAX_ID, build_views, to_card
from db.read.views import AgreementView
from db.write.store import remove_orphans
from db.write.upsert import insert_ignore
from db.write.visibility import LINKS, show

A, REPORT = Agreement.__table__, Report.__table__

# reason code -> what the user pressed (Russian)
REASONS: dict[str, str] = {
    "not_agreement": "не соглашение",
    "wrong_parties": "неверные стороны",
    "wrong_facts": "неверная дата или сумма",
}
AUTO_REASONS: dict[str, str] = {
    "too_many_parties": "слишком много регионов в одном предложении (скрыто автоматически)"
}


async def _begin_write(session: AsyncSession) -> None:
    """A fresh write transaction (BEGIN IMMEDIATE on SQLite), ending any read one first."""
    if session.in_transaction():
        await session.commit()
    await write_connection(session)


def reason_text(code: str) -> str:
    return REASONS.get(code) or AUTO_REASONS.get(code) or code


@dataclass(slots=True)
class AdminView:
    """An agreement as an admin sees it: hidden ones too."""

    view: AgreementView
    hidden: int


async def admin_view(session: AsyncSession, agreement_id: int) -> AdminView | None:
    """The agreement with this id whatever its visibility; None when there is none."""
    if not 0 < agreement_id <= MAX_ID:
        return None
    await read_connection(session)
    hidden = (await session.execute(select(A.c.hidden).where(A.c.id == agreement_id))).scalar()
    if hidden is None:
        return None
    views = await build_views(session, [agreement_id])
    return AdminView(views[0], int(hidden)) if views else None


async def add_report(
    session: AsyncSession, agreement_id: int, user_id: int | None, reason: str
) -> bool | None:
    """Store a report; True when new, False when this user already reported this, None when the
    agreement is not there (or hidden) to report. Commits."""
    if reason not in REASONS and reason not in AUTO_REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    if not 0 < agreement_id <= MAX_ID:
        return None
    await _begin_write(session)
    visible = (
        await session.execute(select(A.c.id).where(A.c.id == agreement_id, A.c.hidden == VISIBLE))
    ).scalar()
    if visible is None:
        await session.rollback()
        return None
    views = await build_views(session, [agreement_id])
    row = (
        await session.execute(
            insert_ignore(session, REPORT)
            .values(
                agreement_id=agreement_id,
                user_id=user_id,
                reason=reason,
                status="open",
                snapshot=to_card(views[0]) if views else "",
                created_at=datetime.now(UTC),
            )
            .returning(REPORT.c.id)
        )
    ).first()
    await session.commit()
    return row is not None


@dataclass(slots=True)
class ReportGroup:
    """The open reports of one agreement."""

    agreement_id: int | None
    reasons: dict[str, int] = field(default_factory=dict)
    users: int = 0
    first_at: datetime | None = None
    title: str = ""
    hidden: int = VISIBLE


async def open_reports(
    session: AsyncSession, offset: int = 0, limit: int = 10
) -> tuple[list[ReportGroup], int]:
    """Open reports grouped by agreement, most reported first; (groups of this page, total groups)."""
    await read_connection(session)
    offset = max(0, min(offset, MAX_ID))
    n = func.count().label("n")
    grouped = (
        select(REPORT.c.agreement_id, n, func.min(REPORT.c.created_at).label("first"))
        .where(REPORT.c.status == "open")
        .group_by(REPORT.c.agreement_id)
    )
    total = int((await session.execute(select(func.count()).select_from(grouped.subquery()))).scalar_one())
    page = (
        await session.execute(
            grouped.order_by(n.desc(), func.min(REPORT.c.created_at), REPORT.c.agreement_id)
            .limit(limit)
            .offset(offset)
        )
    ).all()
    ids = [r.agreement_id for r in page]
    real = [i for i in ids if i is not None]
    groups = {r.agreement_id: ReportGroup(r.agreement_id, first_at=r.first) for r in page}
    which = REPORT.c.agreement_id.in_(real)
    if None in ids:  # reports of agreements removed since (by a reload)
        which = or_(which, REPORT.c.agreement_id.is_(None))
    rows = await session.execute(
        select(REPORT.c.agreement_id, REPORT.c.reason, REPORT.c.user_id, REPORT.c.snapshot).where(
            REPORT.c.status == "open", which
        )
    )
    users: dict[int | None, set[int | None]] = {}
    snapshots: dict[int | None, str] = {}
    for agreement_id, reason, user_id, snapshot in rows.all():
        group = groups.get(agreement_id)
        if group is None:
            continue
        group.reasons[reason] = group.reasons.get(reason, 0) + 1
        users.setdefault(agreement_id, set()).add(user_id)
        if snapshot:
            snapshots[agreement_id] = snapshot
    views = {v.id: v for v in await build_views(session, real)}
    hidden = dict((await session.execute(select(A.c.id, A.c.hidden).where(A.c.id.in_(real)))).all())
    for agreement_id, group in groups.items():
        group.users = len(users.get(agreement_id, ()))
        group.hidden = int(hidden.get(agreement_id, VISIBLE))
        view = views.get(agreement_id) if agreement_id is not None else None
        if view is not None:
            group.title = _title(view.regions, view.partners, view.countries)
        elif agreement_id in snapshots:
            data = json.loads(snapshots[agreement_id])
            group.title = _title(data.get("r", []), data.get("p", []), data.get("c", []))
    return [groups[i] for i in ids], total


def _title(regions: list[str], partners: list[str], countries: list[str]) -> str:
    parties = [*regions[:3], *partners[:3], *countries[:2]]
    more = len(regions) + len(partners) + len(countries) - len(parties)
    text = " — ".join(parties) or "стороны не указаны"
    return text + (f" и ещё {more}" if more > 0 else "")


async def _resolve(session: AsyncSession, agreement_id: int, resolution: str, admin_id: int | None) -> int:
    result = await session.execute(
        update(REPORT)
        .where(REPORT.c.agreement_id == agreement_id, REPORT.c.status == "open")
        .values(status="resolved", resolution=resolution, resolved_at=datetime.now(UTC), resolved_by=admin_id)
    )
    return int(result.rowcount or 0)


async def hide(
    session: AsyncSession, agreement_id: int, admin_id: int | None, *, delete_it: bool = False
) -> int | None:
    """Hide (or delete: links removed, a tombstone kept) an agreement and resolve its open reports.

    Returns the visibility it had before, or None when there is no such agreement. Commits.
    """
    if not 0 < agreement_id <= MAX_ID:
        return None
    await _begin_write(session)
    # the row stays locked (PostgreSQL; SQLite has one writer) until the commit: another admin's action
    # on it waits, then sees this one's result as its `before`
    before = (
        await session.execute(select(A.c.hidden).where(A.c.id == agreement_id).with_for_update())
    ).scalar()
    if before is None:
        await session.rollback()
        return None
    target = DELETED if delete_it or before == DELETED else HIDDEN
    if before != DELETED and before != target:
        await session.execute(update(A).where(A.c.id == agreement_id).values(hidden=target))
        for link in LINKS:
            if delete_it:
                await session.execute(delete(link).where(link.c.agreement_id == agreement_id))
            else:
                await session.execute(
                    update(link).where(link.c.agreement_id == agreement_id).values(sort_key=-1)
                )
        if delete_it:
            await remove_orphans(session)
        await fulltext.refresh(session, [agreement_id])
    await _resolve(session, agreement_id, "deleted" if target == DELETED else "hidden", admin_id)
    await session.commit()
    cache.invalidate(session.bind)
    return int(before)


async def restore(session: AsyncSession, agreement_id: int) -> int | None:
    """Show a hidden agreement again; returns the visibility it had (None: no such agreement).
    A deleted one stays deleted. Commits."""
    if not 0 < agreement_id <= MAX_ID:
        return None
    await _begin_write(session)
    row = (await session.execute(select(A.c.hidden).where(A.c.id == agreement_id).with_for_update())).first()
    if row is None:
        await session.rollback()
        return None
    if row.hidden == HIDDEN and await show(session, agreement_id, HIDDEN):
        await fulltext.refresh(session, [agreement_id])
    await session.commit()
    cache.invalidate(session.bind)
    return int(row.hidden)


async def dismiss(session: AsyncSession, agreement_id: int, admin_id: int | None) -> int:
    """Close the open reports of an agreement as unfounded; returns how many. Commits."""
    if not 0 < agreement_id <= MAX_ID:
        return 0
    await _begin_write(session)
    count = await _resolve(session, agreement_id, "dismissed", admin_id)
    await session.commit()
    return count
