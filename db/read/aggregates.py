"""Filtered views of the base: totals by region (the map), a filtered and sorted page of agreements
(the web page's table, its CSV), and one line of totals (under /region and /partner answers).

Names are resolved as /region and /partner resolve them (db.read.queries), free text as /search
(db.read.fulltext), events as /event (db.read.events)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import read_connection
from db.models import (
    VISIBLE,
    Agreement,
    AgreementCountry,
    AgreementOrganization,
    AgreementRegion,
    Country,
    Organization,
    Region,
)
from db.read import events, fulltext
from db.read.cards import views_from_rows
from db.read.queries import linked_ids, partner_targets, region_targets
from db.read.views import Page

A, AR, REG = Agreement.__table__, AgreementRegion.__table__, Region.__table__
AO, ORG = AgreementOrganization.__table__, Organization.__table__
AC, CTRY = AgreementCountry.__table__, Country.__table__
SHOWN = A.c.hidden == VISIBLE
MAX_TEXT = 200  # characters of one filter's text
MAX_PAGE = 100  # agreements in one page of the table
MAX_OFFSET = 2**31 - 1
SORTS = ("date", "date_asc", "sum", "sum_asc")
RUB_SUM = func.sum(case((A.c.amount_currency == "RUB", A.c.amount_value), else_=None))


@dataclass(slots=True)
class Filters:
    """What the map, the table and the CSV select: each part optional, all of them together."""

    region: str = ""
    partner: str = ""  # an organization or a foreign country, as /partner reads it
    country: str = ""  # a foreign country only
    year: int | None = None
    doc_type: str = ""
    event: str = ""  # "ПМЭФ-2024", "ВЭФ", as /event reads it
    q: str = ""  # the words /search takes

    def clipped(self) -> Filters:
        return Filters(
            *(v.strip()[:MAX_TEXT] if isinstance(v, str) else v for v in (
                self.region, self.partner, self.country, self.year, self.doc_type, self.event, self.q
            ))
        )  # fmt: skip

    @property
    def empty(self) -> bool:
        return not any(
            (self.region, self.partner, self.country, self.year, self.doc_type, self.event, self.q)
        )


@dataclass(slots=True)
class Selection:
    """Filters turned into SQL conditions on `agreement`, the names they matched, and the parts that
    matched nothing (then nothing is selected) with near names to offer."""

    conditions: list[Any] = field(default_factory=list)
    matched: dict[str, list[str]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    capped: bool = False  # the text search found more than it ranks (db.read.fulltext.COUNT_LIMIT)

    @property
    def nothing(self) -> bool:
        return bool(self.unknown)


async def select_by(session: AsyncSession, filters: Filters) -> Selection:
    """Resolve `filters` (names, event, words) into conditions."""
    await read_connection(session)
    f = filters.clipped()
    out = Selection(conditions=[SHOWN])
    if f.region:
        names, targets, suggestions = await region_targets(session, f.region)
        _add_targets(out, "region", names, targets, suggestions)
    if f.partner:
        names, targets, suggestions = await partner_targets(session, f.partner)
        _add_targets(out, "partner", names, targets, suggestions)
    if f.country:
        names, targets, suggestions = await partner_targets(session, f.country)
        countries = [t for t in targets if t[0] == "c"]
        _add_targets(out, "country", names if countries else [], countries, suggestions)
    if f.year is not None:
        out.conditions.append(A.c.year == f.year)
    if f.doc_type:
        out.conditions.append(A.c.doc_type == f.doc_type)
    if f.event:
        found = await events.find(session, f.event)
        if found is None:
            out.unknown.append("event")
        else:
            out.matched["event"] = [found.title]
            out.conditions.append(found.condition)
    if f.q:
        query = fulltext.parse_query(f.q)
        found_ids = await fulltext.ranked_ids(session, query, 0, fulltext.COUNT_LIMIT) if query else None
        if found_ids is None or not found_ids.ids:
            out.unknown.append("q")
        else:
            out.capped = found_ids.more
            out.conditions.append(A.c.id.in_(found_ids.ids))
    return out


def _add_targets(
    out: Selection, what: str, names: list[str], targets: list[Any], suggestions: list[str]
) -> None:
    if not targets:
        out.unknown.append(what)
        out.suggestions.extend(suggestions)
        return
    out.matched[what] = names
    out.conditions.append(A.c.id.in_(linked_ids(targets)))


@dataclass(slots=True)
class RegionTotal:
    name: str
    count: int
    total: float  # the sum in rubles (other currencies are not added up)


async def region_totals(session: AsyncSession, selection: Selection) -> list[RegionTotal]:
    """Every federal subject with the number and the ruble sum of the selected agreements it signed
    (zeros included), most first."""
    names = {row.id: row.name for row in (await session.execute(select(REG.c.id, REG.c.name))).all()}
    counts: dict[int, tuple[int, float]] = {}
    if not selection.nothing:
        q = (
            select(AR.c.region_id, func.count().label("n"), RUB_SUM.label("s"))
            .join(A, A.c.id == AR.c.agreement_id)
            .where(AR.c.sort_key >= 0, *selection.conditions)
            .group_by(AR.c.region_id)
        )
        counts = {r.region_id: (int(r.n), float(r.s or 0)) for r in (await session.execute(q)).all()}
    out = [RegionTotal(name, *counts.get(region_id, (0, 0.0))) for region_id, name in names.items()]
    return sorted(out, key=lambda t: (-t.count, -t.total, t.name))


async def partner_totals(session: AsyncSession, selection: Selection, top: int = 10) -> list[RegionTotal]:
    """The `top` partners (organizations and foreign countries) of the selected agreements, most first."""
    if selection.nothing:
        return []
    out: list[RegionTotal] = []
    for link, names, column in ((AO, ORG, AO.c.organization_id), (AC, CTRY, AC.c.country_id)):
        n = func.count().label("n")
        q = (
            select(names.c.name, n, RUB_SUM.label("s"))
            .join(link, column == names.c.id)
            .join(A, A.c.id == link.c.agreement_id)
            .where(link.c.sort_key >= 0, *selection.conditions)
            .group_by(names.c.id, names.c.name)
            .order_by(n.desc(), names.c.name)
            .limit(top)
        )
        out += [RegionTotal(r.name, int(r.n), float(r.s or 0)) for r in (await session.execute(q)).all()]
    return sorted(out, key=lambda t: (-t.count, t.name))[:top]


async def agreements(
    session: AsyncSession, selection: Selection, offset: int = 0, limit: int = 20, sort: str = "date"
) -> Page:
    """One page of the selected agreements: newest first (`date`), oldest first (`date_asc`), the
    largest ruble sum first (`sum`) or the smallest (`sum_asc`); undated and sumless ones last."""
    offset = max(0, min(MAX_OFFSET, int(offset)))
    limit = max(1, min(MAX_PAGE, int(limit)))
    if selection.nothing:
        return Page([], 0, offset, limit)
    rub = case((A.c.amount_currency == "RUB", A.c.amount_value), else_=None)
    order = {
        "date": [A.c.sort_key.desc(), A.c.id.desc()],
        "date_asc": [(A.c.sort_key == 0).asc(), A.c.sort_key.asc(), A.c.id.asc()],
        "sum": [rub.is_(None).asc(), rub.desc(), A.c.id.desc()],
        "sum_asc": [rub.is_(None).asc(), rub.asc(), A.c.id.desc()],
    }[sort if sort in SORTS else "date"]
    total = await count(session, selection)
    q: Select = (
        select(A.c.id, A.c.card).where(*selection.conditions).order_by(*order).limit(limit).offset(offset)
    )
    rows = (await session.execute(q)).all()
    return Page(await views_from_rows(session, rows), total, offset, limit, selection.capped)


async def count(session: AsyncSession, selection: Selection) -> int:
    if selection.nothing:
        return 0
    q = select(func.count()).select_from(A).where(*selection.conditions)
    return int((await session.execute(q)).scalar_one())


@dataclass(slots=True)
class Totals:
    """One line about a selection: how many, from which year to which, for how much (rubles)."""

    count: int
    first_year: int | None
    last_year: int | None
    total: float


async def totals(session: AsyncSession, selection: Selection) -> Totals:
    if selection.nothing:
        return Totals(0, None, None, 0.0)
    q = select(func.count(), func.min(A.c.year), func.max(A.c.year), RUB_SUM).where(*selection.conditions)
    n, first, last, total = (await session.execute(q)).one()
    return Totals(int(n), first, last, float(total or 0))
