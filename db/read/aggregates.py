"""Filtered views of the base: totals by region (the map), a filtered and sorted page of agreements
(the web page's table, its CSV), and one line of totals (under /region and /partner answers).

Names are resolved as /region and /partner resolve them (db.read.queries), free text as /search
(db.read.fulltext), events as /event (db.read.events)."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import cache
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
    key: str = ""  # the filters, folded: what the totals are cached under

    @property
    def nothing(self) -> bool:
        return bool(self.unknown)


async def select_by(session: AsyncSession, filters: Filters) -> Selection:
    """Resolve `filters` (names, event, words) into conditions."""
    await read_connection(session)
    f = filters.clipped()
    out = Selection(conditions=[SHOWN], key=repr([v.casefold() if isinstance(v, str) else v for v in (
        f.region, f.partner, f.country, f.year, f.doc_type, f.event, f.q)]))  # fmt: skip
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
    cached = _cached(session, "regions", selection)
    if cached is not None:
        return cached
    version = cache.version(session.bind)
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
    return _keep(
        session, "regions", selection, version, sorted(out, key=lambda t: (-t.count, -t.total, t.name))
    )


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
    largest sum first (`sum`, the numbers as stated: other currencies are not converted) or the
    smallest (`sum_asc`); undated and sumless ones last, newest first. Each part is read along an
    index (ix_agreement_sort, ix_agreement_amount), never sorted whole."""
    offset = max(0, min(MAX_OFFSET, int(offset)))
    limit = max(1, min(MAX_PAGE, int(limit)))
    if selection.nothing:
        return Page([], 0, offset, limit)
    total = await count(session, selection)
    ids: list[int] = []
    skip = offset
    # A selective filter is read along its own index and its rows sorted; an index in the sort order
    # would be walked past every agreement the filter rejects (hundreds of ms at 100,000).
    parts = _parts(
        sort if sort in SORTS else "date", len(selection.conditions) > 1 and total <= SORT_IN_MEMORY
    )
    for i, (where, order) in enumerate(parts):
        part = Selection(
            [*selection.conditions, *where], key=f"{selection.key}|{sort}{i}" if selection.key else ""
        )
        if i < len(parts) - 1:
            size = await count(session, part)
            if skip >= size:
                skip -= size
                continue
        q: Select = select(A.c.id).where(*part.conditions).order_by(*order)
        ids += (await session.execute(q.limit(limit - len(ids)).offset(skip))).scalars().all()
        skip = 0
        if len(ids) >= limit:
            break
    # the cards last, for the page only: sorting never carries them
    cards = dict((await session.execute(select(A.c.id, A.c.card).where(A.c.id.in_(ids)))).tuples().all())
    rows = [(i, cards[i]) for i in ids if i in cards]
    return Page(await views_from_rows(session, rows), total, offset, limit, selection.capped)


SORT_IN_MEMORY = 20_000  # agreements a filter selects, at most, to sort them rather than walk an index


def _parts(sort: str, plain: bool) -> list[tuple[tuple[Any, ...], list[Any]]]:
    """The parts of a sort order: (conditions, ORDER BY) each, read one after the other. `plain`:
    over `column + 0`, the same values, which no index offers (the filter's own index is used, and
    the few rows it selects are sorted)."""
    sort_key, amount, row_id = (A.c.sort_key + 0, A.c.amount_value + 0, A.c.id + 0) if plain else (
        A.c.sort_key, A.c.amount_value, A.c.id)  # fmt: skip
    newest = [sort_key.desc(), row_id.desc()]
    if sort == "date_asc":
        return [((sort_key > 0,), [sort_key.asc(), row_id.asc()]), ((sort_key <= 0,), newest)]
    if sort in ("sum", "sum_asc"):
        by_sum = [amount.desc(), row_id.desc()] if sort == "sum" else [amount.asc(), row_id.asc()]
        return [((amount.is_not(None),), by_sum), ((amount.is_(None),), newest)]
    return [((), newest)]


async def count(session: AsyncSession, selection: Selection) -> int:
    """How many agreements the selection holds."""
    if selection.nothing:
        return 0
    cached = _cached(session, "count", selection)
    if cached is not None:
        return cached
    version = cache.version(session.bind)
    q = select(func.count()).select_from(A).where(*selection.conditions)
    return _keep(session, "count", selection, version, int((await session.execute(q)).scalar_one()))


# Totals over the whole base take a scan (hundreds of ms at 100,000 agreements): kept per engine and
# filters until the base changes (db.cache's version: ingest, moderation, other instances over Redis)
# or CACHE_AGE seconds pass (changes that no invalidation announces).
CACHE_AGE = 30.0
CACHE_SIZE = 256  # filter combinations per engine
_results: WeakKeyDictionary[Any, OrderedDict[tuple[str, str], tuple[int, float, Any]]] = WeakKeyDictionary()


def _engine(session: AsyncSession) -> Any:
    bind = session.bind
    return getattr(bind, "sync_engine", bind)


def _cached(session: AsyncSession, kind: str, selection: Selection) -> Any | None:
    entries = _results.get(_engine(session))
    entry = entries.get((kind, selection.key)) if entries is not None and selection.key else None
    if entry is None:
        return None
    version, born, value = entry
    if version != cache.version(session.bind) or time.monotonic() - born > CACHE_AGE:
        return None
    entries.move_to_end((kind, selection.key))  # type: ignore[union-attr]
    return value


def _keep(session: AsyncSession, kind: str, selection: Selection, version: int, value: Any) -> Any:
    """Cache `value`, computed from the base as of `version` (read before the query began)."""
    if selection.key:
        entries = _results.setdefault(_engine(session), OrderedDict())
        entries[(kind, selection.key)] = (version, time.monotonic(), value)
        while len(entries) > CACHE_SIZE:
            entries.popitem(last=False)
    return value


@dataclass(slots=True)
class Totals:
    """One line about a selection: how many, from which year to which, for how much (rubles)."""

    count: int
    first_year: int | None
    last_year: int | None
    total: float


async def totals(session: AsyncSession, selection: Selection) -> Totals:
    """Count, years and ruble sum of the selection (kept like `count`: every /region and /partner
    answer of more than a few agreements shows this line)."""
    if selection.nothing:
        return Totals(0, None, None, 0.0)
    cached = _cached(session, "totals", selection)
    if cached is not None:
        return cached
    version = cache.version(session.bind)
    q = select(func.count(), func.min(A.c.year), func.max(A.c.year), RUB_SUM).where(*selection.conditions)
    n, first, last, total = (await session.execute(q)).one()
    return _keep(session, "totals", selection, version, Totals(int(n), first, last, float(total or 0)))
