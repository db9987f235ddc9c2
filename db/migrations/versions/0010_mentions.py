"""later news of agreements: mentions and their links (issue 18).

Revision ID: 0010
Revises: 0009

- `mention`: a sentence of a stored article that speaks of an earlier agreement (kind progress /
  amended / terminated / other, the sides, the earlier signing's date, the news date), linked to
  the agreement it most likely speaks of (`agreement_id`, NULL until one is known); unique
  (article_id, agreement_id) and (article_id, position).
- `mention_party`: the sides of a mention as keys, to link waiting mentions when an agreement arrives.
- `alert_outbox.mention_id` (0 for a new agreement): followers hear of a terminated or amended
  agreement once per mention; the unique key becomes (user_id, agreement_id, mention_id).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("parties", sa.Text(), nullable=False),
        sa.Column("doc_type", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("day", sa.Integer(), nullable=True),
        sa.Column("signed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_mention_article_id_article"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreement.id"], name=op.f("fk_mention_agreement_id_agreement"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mention")),
        sa.UniqueConstraint("article_id", "agreement_id", name="uq_mention_once"),
        sa.UniqueConstraint("article_id", "position", name="uq_mention_position"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mention_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mention_agreement_id"), ["agreement_id"], unique=False)
    op.create_table(
        "mention_party",
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["mention_id"], ["mention.id"], name=op.f("fk_mention_party_mention_id_mention"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("mention_id", "kind", "key", name=op.f("pk_mention_party")),
    )
    with op.batch_alter_table("mention_party", schema=None) as batch_op:
        batch_op.create_index("ix_mention_party_lookup", ["kind", "key"], unique=False)
    with op.batch_alter_table("alert_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mention_id", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_constraint("uq_alert_outbox_once", type_="unique")
        batch_op.create_unique_constraint("uq_alert_outbox_once", ["user_id", "agreement_id", "mention_id"])


def downgrade() -> None:
    op.execute("DELETE FROM alert_outbox WHERE mention_id <> 0")
    with op.batch_alter_table("alert_outbox", schema=None) as batch_op:
        batch_op.drop_constraint("uq_alert_outbox_once", type_="unique")
        batch_op.create_unique_constraint("uq_alert_outbox_once", ["user_id", "agreement_id"])
        batch_op.drop_column("mention_id")
    with op.batch_alter_table("mention_party", schema=None) as batch_op:
        batch_op.drop_index("ix_mention_party_lookup")
    op.drop_table("mention_party")
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mention_agreement_id"))
        batch_op.drop_index(batch_op.f("ix_mention_article_id"))
    op.drop_table("mention")
