"""SQLModel tables of the counts /stats and /recent show, kept up to date by triggers (migration 0008).

Every write to agreements, their region and partner links, and articles adds rows to `stat_delta`
in its own transaction (a trigger, so no writer can forget it, and inserts only, so concurrent writers
never wait for one another); db.read.counts sums `stat_count` and `stat_delta`, and now and then folds
the deltas into `stat_count`. Kinds: a (visible agreements), p (articles), r (region id), o
(organization id), y (year, '' when unknown), t (document type).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Text
from sqlmodel import Field, SQLModel


class StatCount(SQLModel, table=True):
    """A folded count: visible agreements per kind and key."""

    __tablename__ = "stat_count"
    __table_args__ = (Index("ix_stat_count_top", "kind", "n"),)  # the biggest counts of a kind
    kind: str = Field(sa_column=Column(String(1), primary_key=True))
    key: str = Field(sa_column=Column(Text, primary_key=True))
    n: int = Field(sa_column=Column(BigInteger, nullable=False))


class StatDelta(SQLModel, table=True):
    """A change not folded yet: +1 or -1 of a kind and key."""

    __tablename__ = "stat_delta"
    __table_args__ = (Index("ix_stat_delta_kind", "kind"),)
    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    )
    kind: str = Field(sa_column=Column(String(1), nullable=False))
    key: str = Field(sa_column=Column(Text, nullable=False))
    n: int = Field(sa_column=Column(Integer, nullable=False))
