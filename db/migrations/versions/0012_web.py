"""the map and the web page (issue 16): indexes for filtering by event and sorting by sum.

The web page's table filters agreements by their event text (`event IN (...)`, the spellings one
event key stands for) and sorts by sum; without indexes both scan the whole agreement table. On
PostgreSQL the event index is a hash index: a btree refuses values over ~2.7 kB, and an event is
text extracted from articles of any length.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_agreement_event", "agreement", ["event"], postgresql_using="hash")
    op.create_index("ix_agreement_amount", "agreement", ["amount_value", "id"])


def downgrade() -> None:
    op.drop_index("ix_agreement_amount", table_name="agreement")
    op.drop_index("ix_agreement_event", table_name="agreement")
