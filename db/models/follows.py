"""Tables of subscriptions and the alerts outbox (migration 0005_follow).

A follow names its target by a stable key, not a row id: a region's or country's official name, an
organization's normalized key (organization rows can be dropped and created again by a reload).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Index, Integer, String, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from db.models import NEVER_REUSE_IDS

# follow.kind
FOLLOW_REGION, FOLLOW_PARTNER, FOLLOW_COUNTRY = "region", "partner", "country"
FOLLOW_KINDS = (FOLLOW_REGION, FOLLOW_PARTNER, FOLLOW_COUNTRY)

# alert_outbox.status
PENDING, SENT, BLOCKED, FAILED, SKIPPED = "pending", "sent", "blocked", "failed", "skipped"


class Follow(SQLModel, table=True):
    """A user's subscription to a region, a partner organization or a foreign country."""

    __tablename__ = "follow"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "key", name="uq_follow_target"),
        Index("ix_follow_kind_key", "kind", "key"),
        NEVER_REUSE_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    kind: str = Field(max_length=16)  # FOLLOW_REGION | FOLLOW_PARTNER | FOLLOW_COUNTRY
    key: str = Field(max_length=500)  # region/country name or organization key
    name: str = Field(max_length=500)  # shown in /following
    # set when a send to the user failed with 403 (they blocked the bot); cleared when they come back
    paused: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, default=False, server_default=false())
    )
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class AlertOutbox(SQLModel, table=True):
    """One agreement to tell one follower about (new, or with news: `mention_id`). Rows of one (user,
    article) go out as one message; the unique (user, agreement, mention) means no follower ever hears
    of an agreement, or of one piece of news of it, twice."""

    __tablename__ = "alert_outbox"
    __table_args__ = (
        UniqueConstraint("user_id", "agreement_id", "mention_id", name="uq_alert_outbox_once"),
        Index("ix_alert_outbox_due", "status", "next_at", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    article_id: int = Field(sa_column=Column(Integer, nullable=False))
    agreement_id: int = Field(sa_column=Column(Integer, nullable=False))
    # 0: the agreement is new; else the mention (db.models.history) that brought news of it
    mention_id: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0, server_default="0"))
    status: str = Field(default=PENDING, sa_column=Column(String(16), nullable=False, default=PENDING))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0, server_default="0"))
    next_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # a sender that took the row holds it until then; a crashed sender's rows are taken again after it
    locked_until: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    error: str | None = Field(default=None, sa_column=Column(String(300)))
