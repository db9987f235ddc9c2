"""Tables of later news of agreements (migration 0010_mentions).

A `mention` is one sentence of a stored article that speaks of an agreement signed earlier; it
keeps its source (the article: a url, or a forwarded text), the news date, the kind of news and the
sides it names. `agreement_id` is the agreement it most likely speaks of, or NULL until one is
known; unique (article_id, agreement_id): one article links an agreement once. `mention_party`
holds the sides as keys (region/country folded name, organization key), to find the mentions
waiting for an agreement that arrives later.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

from db.models import NEVER_REUSE_IDS

# mention_party.kind
PARTY_REGION, PARTY_PARTNER, PARTY_COUNTRY = "r", "p", "c"


class Mention(SQLModel, table=True):
    """One sentence of later news about an earlier agreement."""

    __tablename__ = "mention"
    __table_args__ = (
        UniqueConstraint("article_id", "agreement_id", name="uq_mention_once"),
        UniqueConstraint("article_id", "position", name="uq_mention_position"),
        NEVER_REUSE_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    agreement_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    position: int = 0  # the mention's order in its article
    kind: str = Field(max_length=16)  # extraction.history.KINDS
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    # the sides as the article names them, JSON {"r": [...], "p": [...], "c": [...]}
    parties: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    doc_type: str = Field(default="соглашение", max_length=100)
    # the earlier signing's date as the sentence gives it
    year: int | None = None
    month: int | None = None
    day: int | None = None
    # an additional agreement reported as signed: an agreement of its own as well
    signed: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, default=False, server_default=false())
    )
    published: date | None = None  # the news date: the article's, or the day it was read
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class MentionParty(SQLModel, table=True):
    """One side a mention names, as a key."""

    __tablename__ = "mention_party"
    __table_args__ = (Index("ix_mention_party_lookup", "kind", "key"),)
    mention_id: int = Field(
        sa_column=Column(Integer, ForeignKey("mention.id", ondelete="CASCADE"), primary_key=True)
    )
    kind: str = Field(sa_column=Column(String(1), primary_key=True))
    key: str = Field(sa_column=Column(String(500), primary_key=True))
