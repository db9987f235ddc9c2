"""Read the later news of agreements: for their cards, a page of it, single items for alerts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Article
from db.models.history import Mention
from db.read.views import HistoryItem
from extraction.history.models import TERMINATED

M, ART = Mention.__table__, Article.__table__
CARD_NEWS = 3  # news items a stored card keeps; the rest are read page by page


@dataclass(slots=True)
class History:
    """An agreement's latest news, how many items there are in all, whether it was terminated."""

    items: list[HistoryItem] = field(default_factory=list)
    total: int = 0
    terminated: bool = False


def _select():  # noqa: ANN202
    return select(
        M.c.id, M.c.agreement_id, M.c.kind, M.c.sentence, M.c.published, M.c.article_id, ART.c.url, ART.c.title,
        ART.c.kind.label("source_kind"),
    ).join(ART, ART.c.id == M.c.article_id)


def _item(r) -> HistoryItem:  # noqa: ANN001
    return HistoryItem(r.id, r.kind, r.sentence, r.published, r.article_id, r.url, r.title, r.source_kind)


def _newest_first():  # noqa: ANN202
    return (M.c.published.desc(), M.c.id.desc())


async def histories(session: AsyncSession, ids: Sequence[int], limit: int = CARD_NEWS) -> dict[int, History]:
    """The news of each agreement of `ids` that has any."""
    ids = list(ids)
    if not ids:
        return {}
    out: dict[int, History] = defaultdict(History)
    counts = await session.execute(
        select(M.c.agreement_id, func.count(), func.max(case((M.c.kind == TERMINATED, 1), else_=0)))
        .where(M.c.agreement_id.in_(ids))
        .group_by(M.c.agreement_id)
    )
    for agreement_id, total, terminated in counts.all():
        out[agreement_id].total = int(total)
        out[agreement_id].terminated = bool(terminated)
    if not out:
        return {}
    rows = await session.execute(_select().where(M.c.agreement_id.in_(list(out))).order_by(*_newest_first()))
    for r in rows.all():
        h = out[r.agreement_id]
        if len(h.items) < limit:
            h.items.append(_item(r))
    return dict(out)


async def news_page(session: AsyncSession, agreement_id: int, offset: int, limit: int) -> tuple[list[HistoryItem], int]:
    """One page of an agreement's news, newest first, and how many items there are in all."""
    total = (await session.execute(select(func.count()).where(M.c.agreement_id == agreement_id))).scalar_one()
    rows = await session.execute(
        _select().where(M.c.agreement_id == agreement_id).order_by(*_newest_first()).offset(max(0, offset)).limit(limit)
    )
    return [_item(r) for r in rows.all()], int(total)


async def news_items(session: AsyncSession, mention_ids: Sequence[int]) -> dict[int, HistoryItem]:
    """Single news items by mention id (those gone meanwhile are left out)."""
    ids = sorted(set(mention_ids))
    if not ids:
        return {}
    rows = await session.execute(_select().where(M.c.id.in_(ids)))
    return {r.id: _item(r) for r in rows.all()}
