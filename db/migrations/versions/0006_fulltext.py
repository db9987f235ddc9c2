"""full-text search: agreement_text (normal forms of each visible agreement's words), indexed by
PostgreSQL's tsvector ('russian', GIN) or an SQLite FTS5 table kept in step by triggers; the index is
built for the agreements already stored.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000
_SQLITE_TRIGGERS = (
    # External-content FTS5: the index is told of every row change of agreement_text, including the
    # deletes ON DELETE CASCADE makes when an agreement goes.
    "CREATE TRIGGER agreement_text_ai AFTER INSERT ON agreement_text BEGIN "
    "INSERT INTO agreement_fts(rowid, lemmas) VALUES (new.agreement_id, new.lemmas); END",
    "CREATE TRIGGER agreement_text_ad AFTER DELETE ON agreement_text BEGIN "
    "INSERT INTO agreement_fts(agreement_fts, rowid, lemmas) VALUES ('delete', old.agreement_id, old.lemmas); END",
    "CREATE TRIGGER agreement_text_au AFTER UPDATE ON agreement_text BEGIN "
    "INSERT INTO agreement_fts(agreement_fts, rowid, lemmas) VALUES ('delete', old.agreement_id, old.lemmas); "
    "INSERT INTO agreement_fts(rowid, lemmas) VALUES (new.agreement_id, new.lemmas); END",
)


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "agreement_text",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("lemmas", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_text_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agreement_id", name=op.f("pk_agreement_text")),
    )
    if bind.dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE agreement_text ADD COLUMN tsv tsvector "
            "GENERATED ALWAYS AS (to_tsvector('russian', lemmas)) STORED"
        )
        op.execute("CREATE INDEX ix_agreement_text_tsv ON agreement_text USING gin (tsv)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE agreement_fts USING fts5(lemmas, content='agreement_text', "
            "content_rowid='agreement_id', tokenize='unicode61 remove_diacritics 0')"
        )
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)
    _index_existing(bind)


def _index_existing(bind: sa.Connection) -> None:
    """Index the visible agreements already stored (the lemmatizer loads only when there are some)."""
    last = 0
    while True:
        rows = bind.execute(
            sa.text("SELECT id, search FROM agreement WHERE hidden = 0 AND id > :last ORDER BY id LIMIT :n"),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            if last and bind.dialect.name == "postgresql":
                # fresh statistics, or the planner guesses and may scan every row for a rare word
                bind.execute(sa.text("ANALYZE agreement_text"))
            return
        from db.read.fulltext import index_text

        bind.execute(
            sa.text("INSERT INTO agreement_text (agreement_id, lemmas) VALUES (:i, :l)"),
            [{"i": i, "l": index_text(search or "")} for i, search in rows],
        )
        last = rows[-1][0]


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("agreement_text_ai", "agreement_text_ad", "agreement_text_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS agreement_fts")
    op.drop_table("agreement_text")
