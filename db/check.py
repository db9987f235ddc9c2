"""Consistency check of the base (`python -m db check`): what a crash must never leave behind.

Every write (an ingest, a reload, a moderation step) is one transaction, so a killed process leaves
the base as it was before or after it. This module says whether that holds: each check counts the
rows breaking one rule and shows a few of them. It only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

SAMPLE = 5
# (rule, SQL selecting one identifying value per offending row). Deleted agreements (hidden = 2) are
# tombstones: no links, no card, no source needed.
CHECKS: tuple[tuple[str, str], ...] = (
    (
        "agreements without a source article",
        "SELECT a.id FROM agreement a WHERE a.hidden <> 2 "
        "AND NOT EXISTS (SELECT 1 FROM agreement_source s WHERE s.agreement_id = a.id)",
    ),
    (
        "agreements without parties",
        "SELECT a.id FROM agreement a WHERE a.hidden <> 2 "
        "AND NOT EXISTS (SELECT 1 FROM agreement_region x WHERE x.agreement_id = a.id) "
        "AND NOT EXISTS (SELECT 1 FROM agreement_organization x WHERE x.agreement_id = a.id) "
        "AND NOT EXISTS (SELECT 1 FROM agreement_country x WHERE x.agreement_id = a.id)",
    ),
    (
        "agreements without a card",
        "SELECT a.id FROM agreement a WHERE a.hidden <> 2 AND (a.card IS NULL OR a.card = '')",
    ),
    (
        "deleted agreements that kept links",
        "SELECT a.id FROM agreement a WHERE a.hidden = 2 AND ("
        "EXISTS (SELECT 1 FROM agreement_region x WHERE x.agreement_id = a.id) "
        "OR EXISTS (SELECT 1 FROM agreement_organization x WHERE x.agreement_id = a.id) "
        "OR EXISTS (SELECT 1 FROM agreement_country x WHERE x.agreement_id = a.id))",
    ),
    *(
        (
            f"{table} rows whose agreement is missing",
            f"SELECT x.agreement_id FROM {table} x "
            "WHERE NOT EXISTS (SELECT 1 FROM agreement a WHERE a.id = x.agreement_id)",
        )
        for table in (
            "agreement_source",
            "agreement_region",
            "agreement_organization",
            "agreement_country",
            "agreement_signatory",
            "agreement_key",
            "agreement_text",
        )
    ),
    (
        "sources whose article is missing",
        "SELECT s.agreement_id FROM agreement_source s "
        "WHERE NOT EXISTS (SELECT 1 FROM article t WHERE t.id = s.article_id)",
    ),
    *(
        (
            f"{table} rows whose {target} is missing",
            f"SELECT x.agreement_id FROM {table} x "
            f"WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE t.id = x.{target}_id)",
        )
        for table, target in (
            ("agreement_region", "region"),
            ("agreement_organization", "organization"),
            ("agreement_country", "country"),
            ("agreement_signatory", "person"),
        )
    ),
    (
        "organizations no agreement names",
        "SELECT o.id FROM organization o "
        "WHERE NOT EXISTS (SELECT 1 FROM agreement_organization x WHERE x.organization_id = o.id)",
    ),
    (
        "people no agreement names",
        "SELECT p.id FROM person p "
        "WHERE NOT EXISTS (SELECT 1 FROM agreement_signatory x WHERE x.person_id = p.id)",
    ),
    *(
        (
            f"{table} rows whose sort key disagrees with their agreement",
            f"SELECT x.agreement_id FROM {table} x JOIN agreement a ON a.id = x.agreement_id "
            "WHERE x.sort_key <> CASE WHEN a.hidden = 0 THEN a.sort_key ELSE -1 END",
        )
        for table in ("agreement_region", "agreement_organization", "agreement_country")
    ),
    (
        "visible agreements missing from the full-text index",
        "SELECT a.id FROM agreement a WHERE a.hidden = 0 "
        "AND NOT EXISTS (SELECT 1 FROM agreement_text t WHERE t.agreement_id = a.id)",
    ),
    (
        "hidden or deleted agreements in the full-text index",
        "SELECT t.agreement_id FROM agreement_text t JOIN agreement a ON a.id = t.agreement_id "
        "WHERE a.hidden <> 0",
    ),
)
REQUIRED_TABLES = ("agreement", "article", "agreement_source", "agreement_text")


@dataclass(slots=True)
class Problem:
    rule: str
    count: int
    sample: list[object] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    """Counts of the base and the rules it breaks (none: consistent)."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def render(self) -> str:
        counts = ", ".join(f"{name}: {n}" for name, n in self.counts.items())
        if self.ok:
            return f"consistent ({counts})"
        lines = [f"INCONSISTENT: {len(self.problems)} rule(s) broken ({counts})"]
        for p in self.problems:
            sample = ", ".join(str(s) for s in p.sample)
            lines.append(f"  {p.rule}: {p.count} (e.g. {sample})" if sample else f"  {p.rule}: {p.count}")
        return "\n".join(lines)


async def check(engine: AsyncEngine) -> Report:
    """Run every check on a migrated base, in one read transaction (one snapshot on PostgreSQL)."""
    report = Report()
    async with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = await conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            report.problems.append(Problem("tables missing (run `python -m db upgrade`)", len(missing), missing))
            return report
        for name in ("article", "agreement", "agreement_source", "organization", "person", "agreement_text"):
            report.counts[name] = int((await conn.execute(text(f"SELECT count(*) FROM {name}"))).scalar_one())
        for rule, sql in CHECKS:
            await _run(conn, report, rule, sql)
        if conn.dialect.name == "sqlite":
            await _sqlite_checks(conn, report)
    return report


async def _run(conn: AsyncConnection, report: Report, rule: str, sql: str) -> None:
    count = int((await conn.execute(text(f"SELECT count(*) FROM ({sql}) c"))).scalar_one())
    if count:
        sample = list((await conn.execute(text(f"{sql} LIMIT {SAMPLE}"))).scalars())
        report.problems.append(Problem(rule, count, sample))


async def _sqlite_checks(conn: AsyncConnection, report: Report) -> None:
    """The file itself, foreign keys, and the FTS5 index against its content table."""
    integrity = [r[0] for r in (await conn.exec_driver_sql("PRAGMA integrity_check")).all()]
    if integrity != ["ok"]:
        report.problems.append(Problem("SQLite integrity_check", len(integrity), integrity[:SAMPLE]))
    broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
    if broken:
        report.problems.append(Problem("foreign keys pointing nowhere", len(broken), [tuple(r) for r in broken[:SAMPLE]]))
    try:
        await conn.exec_driver_sql("INSERT INTO agreement_fts(agreement_fts, rank) VALUES ('integrity-check', 1)")
    except Exception as exc:  # FTS5 reports a corrupt or out-of-step index as an error
        report.problems.append(Problem("full-text index out of step with agreement_text", 1, [str(exc)[:200]]))
