"""Build AgreementView objects for a list of agreement ids in a fixed number of queries."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Text, bindparam, cast, literal_column, null, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.engine import WRITE
from db.history.read import histories
from db.models import (
    VISIBLE,
    Agreement,
    AgreementCountry,
    AgreementOrganization,
    AgreementRegion,
    AgreementSignatory,
    AgreementSource,
    Article,
    Country,
    Organization,
    Person,
    Region,
)
from db.read.views import AgreementView, HistoryItem, SourceView
from extraction.models import Amount, PartialDate, Signatory

A = Agreement.__table__
AR, AO, AC, AS = (
    AgreementRegion.__table__,
    AgreementOrganization.__table__,
    AgreementCountry.__table__,
    AgreementSignatory.__table__,
)
SRC, ART = AgreementSource.__table__, Article.__table__
# Ids are int4 on PostgreSQL: a larger number (a forged button, a typed command) is no agreement.
MAX_ID = 2**31 - 1
CARD_SENTENCE = 400  # characters of a news sentence a stored card keeps
REG, ORG, CTRY, PER = Region.__table__, Organization.__table__, Country.__table__, Person.__table__


def _kind(letter: str) -> object:
    # A literal column, not a bound parameter: asyncpg cannot type parameters in a UNION's select list.
    return literal_column(f"'{letter}'", Text)


async def load_views(session: AsyncSession, ids: Sequence[int]) -> list[AgreementView]:
    """Views for `ids`, in the order given (missing, hidden and deleted ids are left out), from the
    stored cards."""
    ids = [i for i in ids if 0 < i <= MAX_ID]
    if not ids:
        return []
    rows = (
        await session.execute(select(A.c.id, A.c.card).where(A.c.id.in_(list(ids)), A.c.hidden == VISIBLE))
    ).all()
    return await views_from_rows(session, rows, ids)


async def views_from_rows(
    session: AsyncSession, rows: Sequence[Any], order: Sequence[int] | None = None
) -> list[AgreementView]:
    """Views from (id, card) rows; rows without a card are built from the tables."""
    views = {r[0]: from_card(r[0], r[1]) for r in rows if r[1]}
    missing = [r[0] for r in rows if not r[1]]
    if missing:
        views.update({v.id: v for v in await build_views(session, missing)})
    ids = order if order is not None else [r[0] for r in rows]
    return [views[i] for i in ids if i in views]


def to_card(view: AgreementView) -> str:
    d = view.date
    data = {
        "t": view.doc_type,
        "d": [d.year, d.month, d.day] if d else None,
        "r": view.regions,
        "p": view.partners,
        "c": view.countries,
        "s": [[s.name, s.role] for s in view.signatories],
        "e": view.event,
        "a": [view.amount.value, view.amount.currency] if view.amount else None,
        "v": view.evidence,
        "k": round(view.confidence, 3),
        "src": [
            [
                s.article_id,
                s.url,
                s.title,
                s.published.isoformat() if s.published else None,
                s.kind,
                [s.amount.value, s.amount.currency] if s.amount else None,
                [s.date.year, s.date.month, s.date.day] if s.date else None,
                s.date_basis,
            ]
            for s in view.sources
        ],
    }
    if view.history_total:
        data["h"] = [
            [h.mention_id, h.kind, h.sentence[:CARD_SENTENCE], h.published.isoformat() if h.published else None,
             h.article_id, h.url, h.title, h.source_kind]
            for h in view.history
        ]
        data["hn"], data["ht"] = view.history_total, view.terminated
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def from_card(agreement_id: int, card: str) -> AgreementView:
    data = json.loads(card)
    return AgreementView(
        id=agreement_id,
        doc_type=data["t"],
        date=PartialDate(*data["d"]) if data["d"] else None,
        regions=data["r"],
        partners=data["p"],
        countries=data["c"],
        signatories=[Signatory(n, r) for n, r in data["s"]],
        event=data["e"],
        amount=Amount(*data["a"]) if data["a"] else None,
        evidence=data["v"],
        sources=[_source(entry) for entry in data["src"]],
        history=[_news(entry) for entry in data.get("h", [])],
        history_total=data.get("hn", 0),
        terminated=data.get("ht", False),
        confidence=data.get("k", 1.0),  # cards before 0007 have none: their rows say 1
    )


def _news(entry: list[Any]) -> HistoryItem:
    mention_id, kind, sentence, published, article_id, url, title, source_kind = entry
    return HistoryItem(
        mention_id, kind, sentence, date.fromisoformat(published) if published else None, article_id, url, title,
        source_kind,
    )


def _source(entry: list[Any]) -> SourceView:
    article_id, url, title, published, *facts = entry  # cards before 0003 hold four fields
    kind, amount, when, basis = (facts + [None, None, None, None])[:4]
    return SourceView(
        article_id,
        url,
        title,
        date.fromisoformat(published) if published else None,
        kind,
        Amount(*amount) if amount else None,
        PartialDate(*when) if when else None,
        basis,
    )


async def refresh_cards(session: AsyncSession, ids: Iterable[int], batch: int = 500) -> None:
    """Rebuild the stored cards of `ids` from the tables (in the caller's transaction)."""
    todo = sorted(set(ids))
    for start in range(0, len(todo), batch):
        views = await build_views(session, todo[start : start + batch])
        if views:
            await session.execute(
                update(A).where(A.c.id == bindparam("b_id")).values(card=bindparam("b_card")),
                [{"b_id": v.id, "b_card": to_card(v)} for v in views],
            )


async def fill_missing_cards(engine: AsyncEngine, batch: int = 500) -> int:
    """Build the cards that are missing (rows written before migration 0002); returns how many."""
    done = 0
    while True:
        async with AsyncSession(engine) as session:
            await session.connection(execution_options=WRITE)
            ids = list(
                (await session.execute(select(A.c.id).where(A.c.card.is_(None)).limit(batch))).scalars()
            )
            if not ids:
                return done
            await refresh_cards(session, ids)
            await session.commit()
            done += len(ids)


async def build_views(session: AsyncSession, ids: Sequence[int]) -> list[AgreementView]:
    """Views for `ids` joined from the normalized tables, in the order given."""
    if not ids:
        return []
    ids = list(ids)
    rows = (
        await session.execute(
            select(
                A.c.id,
                A.c.doc_type,
                A.c.year,
                A.c.month,
                A.c.day,
                A.c.event,
                A.c.amount_value,
                A.c.amount_currency,
                A.c.evidence,
                A.c.confidence,
            ).where(A.c.id.in_(ids))
        )
    ).all()
    parties = union_all(
        select(
            _kind("r").label("kind"),
            AR.c.agreement_id,
            REG.c.name,
            cast(null(), Text).label("role"),
            AR.c.position,
        )
        .join(REG, REG.c.id == AR.c.region_id)
        .where(AR.c.agreement_id.in_(ids)),
        select(_kind("o"), AO.c.agreement_id, ORG.c.name, cast(null(), Text), AO.c.position)
        .join(ORG, ORG.c.id == AO.c.organization_id)
        .where(AO.c.agreement_id.in_(ids)),
        select(_kind("c"), AC.c.agreement_id, CTRY.c.name, cast(null(), Text), AC.c.position)
        .join(CTRY, CTRY.c.id == AC.c.country_id)
        .where(AC.c.agreement_id.in_(ids)),
        select(_kind("s"), AS.c.agreement_id, PER.c.name, AS.c.role, AS.c.position)
        .join(PER, PER.c.id == AS.c.person_id)
        .where(AS.c.agreement_id.in_(ids)),
    )
    names: dict[tuple[str, int], list[tuple[int, str, str | None]]] = defaultdict(list)
    for kind, agreement_id, name, role, position in (await session.execute(parties)).all():
        names[(kind, agreement_id)].append((position, name, role))
    sources: dict[int, list[SourceView]] = defaultdict(list)
    source_rows = await session.execute(
        select(
            SRC.c.agreement_id,
            ART.c.id,
            ART.c.url,
            ART.c.title,
            ART.c.published,
            ART.c.kind,
            ART.c.date_basis,
            SRC.c.amount_value,
            SRC.c.amount_currency,
            SRC.c.year,
            SRC.c.month,
            SRC.c.day,
        )
        .join(ART, ART.c.id == SRC.c.article_id)
        .where(SRC.c.agreement_id.in_(ids))
        .order_by(ART.c.id)
    )
    for agreement_id, article_id, url, title, published, kind, basis, value, currency, y, m, d in source_rows.all():
        amount = Amount(value, currency or "RUB") if value is not None else None
        when = PartialDate(y, m, d) if (y or m or d) else None
        sources[agreement_id].append(SourceView(article_id, url, title, published, kind, amount, when, basis))

    news = await histories(session, ids)

    def listed(kind: str, agreement_id: int) -> list[tuple[int, str, str | None]]:
        return sorted(names.get((kind, agreement_id), []), key=lambda t: t[0])

    views: dict[int, AgreementView] = {}
    for r in rows:
        when = PartialDate(r.year, r.month, r.day) if (r.year or r.month or r.day) else None
        amount = Amount(r.amount_value, r.amount_currency) if r.amount_value is not None else None
        views[r.id] = AgreementView(
            id=r.id,
            doc_type=r.doc_type,
            date=when,
            regions=[n for _, n, _ in listed("r", r.id)],
            partners=[n for _, n, _ in listed("o", r.id)],
            countries=[n for _, n, _ in listed("c", r.id)],
            signatories=[Signatory(n, role) for _, n, role in listed("s", r.id)],
            event=r.event,
            amount=amount,
            evidence=r.evidence,
            sources=sources.get(r.id, []),
            confidence=r.confidence,
        )
        if (h := news.get(r.id)) is not None:
            views[r.id].history, views[r.id].history_total, views[r.id].terminated = h.items, h.total, h.terminated
    return [views[i] for i in ids if i in views]
