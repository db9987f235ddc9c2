"""hostile input: ids never reused, facts per source, hidden agreements, reports, clean keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:00:00

- SQLite: `article`, `agreement` (and the new `report`) become AUTOINCREMENT tables, so a freed id is
  never handed out again (PostgreSQL sequences never reuse one). Ids freed before this migration
  above the highest id left cannot be known and may be used once more.
- `article.kind` (text / page / feed / seed): how much its facts are trusted.
- `agreement_source` keeps the sum and date each source states; existing rows get the agreement's.
- `agreement.hidden` (0 shown, 1 hidden, 2 deleted) and `agreement.party_key`; `agreement_key` holds
  every identity key leading to an agreement; `report` holds users' reports.
- Data: article hashes and party keys are recomputed with the current text normalization (invisible
  characters, NFKC, look-alike letters), and every card is rebuilt (`db.migrate.upgrade` fills them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _recreate(autoincrement: bool) -> dict[str, object]:
    """batch_alter_table options: rebuild the table on SQLite (to set or drop AUTOINCREMENT)."""
    if not _sqlite():
        return {}
    return {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": autoincrement}}


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None, **_recreate(True)) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="text"))
    with op.batch_alter_table("agreement", schema=None, **_recreate(True)) as batch_op:
        batch_op.add_column(sa.Column("party_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hidden", sa.SmallInteger(), nullable=False, server_default="0"))
        batch_op.create_index(batch_op.f("ix_agreement_party_key"), ["party_key"], unique=False)
    with op.batch_alter_table("agreement_source", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount_value", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("amount_currency", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("month", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("day", sa.Integer(), nullable=True))
    op.create_table(
        "agreement_key",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_key_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_agreement_key")),
    )
    with op.batch_alter_table("agreement_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_key_agreement_id"), ["agreement_id"], unique=False)
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.String(length=32), nullable=True),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_report_agreement_id_agreement"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint("agreement_id", "user_id", "reason", name="uq_report_once"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_agreement_id"), ["agreement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_status"), ["status"], unique=False)

    op.execute("UPDATE article SET kind = 'seed' WHERE source LIKE 'seed:%'")
    op.execute("UPDATE article SET kind = 'page' WHERE kind = 'text' AND url IS NOT NULL")
    op.execute(
        "UPDATE agreement_source SET "
        "amount_value = (SELECT a.amount_value FROM agreement a WHERE a.id = agreement_source.agreement_id), "
        "amount_currency = (SELECT a.amount_currency FROM agreement a WHERE a.id = agreement_source.agreement_id), "
        "year = (SELECT a.year FROM agreement a WHERE a.id = agreement_source.agreement_id), "
        "month = (SELECT a.month FROM agreement a WHERE a.id = agreement_source.agreement_id), "
        "day = (SELECT a.day FROM agreement a WHERE a.id = agreement_source.agreement_id)"
    )
    op.execute("INSERT INTO agreement_key (key, agreement_id) SELECT key, id FROM agreement")
    op.execute("UPDATE agreement SET card = NULL")  # rebuilt with per-source facts by db.migrate
    _fill_party_keys()
    _rehash_articles()
    if not _sqlite():  # rows written with explicit ids must not meet their id again from the sequence
        for table in ("article", "agreement"):
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} "
                f"HAVING max(id) > (SELECT last_value FROM {table}_id_seq)"
            )


def _fill_party_keys() -> None:
    """party_key of every agreement, from its linked names (the keys application code computes)."""
    from db.normalize import fold, org_key, region_key

    bind = op.get_bind()
    names: dict[int, tuple[set[str], set[str], set[str]]] = defaultdict(lambda: (set(), set(), set()))
    queries = (
        (0, "SELECT ar.agreement_id, r.name FROM agreement_region ar JOIN region r ON r.id = ar.region_id"),
        (
            1,
            "SELECT ao.agreement_id, o.name FROM agreement_organization ao "
            "JOIN organization o ON o.id = ao.organization_id",
        ),
        (2, "SELECT ac.agreement_id, c.name FROM agreement_country ac JOIN country c ON c.id = ac.country_id"),
    )
    keyers = (region_key, org_key, fold)
    for slot, sql in queries:
        for agreement_id, name in bind.execute(sa.text(sql)):
            names[agreement_id][slot].add(keyers[slot](name))
    import hashlib
    import json

    rows = []
    for agreement_id, (regions, partners, countries) in names.items():
        raw = json.dumps([sorted(regions), sorted(partners), sorted(countries)], ensure_ascii=False,
                         separators=(",", ":"))  # fmt: skip
        rows.append({"i": agreement_id, "k": hashlib.sha256(raw.encode("utf-8")).hexdigest()})
    for start in range(0, len(rows), BATCH):
        bind.execute(sa.text("UPDATE agreement SET party_key = :k WHERE id = :i"), rows[start : start + BATCH])


def _rehash_articles() -> None:
    """content_hash with the current normalization: an article differing from another only by
    invisible characters is found as the same one. A hash another article already has stays as is."""
    from db.normalize import content_hash

    bind = op.get_bind()
    taken = {h for (h,) in bind.execute(sa.text("SELECT content_hash FROM article"))}
    last = 0
    while True:
        rows = bind.execute(
            sa.text("SELECT id, text, content_hash FROM article WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            return
        for article_id, text, old in rows:
            new = content_hash(text)
            if new != old and new not in taken:
                bind.execute(sa.text("UPDATE article SET content_hash = :h WHERE id = :i"), {"h": new, "i": article_id})
                taken.add(new)
        last = rows[-1][0]


def downgrade() -> None:
    op.execute("DELETE FROM agreement WHERE hidden = 2")  # deleted by an admin: gone for good
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_status"))
        batch_op.drop_index(batch_op.f("ix_report_agreement_id"))
    op.drop_table("report")
    with op.batch_alter_table("agreement_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_key_agreement_id"))
    op.drop_table("agreement_key")
    with op.batch_alter_table("agreement_source", schema=None) as batch_op:
        for column in ("day", "month", "year", "amount_currency", "amount_value"):
            batch_op.drop_column(column)
    with op.batch_alter_table("agreement", schema=None, **_recreate(False)) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_party_key"))
        batch_op.drop_column("hidden")
        batch_op.drop_column("party_key")
    with op.batch_alter_table("article", schema=None, **_recreate(False)) as batch_op:
        batch_op.drop_column("kind")
    op.execute("UPDATE agreement SET card = NULL")
