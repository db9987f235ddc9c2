"""Write side: put one article and its agreements into the open transaction (no commit here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Agreement as AgreementRow,
)
from db.models import (
    AgreementCountry,
    AgreementOrganization,
    AgreementRegion,
    AgreementSignatory,
    AgreementSource,
    Article,
    Country,
    Organization,
    OrganizationAlias,
    Person,
    Region,
)
from db.normalize import agreement_key, content_hash, org_key, person_key, search_text, sort_key, unique
from db.upsert import ensure_ids, insert_ignore
from extraction.models import Agreement

A = AgreementRow.__table__
ART, SRC = Article.__table__, AgreementSource.__table__
AR, AO, AC, AS = (
    AgreementRegion.__table__,
    AgreementOrganization.__table__,
    AgreementCountry.__table__,
    AgreementSignatory.__table__,
)
REG, CTRY, ORG, ALIAS, PER = (
    Region.__table__,
    Country.__table__,
    Organization.__table__,
    OrganizationAlias.__table__,
    Person.__table__,
)
_NAME_MAX = 500


@dataclass(slots=True)
class ArticleIn:
    """An article to store. `source` is "user" or "seed:<folder name>"."""

    text: str
    url: str | None = None
    published: date | None = None
    title: str | None = None
    sent_by: int | None = None
    source: str = "user"


async def insert_article(session: AsyncSession, article: ArticleIn) -> tuple[int, bool]:
    """Insert the article unless its text (normalized) or url is known; return (id, already_known)."""
    digest = content_hash(article.text)
    url = (article.url or "").strip() or None
    stmt = (
        insert_ignore(session, ART)
        .values(
            text=article.text,
            title=article.title,
            url=url,
            published=article.published,
            content_hash=digest,
            sent_by=article.sent_by,
            sent_at=datetime.now(UTC),
            source=article.source,
        )
        .returning(ART.c.id)
    )
    row = (await session.execute(stmt)).first()
    if row is not None:
        return row[0], False
    existing = await find_article(session, article)
    if existing is None:  # the conflicting row went away in between: let the caller retry
        raise LookupError("conflicting article vanished")
    return existing, True


async def find_article(session: AsyncSession, article: ArticleIn) -> int | None:
    """The id of the stored article with the same normalized text or the same url, if any."""
    cond = ART.c.content_hash == content_hash(article.text)
    url = (article.url or "").strip()
    if url:
        cond = or_(cond, ART.c.url == url)
    return (await session.execute(select(ART.c.id).where(cond).order_by(ART.c.id).limit(1))).scalar()


async def article_agreement_ids(session: AsyncSession, article_id: int) -> list[int]:
    """Ids of the agreements an article reports."""
    rows = await session.execute(
        select(SRC.c.agreement_id).where(SRC.c.article_id == article_id).order_by(SRC.c.agreement_id)
    )
    return list(rows.scalars())


async def attach(
    session: AsyncSession, article_id: int, agreement: Agreement, refreshed: set[int] | None = None
) -> tuple[int, bool]:
    """Store `agreement` as reported by the article; return (agreement id, created).

    An agreement with the same key (parties + date) gets this article as one more source. With
    `refreshed` (a reload), an existing agreement's fields are first rewritten from this extraction.
    """
    regions = unique(agreement.regions)
    region_ids = await ensure_ids(session, REG, "name", [{"name": n[:200]} for n in regions])
    partners: dict[str, tuple[str, list[str]]] = {}
    for p in agreement.partners:
        key = org_key(p.name)[:_NAME_MAX]
        if not key:
            continue
        name, aliases = partners.setdefault(key, (p.name.strip()[:_NAME_MAX], []))
        aliases.extend([p.name, *p.aliases])
    org_ids = await ensure_ids(session, ORG, "key", [{"key": k, "name": n} for k, (n, _) in partners.items()])
    alias_rows = [
        {"organization_id": org_ids[k], "alias": a[:_NAME_MAX], "key": org_key(a)[:_NAME_MAX]}
        for k, (_, aliases) in sorted(partners.items())
        for a in unique(aliases)
    ]
    if alias_rows:
        await session.execute(insert_ignore(session, ALIAS), alias_rows)
    countries = unique(agreement.countries)
    country_ids = await ensure_ids(session, CTRY, "name", [{"name": n[:200]} for n in countries])
    people: dict[str, tuple[str, str | None]] = {}
    for s in agreement.signatories:
        key = person_key(s.name)[:300]
        if key and key not in people:
            people[key] = (s.name.strip()[:300], s.role)
    person_ids = await ensure_ids(
        session, PER, "key", [{"key": k, "name": n} for k, (n, _) in people.items()]
    )

    sk = sort_key(agreement.date)
    evidence = " ".join(unique(agreement.evidence))
    fields = {
        "doc_type": agreement.doc_type,
        "event": agreement.event,
        "amount_value": agreement.amount.value if agreement.amount else None,
        "amount_currency": agreement.amount.currency if agreement.amount else None,
        "evidence": evidence,
        "search": search_text(agreement),
    }
    d = agreement.date
    stmt = (
        insert_ignore(session, A)
        .values(
            key=agreement_key(agreement),
            year=d.year if d else None,
            month=d.month if d else None,
            day=d.day if d else None,
            sort_key=sk,
            created_at=datetime.now(UTC),
            **fields,
        )
        .returning(A.c.id)
    )
    row = (await session.execute(stmt)).first()
    created = row is not None
    signatory_rows = [
        {"person_id": person_ids[k], "role": role, "position": i}
        for i, (k, (_, role)) in enumerate(people.items())
    ]
    if created:
        agreement_id = row[0]
        await _insert_links(
            session, agreement_id, sk, regions, region_ids, list(partners), org_ids, countries, country_ids
        )
    else:
        agreement_id = (
            await session.execute(select(A.c.id).where(A.c.key == agreement_key(agreement)))
        ).scalar_one()
        if refreshed is not None and agreement_id not in refreshed:
            await session.execute(update(A).where(A.c.id == agreement_id).values(**fields))
            await session.execute(delete(AS).where(AS.c.agreement_id == agreement_id))
        else:
            await _merge(session, agreement_id, fields)
    if signatory_rows:
        await session.execute(
            insert_ignore(session, AS), [{"agreement_id": agreement_id, **r} for r in signatory_rows]
        )
    if refreshed is not None:
        refreshed.add(agreement_id)
    await session.execute(
        insert_ignore(session, SRC).values(
            agreement_id=agreement_id, article_id=article_id, evidence=evidence
        )
    )
    return agreement_id, created


async def _insert_links(
    session: AsyncSession,
    agreement_id: int,
    sk: int,
    regions: list[str],
    region_ids: dict[str, int],
    partner_keys: list[str],
    org_ids: dict[str, int],
    countries: list[str],
    country_ids: dict[str, int],
) -> None:
    for table, column, names, ids in (
        (AR, "region_id", [n[:200] for n in regions], region_ids),
        (AO, "organization_id", partner_keys, org_ids),
        (AC, "country_id", [n[:200] for n in countries], country_ids),
    ):
        rows = [
            {"agreement_id": agreement_id, column: ids[n], "sort_key": sk, "position": i}
            for i, n in enumerate(unique(names))
        ]
        if rows:
            await session.execute(insert_ignore(session, table), rows)


async def _merge(session: AsyncSession, agreement_id: int, fields: dict[str, object]) -> None:
    """A second report of a known agreement fills what the first one left empty."""
    current = (
        await session.execute(
            select(A.c.event, A.c.amount_value, A.c.evidence, A.c.search).where(A.c.id == agreement_id)
        )
    ).one()
    changes: dict[str, object] = {}
    if current.event is None and fields["event"]:
        changes["event"] = fields["event"]
    if current.amount_value is None and fields["amount_value"] is not None:
        changes["amount_value"] = fields["amount_value"]
        changes["amount_currency"] = fields["amount_currency"]
    if not current.evidence and fields["evidence"]:
        changes["evidence"] = fields["evidence"]
    extra = str(fields["search"])
    if extra and extra not in current.search:
        changes["search"] = f"{current.search} || {extra}"
    if changes:
        await session.execute(update(A).where(A.c.id == agreement_id).values(**changes))


async def remove_orphans(session: AsyncSession) -> None:
    """Drop agreements no article reports any more, and organizations/people nothing refers to."""
    await session.execute(
        delete(A).where(~select(SRC.c.agreement_id).where(SRC.c.agreement_id == A.c.id).exists())
    )
    await session.execute(
        delete(ORG).where(~select(AO.c.organization_id).where(AO.c.organization_id == ORG.c.id).exists())
    )
    await session.execute(
        delete(PER).where(~select(AS.c.person_id).where(AS.c.person_id == PER.c.id).exists())
    )
