"""SQLModel tables of news feeds: the feeds admins added, and every item the poller has handled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlmodel import Field, SQLModel

from db.models import NEVER_REUSE_IDS

# feed_item.status
ITEM_STORED, ITEM_KNOWN, ITEM_SKIPPED, ITEM_FAILED = "stored", "known", "skipped", "failed"
ITEM_RETRY = "retry"  # failed in passing: read again once `retry_at` has come


class Feed(SQLModel, table=True):
    """A feed polled by the bot, with what its last polls found (shown by /feeds)."""

    __tablename__ = "feed"
    __table_args__ = NEVER_REUSE_IDS  # /feed_remove N must never hit a newer feed
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    title: str | None = Field(default=None, sa_column=Column(Text))
    added_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    added_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # validators of the last copy, sent back for a conditional GET
    etag: str | None = Field(default=None, sa_column=Column(Text))
    last_modified: str | None = Field(default=None, sa_column=Column(Text))
    last_poll_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    next_poll_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
    # consecutive failed polls: the back-off grows with them, a good poll resets them
    failures: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default=text("0")))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    items_in_feed: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default=text("0"))
    )


class FeedItem(SQLModel, table=True):
    """An item handled once, ever: `key` is the sha256 of its guid (else link, else text); `link_key`
    and `content_key` (sha256 of its link and text) find it again when its guid changes. An item in
    status `retry` is read again after `retry_at`; `attempts` counts the reads that failed."""

    __tablename__ = "feed_item"
    __table_args__ = (
        Index("ix_feed_item_link_key", "feed_id", "link_key"),
        Index("ix_feed_item_content_key", "feed_id", "content_key"),
    )
    feed_id: int = Field(
        sa_column=Column(Integer, ForeignKey("feed.id", ondelete="CASCADE"), primary_key=True)
    )
    key: str = Field(sa_column=Column(String(64), primary_key=True))
    link: str | None = Field(default=None, sa_column=Column(Text))
    article_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="SET NULL"), index=True),
    )
    status: str = Field(sa_column=Column(String(16), nullable=False))
    error: str | None = Field(default=None, sa_column=Column(Text))
    seen_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default=text("0")))
    retry_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    link_key: str | None = Field(default=None, sa_column=Column(String(64)))
    content_key: str | None = Field(default=None, sa_column=Column(String(64)))
