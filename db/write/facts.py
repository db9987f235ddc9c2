"""Facts kept per source: which sum and date an agreement shows when its sources disagree.

Every source keeps the sum and date it states (agreement_source). The agreement shows the value of
the most trusted source that states one (a fetched page, a feed or the seeds outrank a text a user
pasted or forwarded), and among equally trusted ones the first that reported it: a later source,
a user's pasted copy with a made-up sum above all, never overrides what is shown. The card lists
the other values with their sources.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    TRUSTED_KINDS,
    VISIBLE,
    Agreement,
    AgreementCountry,
    AgreementOrganization,
    AgreementRegion,
    AgreementSource,
    Article,
)
from db.normalize import sort_key
from extraction.models import PartialDate

A, SRC, ART = Agreement.__table__, AgreementSource.__table__, Article.__table__
LINKS = (AgreementRegion.__table__, AgreementOrganization.__table__, AgreementCountry.__table__)


def trust(kind: str | None) -> int:
    """2 for a publisher's text (page, feed, seeds), 1 for a user's."""
    return 2 if kind in TRUSTED_KINDS else 1


@dataclass(slots=True)
class _Source:
    article_id: int
    kind: str | None
    amount: tuple[float, str] | None
    date: tuple[int | None, int | None, int | None] | None


def _pick(sources: list[_Source], attr: str) -> object | None:
    stated = [s for s in sources if getattr(s, attr) is not None]
    if not stated:
        return None
    best = min(stated, key=lambda s: (-trust(s.kind), s.article_id))
    return getattr(best, attr)


async def settle(session: AsyncSession, ids: Iterable[int], batch: int = 500) -> set[int]:
    """Set the sum and date each agreement in `ids` shows from its sources; returns the ids changed.

    Agreements without any source keep what they have. Runs in the caller's transaction.
    """
    todo = sorted(set(ids))
    changed: set[int] = set()
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        by_agreement: dict[int, list[_Source]] = defaultdict(list)
        rows = await session.execute(
            select(
                SRC.c.agreement_id,
                SRC.c.article_id,
                ART.c.kind,
                SRC.c.amount_value,
                SRC.c.amount_currency,
                SRC.c.year,
                SRC.c.month,
                SRC.c.day,
            )
            .join(ART, ART.c.id == SRC.c.article_id)
            .where(SRC.c.agreement_id.in_(chunk))
        )
        for agreement_id, article_id, kind, value, currency, y, m, d in rows.all():
            amount = (float(value), currency or "RUB") if value is not None else None
            when = (y, m, d) if (y or m or d) else None
            by_agreement[agreement_id].append(_Source(article_id, kind, amount, when))
        current = await session.execute(
            select(
                A.c.id, A.c.amount_value, A.c.amount_currency, A.c.year, A.c.month, A.c.day, A.c.hidden
            ).where(A.c.id.in_(list(by_agreement)))
        )
        for agreement_id, value, currency, y, m, d, hidden in current.all():
            sources = by_agreement[agreement_id]
            amount = _pick(sources, "amount")
            when = _pick(sources, "date")
            values: dict[str, object] = {}
            now_amount = (float(value), currency) if value is not None else None
            if amount != now_amount:
                values["amount_value"] = amount[0] if amount else None  # type: ignore[index]
                values["amount_currency"] = amount[1] if amount else None  # type: ignore[index]
            now_date = (y, m, d) if (y or m or d) else None
            if when != now_date:
                year, month, day = when if when else (None, None, None)  # type: ignore[misc]
                sk = sort_key(PartialDate(year, month, day)) if when else 0
                values.update(year=year, month=month, day=day, sort_key=sk)
                if hidden == VISIBLE:
                    for link in LINKS:
                        await session.execute(
                            update(link).where(link.c.agreement_id == agreement_id).values(sort_key=sk)
                        )
            if values:
                await session.execute(update(A).where(A.c.id == agreement_id).values(**values))
                changed.add(agreement_id)
    return changed
