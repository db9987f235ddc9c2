"""the map and the web page (issue 16): indexes for filtering by year or event and sorting by sum.

The web page's table filters agreements by year or by their event text (`event IN (...)`, the
spellings one event key stands for) and sorts by date or sum. The year and event indexes carry what
such a page reads (hidden, sort_key, amount_value; the id comes with every entry), so that SQLite
never reads the wide agreement rows (cards, evidence) of the thousands it filters. On PostgreSQL
(whose wide values live out of line) the event index is a hash index of the event alone: a btree
refuses values over ~2.7 kB, and an event is text extracted from articles of any length.

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


BROWSE = ["hidden", "sort_key", "amount_value"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_agreement_event", "agreement", ["event"], postgresql_using="hash")
    else:
        op.create_index("ix_agreement_event", "agreement", ["event", "year", *BROWSE])
    op.create_index("ix_agreement_year_browse", "agreement", ["year", *BROWSE])
    op.create_index("ix_agreement_amount", "agreement", ["amount_value", "id"])


def downgrade() -> None:
    op.drop_index("ix_agreement_amount", table_name="agreement")
    op.drop_index("ix_agreement_year_browse", table_name="agreement")
    op.drop_index("ix_agreement_event", table_name="agreement")
