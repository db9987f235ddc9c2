"""feeds: the news feeds the bot polls, and every feed item it has handled

Revision ID: 0004
Revises: 0003

- `feed`: a feed's URL, the validators of its last copy (ETag, Last-Modified) for a conditional GET,
  its last and next poll, consecutive failures (the back-off) and last error. AUTOINCREMENT on
  SQLite: `/feed_remove N` never reaches a feed added later under a freed number.
- `feed_item`: one row per item ever handled (its guid/link hashed), with the article it became:
  an item is read once, also across restarts.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("added_by", sa.BigInteger(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("last_poll_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("items_in_feed", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed")),
        sa.UniqueConstraint("url", name=op.f("uq_feed_url")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feed_next_poll_at"), ["next_poll_at"], unique=False)
    op.create_table(
        "feed_item",
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feed.id"], name=op.f("fk_feed_item_feed_id_feed"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_feed_item_article_id_article"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("feed_id", "key", name=op.f("pk_feed_item")),
    )
    with op.batch_alter_table("feed_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feed_item_article_id"), ["article_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feed_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_item_article_id"))
    op.drop_table("feed_item")
    with op.batch_alter_table("feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_next_poll_at"))
    op.drop_table("feed")
