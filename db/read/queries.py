"""Read side: lookups by region and partner, free-text search, recent, one agreement, stats."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Select, Table, bindparam, func, literal_column, select, union, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from db import places
from db.engine import read_connection
from db.models import (
    VISIBLE,
    Agreement,
    AgreementCountry,
    AgreementOrganization,
    AgreementRegion,
    Organization,
    Region,
)
from db.normalize import org_key
from db.read import counts, fulltext
from db.read.cards import MAX_ID, load_views, views_from_rows
from db.read.names import Target, match, partner_index, region_index, region_query_key
from db.read.views import AgreementView, Lookup, Page, Stats

A = Agreement.__table__
AR, AO, AC = AgreementRegion.__table__, AgreementOrganization.__table__, AgreementCountry.__table__
MAX_LIMIT = 1000  # /export asks for up to 1,000 at once
# A forged page button can carry any number; the databases take OFFSET up to 64 bits, and nothing
# this far exists anyway.
MAX_OFFSET = 2**31 - 1


def _bounds(offset: int, limit: int) -> tuple[int, int]:
    return max(0, min(MAX_OFFSET, int(offset))), max(1, min(MAX_LIMIT, int(limit)))


def _shown_links(table: Table) -> Any:
    """Link rows of visible agreements: hidden ones carry sort_key -1 (a range of the lookup index)."""
    return table.c.sort_key >= 0


async def _paged(session: AsyncSession, ids_q: Select, count_q: Select, offset: int, limit: int) -> Page:
    """One statement: the page of (id, card) rows in `ids_q` order, each carrying the total count.

    `ids_q` selects (agreement_id, sort_key); a second statement runs only when the page is empty.
    """
    page = (
        ids_q.order_by(None)
        .order_by(ids_q.selected_columns.sort_key.desc(), ids_q.selected_columns.agreement_id.desc())
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    q = (
        select(A.c.id, A.c.card, count_q.scalar_subquery().label("total"))
        .join_from(page, A, A.c.id == page.c.agreement_id)
        .order_by(page.c.sort_key.desc(), page.c.agreement_id.desc())
    )
    rows = (await session.execute(q)).all()
    if not rows:
        # An empty first page means nothing matches; past the end, the total is still wanted.
        total = int((await session.execute(count_q)).scalar_one()) if offset else 0
        return Page([], total, offset, limit)
    return Page(await views_from_rows(session, rows), int(rows[0].total), offset, limit)


def _single_target_statement(table: Table, column: Column) -> Select:
    """Built once: the page and total of agreements linked to one region/organization/country."""
    target = (column == bindparam("target")) & _shown_links(table)
    page = (
        select(table.c.agreement_id, table.c.sort_key)
        .where(target)
        .order_by(table.c.sort_key.desc(), table.c.agreement_id.desc())
        .limit(bindparam("lim"))
        .offset(bindparam("off"))
        .subquery()
    )
    total = select(func.count()).select_from(table).where(target).scalar_subquery()
    return (
        select(A.c.id, A.c.card, total.label("total"))
        .join_from(page, A, A.c.id == page.c.agreement_id)
        .order_by(page.c.sort_key.desc(), page.c.agreement_id.desc())
    )


_LINKS = {
    "r": (AR, AR.c.region_id),
    "o": (AO, AO.c.organization_id),
    "c": (AC, AC.c.country_id),
}
_SINGLE = {kind: _single_target_statement(table, column) for kind, (table, column) in _LINKS.items()}


async def _linked_page(session: AsyncSession, targets: list[Target], offset: int, limit: int) -> Page:
    """Agreements linked to any of `targets`, newest first, from the link tables' (id, sort_key) indexes."""
    if len(targets) == 1:
        kind, target_id = targets[0]
        params = {"target": target_id, "lim": limit, "off": offset}
        rows = (await session.execute(_SINGLE[kind], params)).all()
        if rows:
            return Page(await views_from_rows(session, rows), int(rows[0].total), offset, limit)
        if not offset:
            return Page([], 0, offset, limit)
        table, column = _LINKS[kind]
        count_q = select(func.count()).select_from(table).where(column == target_id, _shown_links(table))
        return Page([], int((await session.execute(count_q)).scalar_one()), offset, limit)
    parts: list[Select] = []
    for kind, (table, column) in _LINKS.items():
        ids = [i for k, i in targets if k == kind]
        if ids:
            parts.append(
                select(table.c.agreement_id, table.c.sort_key).where(column.in_(ids), _shown_links(table))
            )
    if not parts:
        return Page([], 0, offset, limit)
    # One agreement may hold several matched parties: count and list it once.
    both = union(*parts).subquery()
    ids_q = select(both.c.agreement_id, func.max(both.c.sort_key).label("sort_key")).group_by(
        both.c.agreement_id
    )
    count_q = select(func.count(func.distinct(both.c.agreement_id)))
    return await _paged(session, ids_q, count_q, offset, limit)


async def region_targets(session: AsyncSession, text: str) -> tuple[list[str], list[Target], list[str]]:
    """(matched names, name-index targets, suggestions) of the region `text` names, as /region reads it."""
    index = await region_index(session)
    official = places.find_region(text) if text.strip() else None
    targets = [t for t, name in index.display.items() if name == official] if official else []
    suggestions: list[str] = []
    if not targets:
        found = match(index, text, region_query_key)
        targets, suggestions = found.targets, found.suggestions
    return index.names(targets), targets, suggestions


async def partner_targets(session: AsyncSession, text: str) -> tuple[list[str], list[Target], list[str]]:
    """(matched names, targets, suggestions) of the organization or country `text` names, as /partner."""
    index = await partner_index(session)
    found = match(index, text, org_key)
    return index.names(found.targets), found.targets, found.suggestions


def linked_ids(targets: list[Target]) -> Any:
    """A subquery of the visible agreement ids linked to any of `targets` (regions, organizations, countries)."""
    parts = []
    for kind, (table, column) in _LINKS.items():
        ids = [i for k, i in targets if k == kind]
        if ids:
            parts.append(select(table.c.agreement_id).where(column.in_(ids), _shown_links(table)))
    return union(*parts) if len(parts) > 1 else parts[0]


async def by_region(session: AsyncSession, text: str, offset: int = 0, limit: int = 5) -> Lookup:
    """Agreements of the region `text` names (any case, inflection, alias, capital or typo), newest first."""
    await read_connection(session)
    offset, limit = _bounds(offset, limit)
    names, targets, suggestions = await region_targets(session, text)
    if not targets:
        return Lookup([], Page([], 0, offset, limit), suggestions)
    return Lookup(names, await _linked_page(session, targets, offset, limit), [])


async def by_partner(session: AsyncSession, text: str, offset: int = 0, limit: int = 5) -> Lookup:
    """Agreements with the organization or foreign country `text` names (legal forms, case, typos, prefixes)."""
    await read_connection(session)
    offset, limit = _bounds(offset, limit)
    names, targets, suggestions = await partner_targets(session, text)
    if not targets:
        return Lookup([], Page([], 0, offset, limit), suggestions)
    return Lookup(names, await _linked_page(session, targets, offset, limit), [])


async def search(session: AsyncSession, text: str, offset: int = 0, limit: int = 5) -> Page:
    """Agreements whose parties, signatories, event or evidence hold every word of `text` in any
    inflected form (or a word it begins), best matches first, then newest; a query too broad to rank
    lists them newest added first (db.read.fulltext)."""
    await read_connection(session)
    offset, limit = _bounds(offset, limit)
    query = fulltext.parse_query(text)
    if not query:
        return Page([], 0, offset, limit)
    found = await fulltext.ranked_ids(session, query, offset, limit)
    return Page(await load_views(session, found.ids), found.total, offset, limit, found.more)


_VISIBLE_LITERAL = A.c.hidden == literal_column(str(VISIBLE))  # a literal: the partial index's own predicate


def _recent_statement() -> Select:
    """Built once: a page of the partial index of visible agreements, each row with the kept total."""
    page = (
        select(A.c.id.label("agreement_id"), A.c.sort_key)
        .where(_VISIBLE_LITERAL)
        .order_by(A.c.sort_key.desc(), A.c.id.desc())
        .limit(bindparam("lim"))
        .offset(bindparam("off"))
        .subquery()
    )
    return (
        select(A.c.id, A.c.card, counts.total_statement(counts.AGREEMENTS).scalar_subquery().label("total"))
        .join_from(page, A, A.c.id == page.c.agreement_id)
        .order_by(page.c.sort_key.desc(), page.c.agreement_id.desc())
    )


_RECENT = _recent_statement()


async def recent(session: AsyncSession, offset: int = 0, limit: int = 5) -> Page:
    """All agreements, newest signing date first (undated last): one walk of the partial index of
    visible agreements, with the total from the kept counts (db.read.counts)."""
    await read_connection(session)
    offset, limit = _bounds(offset, limit)
    rows = (await session.execute(_RECENT, {"lim": limit, "off": offset})).all()
    if not rows:
        return Page([], await counts.total(session, counts.AGREEMENTS), offset, limit)
    return Page(await views_from_rows(session, rows), int(rows[0].total), offset, limit)


async def get(session: AsyncSession, agreement_id: int) -> AgreementView | None:
    """One shown agreement by id, or None (also for a number no id can be)."""
    if not 0 < agreement_id <= MAX_ID:
        return None
    await read_connection(session)
    views = await load_views(session, [agreement_id])
    return views[0] if views else None


async def stats(session: AsyncSession, top: int = 10) -> Stats:
    """Counts of agreements and articles; the `top` regions and partners; agreements by year and type.
    Read from the kept counts (db.read.counts), never by counting the agreements."""
    await read_connection(session)
    kept = await counts.all_counts(session, top)
    reg, org = Region.__table__, Organization.__table__
    by_region, by_partner = kept.get(counts.REGION, {}), kept.get(counts.PARTNER, {})
    wanted = {reg: _candidates(by_region, top), org: _candidates(by_partner, top)}
    names = await _names(session, wanted)
    regions = _ranked(reg, by_region, wanted[reg], names, top)
    partners = _ranked(org, by_partner, wanted[org], names, top)
    years = sorted(
        ((int(y) if y else None, n) for y, n in kept.get(counts.YEAR, {}).items()),
        key=lambda yc: (yc[0] is None, yc[0] or 0),
    )
    types = sorted(kept.get(counts.DOC_TYPE, {}).items(), key=lambda tc: (-tc[1], tc[0]))
    return Stats(
        agreements=kept.get(counts.AGREEMENTS, {}).get("", 0),
        articles=kept.get(counts.ARTICLES, {}).get("", 0),
        regions=regions,
        partners=partners,
        years=years,
        doc_types=types,
    )


async def _names(session: AsyncSession, wanted: dict[Table, list[int]]) -> dict[tuple[Table, int], str]:
    """Names of regions and organizations by id, in one statement."""
    parts = [
        select(literal_column(str(n)).label("t"), table.c.id, table.c.name).where(table.c.id.in_(ids))
        for n, (table, ids) in enumerate(wanted.items())
        if ids
    ]
    if not parts:
        return {}
    tables = list(wanted)
    rows = await session.execute(union_all(*parts))
    return {(tables[int(t)], int(i)): name for t, i, name in rows}


def _candidates(by_id: dict[str, int], top: int) -> list[int]:
    """Ids that can be among the `top`: every id tied with the last place (ties go by name)."""
    if not by_id or top <= 0:
        return []
    cut = sorted(by_id.values(), reverse=True)[min(top, len(by_id)) - 1]
    return [int(i) for i, n in by_id.items() if n >= cut]


def _ranked(
    table: Table, by_id: dict[str, int], ids: list[int], names: dict[tuple[Table, int], str], top: int
) -> list[tuple[str, int]]:
    found = ((names[(table, i)], by_id[str(i)]) for i in ids if (table, i) in names)
    return sorted(found, key=lambda nc: (-nc[1], nc[0]))[: max(0, top)]
