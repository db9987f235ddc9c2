"""Store an article's mentions and link them (in the caller's transaction; no commit here).

`store_mentions` writes the mentions of a newly stored article and links each to the agreement it
most likely speaks of (`db.history.link.pick`): an agreement this same article reports is never
chosen (an additional agreement is linked to the one it amends, not to itself), and one article
links an agreement once, the strongest news first. `link_waiting` links the mentions still waiting
when new agreements arrive.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.history.link import Candidate, Sides, mention_sides, pick
from db.models import (
    VISIBLE,
    Agreement,
    AgreementCountry,
    AgreementOrganization,
    AgreementRegion,
    AgreementSource,
    Country,
    Organization,
    OrganizationAlias,
    Region,
)
from db.models.history import PARTY_COUNTRY, PARTY_PARTNER, PARTY_REGION, Mention, MentionParty
from db.normalize import fold
from db.write.upsert import insert_ignore
from extraction.history.models import AMENDED, KINDS, OTHER, PROGRESS, TERMINATED
from extraction.history.models import Mention as Found
from extraction.reading.text import clean_text

M, MP = Mention.__table__, MentionParty.__table__
A, SRC = Agreement.__table__, AgreementSource.__table__
AR, AO, AC = AgreementRegion.__table__, AgreementOrganization.__table__, AgreementCountry.__table__
REG, ORG, ALIAS, CTRY = Region.__table__, Organization.__table__, OrganizationAlias.__table__, Country.__table__
# the strongest news links first when one article speaks of an agreement more than once
PRIORITY = {TERMINATED: 0, AMENDED: 1, PROGRESS: 2, OTHER: 3}
MAX_CANDIDATES = 500
MAX_SENTENCE = 2000
_KEY_MAX = 500


@dataclass(frozen=True, slots=True)
class Linked:
    """A mention linked to an agreement just now."""

    mention_id: int
    agreement_id: int
    kind: str
    article_id: int


def _party_rows(mention_id: int, sides: Sides) -> list[dict[str, object]]:
    rows = [(PARTY_REGION, k) for k in sides.regions] + [(PARTY_PARTNER, k) for k in sides.partners]
    rows += [(PARTY_COUNTRY, k) for k in sides.countries]
    return [{"mention_id": mention_id, "kind": kind, "key": key[:_KEY_MAX]} for kind, key in sorted(set(rows)) if key]


def _parties_json(m: Found) -> str:
    data = {"r": m.regions, "p": [p.name for p in m.partners], "c": m.countries}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


async def store_mentions(
    session: AsyncSession,
    article_id: int,
    mentions: Sequence[Found],
    own_ids: Iterable[int],
    published: date | None,
) -> list[Linked]:
    """Write the article's mentions and link those whose agreement is known; returns the links made."""
    if not mentions:
        return []
    own = set(own_ids)
    now = datetime.now(UTC)
    news_date = published or now.date()
    stored: list[tuple[int, Found, Sides]] = []
    for position, m in enumerate(mentions):
        kind = m.kind if m.kind in KINDS else OTHER
        d = m.date
        row = (
            await session.execute(
                insert_ignore(session, M)
                .values(
                    article_id=article_id,
                    position=position,
                    kind=kind,
                    sentence=clean_text(m.sentence)[:MAX_SENTENCE],
                    parties=clean_text(_parties_json(m)),
                    doc_type=(clean_text(m.doc_type) or "соглашение")[:100],
                    year=d.year if d else None,
                    month=d.month if d else None,
                    day=d.day if d else None,
                    signed=m.signed,
                    published=news_date,
                    created_at=now,
                )
                .returning(M.c.id)
            )
        ).first()
        if row is None:  # stored before (the same article read again)
            continue
        sides = mention_sides(m)
        parties = _party_rows(row[0], sides)
        if parties:
            await session.execute(insert_ignore(session, MP), parties)
        stored.append((row[0], m, sides))
    linked: list[Linked] = []
    taken: set[int] = set()
    for mention_id, m, sides in sorted(stored, key=lambda t: PRIORITY.get(t[1].kind, 9)):
        agreement_id = pick(sides, await candidates(session, sides), exclude=own | taken)
        if agreement_id is None:
            continue
        await session.execute(update(M).where(M.c.id == mention_id).values(agreement_id=agreement_id))
        taken.add(agreement_id)
        linked.append(Linked(mention_id, agreement_id, m.kind, article_id))
    return linked


async def record(
    session: AsyncSession,
    article_id: int,
    mentions: Sequence[Found],
    own_ids: Sequence[int],
    new_ids: Sequence[int],
    published: date | None,
) -> tuple[list[int], list[Linked]]:
    """What ingest does with a new article's mentions: store and link them, then link the waiting
    mentions of its new agreements. Returns the agreements whose cards change and the links this
    article's own mentions made (the news followers may hear of)."""
    news = await store_mentions(session, article_id, mentions, own_ids, published)
    late = await link_waiting(session, new_ids) if new_ids else []
    return sorted({x.agreement_id for x in news + late}), news


async def linked_by(session: AsyncSession, article_ids: Any) -> set[int]:
    """Agreements that mentions from `article_ids` (ids or a subquery) are linked to: their cards
    change when those articles go."""
    rows = await session.execute(
        select(M.c.agreement_id).where(M.c.article_id.in_(article_ids), M.c.agreement_id.is_not(None))
    )
    return set(rows.scalars())


async def candidates(session: AsyncSession, sides: Sides) -> list[Candidate]:
    """Shown agreements sharing a partner (exactly or nearly: all of the mention's regions are looked
    at) or, for a mention without a partner, a country; with their sides."""
    ids: set[int] = set()
    if sides.partners:
        keys = sorted(sides.partners)
        by_org = select(AO.c.agreement_id).join(ORG, ORG.c.id == AO.c.organization_id).where(ORG.c.key.in_(keys))
        by_alias = select(AO.c.agreement_id).join(
            ALIAS, ALIAS.c.organization_id == AO.c.organization_id
        ).where(ALIAS.c.key.in_(keys))
        for q in (by_org, by_alias):
            ids.update((await session.execute(q.limit(MAX_CANDIDATES))).scalars())
        if sides.regions:
            ids.update(await _in_regions(session, sides.regions))
    elif sides.countries:
        q = select(AC.c.agreement_id).join(CTRY, CTRY.c.id == AC.c.country_id)
        names = await _names(session, CTRY, sides.countries)
        ids.update((await session.execute(q.where(CTRY.c.name.in_(names)).limit(MAX_CANDIDATES))).scalars())
    return await sides_of(session, sorted(ids))


async def _names(session: AsyncSession, table, folded: set[str]) -> list[str]:  # noqa: ANN001
    """The stored names whose folded form is one of `folded` (reference tables are small)."""
    rows = (await session.execute(select(table.c.name))).scalars()
    return [n for n in rows if fold(n) in folded]


async def _in_regions(session: AsyncSession, regions: set[str]) -> list[int]:
    names = await _names(session, REG, regions)
    if not names:
        return []
    q = (
        select(AR.c.agreement_id)
        .join(REG, REG.c.id == AR.c.region_id)
        .where(REG.c.name.in_(names), AR.c.sort_key >= 0)
        .order_by(AR.c.sort_key.desc())
        .limit(MAX_CANDIDATES)
    )
    return list((await session.execute(q)).scalars())


async def sides_of(session: AsyncSession, ids: Sequence[int]) -> list[Candidate]:
    """The sides of shown agreements `ids`, as keys."""
    if not ids:
        return []
    rows = (await session.execute(select(A.c.id, A.c.year).where(A.c.id.in_(ids), A.c.hidden == VISIBLE))).all()
    found = {r.id: Sides(year=r.year) for r in rows}
    if not found:
        return []
    shown = list(found)
    for agreement_id, name in await session.execute(
        select(AR.c.agreement_id, REG.c.name).join(REG, REG.c.id == AR.c.region_id).where(AR.c.agreement_id.in_(shown))
    ):
        found[agreement_id].regions.add(fold(name))
    for agreement_id, name in await session.execute(
        select(AC.c.agreement_id, CTRY.c.name)
        .join(CTRY, CTRY.c.id == AC.c.country_id)
        .where(AC.c.agreement_id.in_(shown))
    ):
        found[agreement_id].countries.add(fold(name))
    for agreement_id, key in await session.execute(
        select(AO.c.agreement_id, ORG.c.key).join(ORG, ORG.c.id == AO.c.organization_id).where(AO.c.agreement_id.in_(shown))
    ):
        found[agreement_id].partners.add(key)
    for agreement_id, key in await session.execute(
        select(AO.c.agreement_id, ALIAS.c.key)
        .join(ALIAS, ALIAS.c.organization_id == AO.c.organization_id)
        .where(AO.c.agreement_id.in_(shown))
    ):
        found[agreement_id].partners.add(key)
    return [Candidate(i, found[i]) for i in shown]


async def link_waiting(session: AsyncSession, agreement_ids: Sequence[int]) -> list[Linked]:
    """Link the waiting mentions that speak of one of the new agreements `agreement_ids` (and of no
    other agreement as well); returns the links made."""
    new = await sides_of(session, list(agreement_ids))
    if not new:
        return []
    # by region too: a partner written otherwise ("газпром нефти") is matched by `pick`, not by key
    keys = {(PARTY_PARTNER, k) for c in new for k in c.sides.partners}
    keys |= {(PARTY_COUNTRY, k) for c in new for k in c.sides.countries}
    keys |= {(PARTY_REGION, k) for c in new for k in c.sides.regions}
    if not keys:
        return []
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, key in keys:
        by_kind[kind].append(key)
    waiting: set[int] = set()
    for kind, values in by_kind.items():
        rows = await session.execute(
            select(MP.c.mention_id)
            .join(M, M.c.id == MP.c.mention_id)
            .where(MP.c.kind == kind, MP.c.key.in_(sorted(values)), M.c.agreement_id.is_(None))
            .limit(MAX_CANDIDATES)
        )
        waiting.update(rows.scalars())
    linked: list[Linked] = []
    new_ids = {c.agreement_id for c in new}
    for mention_id, article_id, kind, sides in await _stored_sides(session, sorted(waiting)):
        own = set(
            (await session.execute(select(SRC.c.agreement_id).where(SRC.c.article_id == article_id))).scalars()
        )
        agreement_id = pick(sides, await candidates(session, sides), exclude=own)
        if agreement_id is None or agreement_id not in new_ids:
            continue
        taken = await session.execute(
            select(M.c.id).where(and_(M.c.article_id == article_id, M.c.agreement_id == agreement_id))
        )
        if taken.first() is not None:  # this article already speaks of it in another sentence
            continue
        await session.execute(update(M).where(M.c.id == mention_id).values(agreement_id=agreement_id))
        linked.append(Linked(mention_id, agreement_id, kind, article_id))
    return linked


async def _stored_sides(session: AsyncSession, ids: list[int]) -> list[tuple[int, int, str, Sides]]:
    if not ids:
        return []
    rows = (await session.execute(select(M.c.id, M.c.article_id, M.c.kind, M.c.year).where(M.c.id.in_(ids)))).all()
    sides = {r.id: Sides(year=r.year) for r in rows}
    for mention_id, kind, key in await session.execute(
        select(MP.c.mention_id, MP.c.kind, MP.c.key).where(MP.c.mention_id.in_(ids))
    ):
        target = {PARTY_REGION: sides[mention_id].regions, PARTY_PARTNER: sides[mention_id].partners,
                  PARTY_COUNTRY: sides[mention_id].countries}[kind]
        target.add(key)
    return [(r.id, r.article_id, r.kind, sides[r.id]) for r in sorted(rows, key=lambda r: r.id)]

