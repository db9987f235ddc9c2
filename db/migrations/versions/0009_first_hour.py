"""what the first hour needs: the kind of an article's publication date (issue 20).

`article.date_basis`: NULL when `published` is the article's own date (its page, a forward, a
file's metadata) or unknown; "sent" when the text gave no date and `published` is the day the user
sent it, taken only to read relative dates ("вчера", "сегодня"); the card says so. (The subject of an
agreement reaches the full-text index through `agreement.search`, which needs no schema change.)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("date_basis", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("date_basis")
