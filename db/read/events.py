"""Events in the base (forums, sessions, visits): their list with counts, and what `/event ПМЭФ-2024`
names. Agreements keep the event as extracted text; db.read.event_names folds it into a key and a year
(the year in the name, else the agreement's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import cache
from db.engine import read_connection
from db.models import VISIBLE, Agreement
from db.read import event_names

A = Agreement.__table__
SHOWN = A.c.hidden == VISIBLE


@dataclass(slots=True)
class EventTotal:
    """One event in one year (None: the year is unknown) with its agreements' count and ruble sum."""

    key: str
    name: str
    year: int | None
    count: int
    total: float


@dataclass(slots=True)
class _Raw:
    text: str
    key: event_names.EventKey
    named_year: int | None  # the year the text itself holds
    years: dict[int | None, tuple[int, float]] = field(default_factory=dict)


async def _raw(session: AsyncSession) -> list[_Raw]:
    """Every distinct event text with its agreements' count and sum per agreement year (a scan of the
    base: kept until it changes, db.cache)."""
    await read_connection(session)
    cached = cache.get(session.bind, "events")
    if cached is not None:
        return cached
    version = cache.version(session.bind)
    rub = func.sum(case((A.c.amount_currency == "RUB", A.c.amount_value), else_=None))
    q = (
        select(A.c.event, A.c.year, func.count().label("n"), rub.label("s"))
        .where(SHOWN, A.c.event.is_not(None))
        .group_by(A.c.event, A.c.year)
    )
    found: dict[str, _Raw] = {}
    for row in (await session.execute(q)).all():
        raw = found.get(row.event)
        if raw is None:
            key = event_names.event_key(row.event)
            if key is None:
                continue
            raw = found[row.event] = _Raw(row.event, key, event_names.event_year(row.event))
        raw.years[row.year] = (int(row.n), float(row.s or 0))
    out = list(found.values())
    if cache.version(session.bind) == version:  # no change committed meanwhile
        cache.put(session.bind, "events", out)
    return out


def _merge(raws: list[_Raw]) -> list[EventTotal]:
    merged: dict[tuple[str, int | None], EventTotal] = {}
    for raw in raws:
        for year, (n, s) in raw.years.items():
            year = raw.named_year or year
            total = merged.setdefault(
                (raw.key.key, year), EventTotal(raw.key.key, raw.key.name, year, 0, 0.0)
            )
            total.count += n
            total.total += s
    return sorted(merged.values(), key=lambda t: (-t.count, t.name, -(t.year or 0)))


async def catalog(session: AsyncSession) -> list[EventTotal]:
    """Every event of the base by year, most agreements first."""
    return _merge(await _raw(session))


@dataclass(slots=True)
class EventMatch:
    """What an event query named: the event, the year asked for (None: all), the years it has with
    their counts (newest first), and the SQL condition selecting its agreements."""

    key: str
    name: str
    year: int | None
    years: list[tuple[int | None, int]]
    condition: Any

    @property
    def title(self) -> str:
        return f"{self.name}-{self.year}" if self.year else self.name


async def find(session: AsyncSession, text: str) -> EventMatch | None:
    """The event `text` names ("ПМЭФ-2024", "Петербургский международный экономический форум",
    "ВЭФ", "форум регионов России и Беларуси"), or None when the base has no such event (or no
    agreement of it in the year asked)."""
    query = event_names.parse_query(text)
    raws = await _raw(session)
    keys = {raw.key.key: raw.key.name for raw in raws}
    found = event_names.resolve(query.text, keys) if query.text else []
    if not found:
        return None
    key = found[0]
    mine = [raw for raw in raws if raw.key.key == key]
    years = [(t.year, t.count) for t in _merge(mine)]
    years.sort(key=lambda yc: (yc[0] is None, -(yc[0] or 0)))
    if query.year is not None and all(y != query.year for y, _ in years):
        return None
    return EventMatch(key, keys[key], query.year, years, _condition(mine, query.year))


def _condition(raws: list[_Raw], year: int | None) -> Any:
    if year is None:
        return A.c.event.in_([raw.text for raw in raws])
    named = [raw.text for raw in raws if raw.named_year == year]
    unnamed = [raw.text for raw in raws if raw.named_year is None]
    parts = []
    if named:
        parts.append(A.c.event.in_(named))
    if unnamed:
        parts.append(and_(A.c.event.in_(unnamed), A.c.year == year))
    return or_(*parts) if parts else false()
