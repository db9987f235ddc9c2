"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 23:46:22.063742
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("doc_type", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("day", sa.Integer(), nullable=True),
        sa.Column("sort_key", sa.Integer(), nullable=False),
        sa.Column("event", sa.Text(), nullable=True),
        sa.Column("amount_value", sa.Float(), nullable=True),
        sa.Column("amount_currency", sa.String(length=8), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("search", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
        sa.UniqueConstraint("key", name=op.f("uq_agreement_key")),
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index("ix_agreement_sort", ["sort_key", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreement_year"), ["year"], unique=False)

    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("sent_by", sa.BigInteger(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_article_content_hash")),
        sa.UniqueConstraint("url", name=op.f("uq_article_url")),
    )
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_source"), ["source"], unique=False)

    op.create_table(
        "country",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_country")),
        sa.UniqueConstraint("name", name=op.f("uq_country_name")),
    )
    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
        sa.UniqueConstraint("key", name=op.f("uq_organization_key")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("key", name=op.f("uq_person_key")),
    )
    op.create_table(
        "region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("iso", sa.String(length=16), nullable=True),
        sa.Column("capital", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region")),
        sa.UniqueConstraint("name", name=op.f("uq_region_name")),
    )
    op.create_table(
        "agreement_country",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.Column("sort_key", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_country_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["country_id"],
            ["country.id"],
            name=op.f("fk_agreement_country_country_id_country"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agreement_id", "country_id", name=op.f("pk_agreement_country")),
    )
    with op.batch_alter_table("agreement_country", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agreement_country_lookup", ["country_id", "sort_key", "agreement_id"], unique=False
        )

    op.create_table(
        "agreement_organization",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("sort_key", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_organization_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_agreement_organization_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agreement_id", "organization_id", name=op.f("pk_agreement_organization")),
    )
    with op.batch_alter_table("agreement_organization", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agreement_organization_lookup", ["organization_id", "sort_key", "agreement_id"], unique=False
        )

    op.create_table(
        "agreement_region",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("sort_key", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_region_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
            name=op.f("fk_agreement_region_region_id_region"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agreement_id", "region_id", name=op.f("pk_agreement_region")),
    )
    with op.batch_alter_table("agreement_region", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agreement_region_lookup", ["region_id", "sort_key", "agreement_id"], unique=False
        )

    op.create_table(
        "agreement_signatory",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_signatory_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_agreement_signatory_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agreement_id", "person_id", name=op.f("pk_agreement_signatory")),
    )
    with op.batch_alter_table("agreement_signatory", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_signatory_person_id"), ["person_id"], unique=False)

    op.create_table(
        "agreement_source",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_source_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_agreement_source_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agreement_id", "article_id", name=op.f("pk_agreement_source")),
    )
    with op.batch_alter_table("agreement_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_source_article_id"), ["article_id"], unique=False)

    op.create_table(
        "organization_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=500), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_organization_alias_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_alias")),
        sa.UniqueConstraint("organization_id", "alias", name="uq_organization_alias"),
    )
    with op.batch_alter_table("organization_alias", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organization_alias_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("organization_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_alias_organization_id"))

    op.drop_table("organization_alias")
    with op.batch_alter_table("agreement_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_source_article_id"))

    op.drop_table("agreement_source")
    with op.batch_alter_table("agreement_signatory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_signatory_person_id"))

    op.drop_table("agreement_signatory")
    with op.batch_alter_table("agreement_region", schema=None) as batch_op:
        batch_op.drop_index("ix_agreement_region_lookup")

    op.drop_table("agreement_region")
    with op.batch_alter_table("agreement_organization", schema=None) as batch_op:
        batch_op.drop_index("ix_agreement_organization_lookup")

    op.drop_table("agreement_organization")
    with op.batch_alter_table("agreement_country", schema=None) as batch_op:
        batch_op.drop_index("ix_agreement_country_lookup")

    op.drop_table("agreement_country")
    op.drop_table("region")
    op.drop_table("person")
    op.drop_table("organization")
    op.drop_table("country")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_source"))

    op.drop_table("article")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_year"))
        batch_op.drop_index("ix_agreement_sort")

    op.drop_table("agreement")
