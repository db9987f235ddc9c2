"""SQLModel tables of the agreement store.

Link tables carry a copy of the agreement's `sort_key` so that "newest first" lookups by region,
organization or country are answered from one composite index without touching `agreement`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

metadata = SQLModel.metadata
# Named constraints keep Alembic's batch mode (SQLite ALTER emulation) able to address them later.
metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Ids shown to people (agreements, articles, reports) are never handed out twice: on SQLite an
# INTEGER PRIMARY KEY reuses the highest freed id unless the table is AUTOINCREMENT.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}

# Article kinds: how the text reached the bot. Facts from a publisher (a fetched page, a feed, the
# seeds an admin curates) outrank a text a user pasted or forwarded.
KIND_TEXT, KIND_PAGE, KIND_FEED, KIND_SEED = "text", "page", "feed", "seed"
# article.date_basis: `published` is the day the user sent a text that gave no date of its own,
# taken only to read its relative dates ("вчера"); NULL: the article's own date (or none)
DATE_SENT = "sent"
TRUSTED_KINDS = frozenset({KIND_PAGE, KIND_FEED, KIND_SEED})

# agreement.hidden; HELD: from a news feed with a confidence below FEED_MIN_CONFIDENCE, waiting for
# an admin's /review (approve shows it and alerts followers, reject hides it)
VISIBLE, HIDDEN, DELETED, HELD = 0, 1, 2, 3


def _fk(target: str, *, primary_key: bool = False, index: bool = False) -> Column:
    return Column(
        Integer,
        ForeignKey(target, ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
        index=index,
    )


class Region(SQLModel, table=True):
    """A Russian federal subject (seeded from `extraction.finders.gazetteer.REGIONS`)."""

    __tablename__ = "region"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    iso: str | None = Field(default=None, max_length=16)
    capital: str | None = Field(default=None, max_length=100)


class Country(SQLModel, table=True):
    """A foreign state that is a party."""

    __tablename__ = "country"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)


class Organization(SQLModel, table=True):
    """A partner organization: canonical display name and a normalized unique key."""

    __tablename__ = "organization"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=500)
    key: str = Field(unique=True, max_length=500)


class OrganizationAlias(SQLModel, table=True):
    """Another spelling of an organization seen in some article."""

    __tablename__ = "organization_alias"
    __table_args__ = (UniqueConstraint("organization_id", "alias", name="uq_organization_alias"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(sa_column=_fk("organization.id", index=True))
    alias: str = Field(max_length=500)
    key: str = Field(max_length=500)


class Person(SQLModel, table=True):
    """A signatory person (name in the nominative case)."""

    __tablename__ = "person"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    key: str = Field(unique=True, max_length=300)


class Article(SQLModel, table=True):
    """A source article: as sent by a user or read from a seeds folder."""

    __tablename__ = "article"
    __table_args__ = NEVER_REUSE_IDS
    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    title: str | None = Field(default=None, sa_column=Column(Text))
    url: str | None = Field(default=None, sa_column=Column(Text, unique=True))
    published: date | None = None
    content_hash: str = Field(unique=True, max_length=64)
    sent_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    sent_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # "user" or "seed:<folder name>"
    source: str = Field(index=True, max_length=200)
    # KIND_TEXT (pasted, forwarded, a document), KIND_PAGE (a fetched link), KIND_FEED, KIND_SEED
    kind: str = Field(
        default=KIND_TEXT,
        sa_column=Column(String(16), nullable=False, default=KIND_TEXT, server_default=KIND_TEXT),
    )
    date_basis: str | None = Field(default=None, sa_column=Column(String(8)))  # DATE_SENT or NULL


class Agreement(SQLModel, table=True):
    """One agreement; `key` identifies it across articles (same parties and date)."""

    __tablename__ = "agreement"
    __table_args__ = (
        Index("ix_agreement_sort", "sort_key", "id"),
        # /recent: visible agreements newest first, read along the index alone
        Index(
            "ix_agreement_visible_sort", "sort_key", "id",
            sqlite_where=text("hidden = 0"), postgresql_where=text("hidden = 0"),
        ),
        # the web page: filter by year or event, sort by date or sum (migration 0012). On PostgreSQL
        # ix_agreement_event is a hash index of `event` alone (a btree refuses long texts).
        Index("ix_agreement_event", "event", "year", "hidden", "sort_key", "amount_value"),
        Index("ix_agreement_year_browse", "year", "hidden", "sort_key", "amount_value"),
        Index("ix_agreement_amount", "amount_value", "id"),
        NEVER_REUSE_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    # the parties without the date (db.normalize.party_key): finds an edited copy's agreement
    party_key: str | None = Field(default=None, sa_column=Column(String(64), index=True))
    # VISIBLE, HELD (a feed's unsure agreement awaiting /review), HIDDEN (by an admin or as a
    # suspected list; restorable) or DELETED (a tombstone that
    # keeps its key so that re-reading the article does not bring it back). Hidden and deleted
    # agreements' link rows carry sort_key -1, so that lookups skip them inside their index range.
    hidden: int = Field(
        default=VISIBLE,
        sa_column=Column(SmallInteger, nullable=False, default=VISIBLE, server_default=text("0")),
    )
    doc_type: str = Field(max_length=100)
    year: int | None = Field(default=None, index=True)
    month: int | None = None
    day: int | None = None
    # year*10000 + month*100 + day with unknown parts as 0: newest first, undated last
    sort_key: int = Field(default=0)
    event: str | None = Field(default=None, sa_column=Column(Text))
    amount_value: float | None = None
    amount_currency: str | None = Field(default=None, max_length=8)
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # casefolded text of parties, signatories, event and evidence (SQLite lower() leaves Cyrillic alone)
    search: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # extraction's calibrated confidence that the agreement is real and right: the highest any of
    # its sources gave (one confident source is enough; a later, less sure one takes nothing away)
    confidence: float = Field(
        default=1.0, sa_column=Column(Float, nullable=False, default=1.0, server_default=text("1"))
    )
    # The whole AgreementView as JSON (db.read.cards), rebuilt after every write that touches the agreement:
    # a lookup then reads one row per agreement instead of joining six tables.
    card: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class AgreementSource(SQLModel, table=True):
    """An article that reports an agreement, with the sentence(s) it does so in."""

    __tablename__ = "agreement_source"
    agreement_id: int = Field(sa_column=_fk("agreement.id", primary_key=True))
    article_id: int = Field(sa_column=_fk("article.id", primary_key=True, index=True))
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # the facts as this source states them; the agreement row shows the most trusted source's
    amount_value: float | None = None
    amount_currency: str | None = Field(default=None, max_length=8)
    year: int | None = None
    month: int | None = None
    day: int | None = None


class AgreementKey(SQLModel, table=True):
    """Every identity key that leads to an agreement: its own, and those of edited copies of its
    articles that state another date (their facts are kept with their source)."""

    __tablename__ = "agreement_key"
    key: str = Field(primary_key=True, max_length=64)
    agreement_id: int = Field(sa_column=_fk("agreement.id", index=True))


class Report(SQLModel, table=True):
    """A user's report that an agreement is wrong (or the store's own, user_id None); kept after it
    is resolved, with the agreement as it was shown, so that it can become a test case."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("agreement_id", "user_id", "reason", name="uq_report_once"),
        NEVER_REUSE_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="SET NULL"), index=True),
    )
    user_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    reason: str = Field(max_length=32)
    status: str = Field(default="open", max_length=16, index=True)  # open | resolved
    resolution: str | None = Field(default=None, max_length=32)  # hidden | deleted | dismissed
    snapshot: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    resolved_by: int | None = Field(default=None, sa_column=Column(BigInteger))


class AgreementRegion(SQLModel, table=True):
    __tablename__ = "agreement_region"
    __table_args__ = (Index("ix_agreement_region_lookup", "region_id", "sort_key", "agreement_id"),)
    agreement_id: int = Field(sa_column=_fk("agreement.id", primary_key=True))
    region_id: int = Field(sa_column=_fk("region.id", primary_key=True))
    sort_key: int = 0
    position: int = 0


class AgreementOrganization(SQLModel, table=True):
    __tablename__ = "agreement_organization"
    __table_args__ = (
        Index("ix_agreement_organization_lookup", "organization_id", "sort_key", "agreement_id"),
    )
    agreement_id: int = Field(sa_column=_fk("agreement.id", primary_key=True))
    organization_id: int = Field(sa_column=_fk("organization.id", primary_key=True))
    sort_key: int = 0
    position: int = 0


class AgreementCountry(SQLModel, table=True):
    __tablename__ = "agreement_country"
    __table_args__ = (Index("ix_agreement_country_lookup", "country_id", "sort_key", "agreement_id"),)
    agreement_id: int = Field(sa_column=_fk("agreement.id", primary_key=True))
    country_id: int = Field(sa_column=_fk("country.id", primary_key=True))
    sort_key: int = 0
    position: int = 0


class AgreementSignatory(SQLModel, table=True):
    __tablename__ = "agreement_signatory"
    agreement_id: int = Field(sa_column=_fk("agreement.id", primary_key=True))
    person_id: int = Field(sa_column=_fk("person.id", primary_key=True, index=True))
    role: str | None = Field(default=None, sa_column=Column(Text))
    position: int = 0
