"""Write side: put one article and its agreements into the open transaction (no commit here)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from rapidfuzz import fuzz
from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    DELETED,
    HELD,
    HIDDEN,
    KIND_PAGE,
    KIND_SEED,
    KIND_TEXT,
    VISIBLE,
    AgreementCountry,
    AgreementKey,
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
from db.models import (
    Agreement as AgreementRow,
)
from db.normalize import (
    agreement_key,
    content_hash,
    fold,
    org_key,
    party_key,
    person_key,
    search_text,
    sort_key,
    unique,
)
from db.write.upsert import ensure_ids, insert_ignore
from db.write.visibility import initial_state, link_sort_key, raise_confidence, report_suspected_list, show
from extraction.models import Agreement
from extraction.reading.text import clean_optional, clean_text

A = AgreementRow.__table__
ART, SRC, KEYS = Article.__table__, AgreementSource.__table__, AgreementKey.__table__
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
# An article this similar to one already reporting an agreement with the same parties is an
# edited copy of it: its other date is kept as that source's fact, not made a new agreement.
# Short texts are alike by chance, so both must be long enough to tell.
EDITED_COPY_RATIO = 95.0
EDITED_COPY_MIN_CHARS = 200
_COPY_CHARS = 20_000


@dataclass(slots=True)
class ArticleIn:
    """An article to store. `source` is "user" or "seed:<folder name>"; `kind` (KIND_*) defaults to
    seed for seeds, page for a fetched link, text otherwise."""

    text: str
    url: str | None = None
    published: date | None = None
    title: str | None = None
    sent_by: int | None = None
    source: str = "user"
    kind: str | None = None
    date_basis: str | None = None  # db.models.DATE_SENT: `published` is the day it was sent

    def resolved_kind(self) -> str:
        if self.kind:
            return self.kind
        if self.source.startswith("seed:"):
            return KIND_SEED
        return KIND_PAGE if (self.url or "").strip() else KIND_TEXT


def clean_article(article: ArticleIn) -> ArticleIn:
    """The article with its text, title and url cleaned (`db.text.clean_text`)."""
    url = clean_text((article.url or "").strip()).strip() or None
    return replace(article, text=clean_text(article.text), title=clean_optional(article.title), url=url)


async def insert_article(session: AsyncSession, article: ArticleIn) -> tuple[int, bool]:
    """Insert the article unless its text (normalized) or url is known; return (id, already_known)."""
    kind = article.resolved_kind()
    article = clean_article(article)
    digest = content_hash(article.text)
    url = article.url
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
            kind=kind,
            date_basis=article.date_basis,
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
    article = clean_article(article)
    cond = ART.c.content_hash == content_hash(article.text)
    url = article.url
    if url:
        cond = or_(cond, ART.c.url == url)
    return (await session.execute(select(ART.c.id).where(cond).order_by(ART.c.id).limit(1))).scalar()


async def article_agreement_ids(session: AsyncSession, article_id: int) -> list[int]:
    """Ids of the agreements an article reports."""
    rows = await session.execute(
        select(SRC.c.agreement_id).where(SRC.c.article_id == article_id).order_by(SRC.c.agreement_id)
    )
    return list(rows.scalars())


def clean_agreement(agreement: Agreement) -> Agreement:
    """Every text of an extracted agreement cleaned like stored text (callers may pass anything)."""
    return replace(
        agreement,
        doc_type=clean_text(agreement.doc_type) or "соглашение",
        regions=[clean_text(r) for r in agreement.regions],
        partners=[
            replace(p, name=clean_text(p.name), aliases=tuple(clean_text(a) for a in p.aliases))
            for p in agreement.partners
        ],
        countries=[clean_text(c) for c in agreement.countries],
        signatories=[replace(x, name=clean_text(x.name), role=clean_optional(x.role)) for x in agreement.signatories],
        event=clean_optional(agreement.event),
        evidence=[clean_text(e) for e in agreement.evidence],
    )


async def attach(
    session: AsyncSession,
    article_id: int,
    agreement: Agreement,
    refreshed: set[int] | None = None,
    *,
    article_text: str | None = None,
    kind: str | None = None,
    hold_below: float | None = None,
    released: set[int] | None = None,
    article_title: str | None = None,
) -> tuple[int, bool]:
    """Store `agreement` as reported by the article; return (agreement id, created).

    An agreement with the same key (parties + date) gets this article as one more source; so does
    one whose source article this article is an edited copy of (`article_text` given), with the
    other date kept as this source's fact. With `refreshed` (a reload), an existing agreement's
    fields are first rewritten from this extraction. The sum and date each source states are kept
    with the source; `db.write.facts.settle` then picks what the agreement shows. Whether a new
    agreement is shown, held or hidden is `visibility.initial_state` of the article's `kind` and
    `hold_below` (FEED_MIN_CONFIDENCE); with `released` (an ingest, not a reload), a held one this
    source would show is shown and its id added to `released` (its followers are told then). `article_title`
    (the headline, which often says what the document is about) is searched with the agreement.
    """
    agreement = clean_agreement(agreement)
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
        "search": search_text(agreement, subject=article_title),
    }
    d = agreement.date
    key = agreement_key(agreement)
    parties = party_key(agreement)
    agreement_id = await _by_key(session, key)
    if agreement_id is None and parties is not None and len(article_text or "") >= EDITED_COPY_MIN_CHARS:
        agreement_id = await _edited_copy_of(session, parties, article_id, article_text)
        if agreement_id is not None:
            await session.execute(insert_ignore(session, KEYS).values(key=key, agreement_id=agreement_id))
    created = False
    hidden = initial_state(agreement, kind, hold_below)
    if agreement_id is None:
        stmt = (
            insert_ignore(session, A)
            .values(
                key=key,
                party_key=parties,
                hidden=hidden,
                year=d.year if d else None,
                month=d.month if d else None,
                day=d.day if d else None,
                sort_key=sk,
                confidence=agreement.confidence,
                created_at=datetime.now(UTC),
                **fields,
            )
            .returning(A.c.id)
        )
        row = (await session.execute(stmt)).first()
        created = row is not None
        if row is not None:
            agreement_id = row[0]
        else:  # a concurrent writer created it first
            agreement_id = (await session.execute(select(A.c.id).where(A.c.key == key))).scalar_one()
        await session.execute(insert_ignore(session, KEYS).values(key=key, agreement_id=agreement_id))
    signatory_rows = [
        {"person_id": person_ids[k], "role": role, "position": i}
        for i, (k, (_, role)) in enumerate(people.items())
    ]
    if created:
        await _insert_links(
            session,
            agreement_id,
            link_sort_key(sk, hidden),
            regions,
            region_ids,
            list(partners),
            org_ids,
            countries,
            country_ids,
        )
        if hidden == HIDDEN:
            await report_suspected_list(session, agreement_id)
    elif refreshed is not None and agreement_id not in refreshed:
        await session.execute(
            update(A).where(A.c.id == agreement_id).values(**fields, confidence=agreement.confidence)
        )
        await session.execute(delete(AS).where(AS.c.agreement_id == agreement_id))
    else:
        await _merge(session, agreement_id, fields)
        await raise_confidence(session, agreement_id, agreement.confidence)
    if released is not None and not created and hidden == VISIBLE and await show(session, agreement_id, HELD):
        released.add(agreement_id)
    if signatory_rows:
        await session.execute(
            insert_ignore(session, AS), [{"agreement_id": agreement_id, **r} for r in signatory_rows]
        )
    if refreshed is not None:
        refreshed.add(agreement_id)
    await session.execute(
        insert_ignore(session, SRC).values(
            agreement_id=agreement_id,
            article_id=article_id,
            evidence=evidence,
            amount_value=fields["amount_value"],
            amount_currency=fields["amount_currency"],
            year=d.year if d else None,
            month=d.month if d else None,
            day=d.day if d else None,
        )
    )
    return agreement_id, created


async def _by_key(session: AsyncSession, key: str) -> int | None:
    found = await session.execute(select(KEYS.c.agreement_id).where(KEYS.c.key == key))
    agreement_id = found.scalar()
    if agreement_id is None:  # rows written without their key row (bulk loads)
        agreement_id = (await session.execute(select(A.c.id).where(A.c.key == key))).scalar()
    return agreement_id


async def _edited_copy_of(session: AsyncSession, parties: str, article_id: int, text: str) -> int | None:
    """The agreement with these parties one of whose source articles `text` is an edited copy of."""
    candidates = (
        await session.execute(
            select(SRC.c.agreement_id, ART.c.text)
            .join(A, A.c.id == SRC.c.agreement_id)
            .join(ART, ART.c.id == SRC.c.article_id)
            .where(A.c.party_key == parties, SRC.c.article_id != article_id)
            .order_by(SRC.c.agreement_id, SRC.c.article_id)
            .limit(20)
        )
    ).all()
    if not candidates:
        return None
    mine = fold(text[:_COPY_CHARS])
    for agreement_id, other in candidates:
        if len(other) < EDITED_COPY_MIN_CHARS:
            continue
        if fuzz.ratio(mine, fold(other[:_COPY_CHARS])) >= EDITED_COPY_RATIO:
            return int(agreement_id)
    return None


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
            select(A.c.event, A.c.evidence, A.c.search).where(A.c.id == agreement_id)
        )
    ).one()
    changes: dict[str, object] = {}
    if current.event is None and fields["event"]:
        changes["event"] = fields["event"]
    if not current.evidence and fields["evidence"]:
        changes["evidence"] = fields["evidence"]
    extra = str(fields["search"])
    if extra and extra not in current.search:
        changes["search"] = f"{current.search} || {extra}"
    if changes:
        await session.execute(update(A).where(A.c.id == agreement_id).values(**changes))


async def remove_orphans(session: AsyncSession) -> None:
    """Drop agreements no article reports any more (not the tombstones of deleted ones), and
    organizations/people nothing refers to."""
    await session.execute(
        delete(A).where(
            A.c.hidden != DELETED,
            ~select(SRC.c.agreement_id).where(SRC.c.agreement_id == A.c.id).exists(),
        )
    )
    await session.execute(
        delete(ORG).where(~select(AO.c.organization_id).where(AO.c.organization_id == ORG.c.id).exists())
    )
    await session.execute(
        delete(PER).where(~select(AS.c.person_id).where(AS.c.person_id == PER.c.id).exists())
    )
