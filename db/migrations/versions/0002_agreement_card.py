"""agreement card: the denormalized view JSON read by lookups

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 23:58:00

Existing rows get their card from `db.migrate.upgrade`, which rebuilds missing cards after the schema
step (the cards are built by application code, not frozen SQL).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("card", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_column("card")
