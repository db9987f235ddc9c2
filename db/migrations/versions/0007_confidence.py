"""agreement confidence and the review queue of feed agreements (issue 15).

- `agreement.confidence`: extraction's calibrated confidence (0..1) that the agreement is real and
  right, the highest any of its sources gave; 1 for the rows stored before.
- The review queue needs no table: a feed's unsure agreement is stored with `agreement.hidden = 3`
  (HELD) until an admin approves (0) or rejects (1) it in /review.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain ADD COLUMN (SQLite takes one with a constant default): no copy of the table, and the
    # table keeps AUTOINCREMENT, which a batch recreation would drop
    op.add_column("agreement", sa.Column("confidence", sa.Float(), nullable=False, server_default=sa.text("1")))


def downgrade() -> None:
    # held agreements were never shown: they go back hidden, not public
    op.execute("UPDATE agreement SET hidden = 1 WHERE hidden = 3")
    with op.batch_alter_table("agreement", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("confidence")
