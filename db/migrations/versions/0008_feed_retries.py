"""feed item retries with backoff, same-item recognition (issue 17, feeds); counts for /stats and /recent.

Revision ID: 0008
Revises: 0007

- `feed_item.attempts` / `retry_at`: an item whose page failed in passing (timeout, 5xx, 429, a
  connection error) is kept in status `retry` and read again on a later poll once `retry_at` has
  come, with a growing wait, up to a limit (feeds.poller).
- `feed_item.link_key` / `content_key`: sha256 of the item's link and of its text, indexed per feed,
  so that an item whose guid changes on every poll is still recognised as the same item.
- `ix_agreement_visible_sort`: a partial index on (sort_key, id) of visible agreements only, so that
  /recent walks the index without looking at hidden or deleted rows.
- `stat_count` / `stat_delta` and triggers: the counts /stats shows (visible agreements, articles, per
  region, partner, year and document type), kept by triggers on agreement, agreement_region,
  agreement_organization and article in the writer's own transaction. Triggers only insert delta
  rows (concurrent writers never wait for one another); db.read.counts folds them into stat_count.
  Filled from the rows already stored.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# (table, kind, key expression over a row, the row counts when); a row's +1 / -1 goes to stat_delta
COUNTED = (
    ("agreement", "a", "''", "{r}.hidden = 0"),
    ("agreement", "y", "COALESCE(CAST({r}.year AS TEXT), '')", "{r}.hidden = 0"),
    ("agreement", "t", "{r}.doc_type", "{r}.hidden = 0"),
    ("agreement_region", "r", "CAST({r}.region_id AS TEXT)", "{r}.sort_key >= 0"),
    ("agreement_organization", "o", "CAST({r}.organization_id AS TEXT)", "{r}.sort_key >= 0"),
    ("article", "p", "''", "1 = 1"),
)
# the columns whose change can move a row between counts
WATCHED = {
    "agreement": "hidden, year, doc_type",
    "agreement_region": "sort_key, region_id",
    "agreement_organization": "sort_key, organization_id",
}


def _tables() -> list[str]:
    return list(dict.fromkeys(table for table, *_ in COUNTED))


def _values(table: str, row: str) -> list[tuple[str, str, str]]:
    """(kind, key expression, condition) of `table` for the OLD or NEW row."""
    return [(kind, key.format(r=row), when.format(r=row)) for t, kind, key, when in COUNTED if t == table]


def _sqlite_triggers() -> None:
    for table in _tables():
        cases = [("INSERT", "NEW", 1, "ins")]
        cases.append(("DELETE", "OLD", -1, "del"))
        if table in WATCHED:
            cases += [
                (f"UPDATE OF {WATCHED[table]}", "OLD", -1, "upd_old"),
                (f"UPDATE OF {WATCHED[table]}", "NEW", 1, "upd_new"),
            ]
        for event, row, sign, suffix in cases:
            values = _values(table, row)
            when = values[0][2]  # one condition per table
            rows = ", ".join(f"('{kind}', {key}, {sign})" for kind, key, _ in values)
            op.execute(
                f"CREATE TRIGGER stat_{table}_{suffix} AFTER {event} ON {table} "
                f"WHEN {when} BEGIN INSERT INTO stat_delta (kind, key, n) VALUES {rows}; END"
            )


def _pg_triggers() -> None:
    for table in _tables():

        def block(row: str, sign: int, table: str = table) -> str:
            values = _values(table, row)
            rows = ", ".join(f"('{kind}', {key}, {sign})" for kind, key, _ in values)
            return f"IF {values[0][2]} THEN INSERT INTO stat_delta (kind, key, n) VALUES {rows}; END IF;"

        op.execute(
            f"CREATE FUNCTION stat_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {block('OLD', -1)} END IF; "
            f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {block('NEW', 1)} END IF; "
            "RETURN NULL; END $$"
        )
        events = "INSERT OR DELETE" + (f" OR UPDATE OF {WATCHED[table]}" if table in WATCHED else "")
        op.execute(
            f"CREATE TRIGGER stat_{table} AFTER {events} ON {table} FOR EACH ROW EXECUTE FUNCTION stat_{table}()"
        )


def _fill() -> None:
    for table, kind, key, when in COUNTED:
        expr, cond = key.format(r=table), when.format(r=table)
        group = "" if expr == "''" else f" GROUP BY {expr}"  # PostgreSQL refuses GROUP BY a constant
        op.execute(
            f"INSERT INTO stat_count (kind, key, n) SELECT '{kind}', {expr}, COUNT(*) FROM {table} WHERE {cond}{group}"
        )


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
    op.create_table(
        "stat_count",
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_stat_count")),
    )
    op.create_index("ix_stat_count_top", "stat_count", ["kind", "n"], unique=False)
    op.create_table(
        "stat_delta",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_delta")),
    )
    op.create_index("ix_stat_delta_kind", "stat_delta", ["kind"], unique=False)
    _fill()
    if op.get_bind().dialect.name == "postgresql":
        _pg_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in _tables():
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS stat_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS stat_{table}()")
        else:
            for suffix in ("ins", "del", "upd_old", "upd_new"):
                op.execute(f"DROP TRIGGER IF EXISTS stat_{table}_{suffix}")
    op.drop_index("ix_stat_delta_kind", table_name="stat_delta")
    op.drop_table("stat_delta")
    op.drop_index("ix_stat_count_top", table_name="stat_count")
    op.drop_table("stat_count")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index("ix_agreement_visible_sort")
    with op.batch_alter_table("feed_item", schema=None) as batch_op:
        batch_op.drop_index("ix_feed_item_content_key")
        batch_op.drop_index("ix_feed_item_link_key")
        batch_op.drop_column("content_key")
        batch_op.drop_column("link_key")
        batch_op.drop_column("retry_at")
        batch_op.drop_column("attempts")
