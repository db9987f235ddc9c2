"""feed item retries with backoff, same-item recognition (issue 17, feeds); /recent as an index read.

Revision ID: 0008
Revises: 0007

- `feed_item.attempts` / `retry_at`: an item whose page failed in passing (timeout, 5xx, 429, a
  connection error) is kept in status `retry` and read again on a later poll once `retry_at` has
  come, with a growing wait, up to a limit (feeds.poller).
- `feed_item.link_key` / `content_key`: sha256 of the item's link and of its text, indexed per feed,
  so that an item whose guid changes on every poll is still recognised as the same item.
- `ix_agreement_visible_sort`: a partial index on (sort_key, id) of visible agreements only, so that
  /recent walks the index without looking at hidden or deleted rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feed_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch_op.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("link_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("content_key", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_feed_item_link_key", ["feed_id", "link_key"], unique=False)
        batch_op.create_index("ix_feed_item_content_key", ["feed_id", "content_key"], unique=False)
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agreement_visible_sort",
            ["sort_key", "id"],
            unique=False,
            sqlite_where=sa.text("hidden = 0"),
            postgresql_where=sa.text("hidden = 0"),
        )


def downgrade() -> None:
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index("ix_agreement_visible_sort")
    with op.batch_alter_table("feed_item", schema=None) as batch_op:
        batch_op.drop_index("ix_feed_item_content_key")
        batch_op.drop_index("ix_feed_item_link_key")
        batch_op.drop_column("content_key")
        batch_op.drop_column("link_key")
        batch_op.drop_column("retry_at")
        batch_op.drop_column("attempts")
