"""Full-text index of agreements: the databases' own engines over normal forms of words.

Each visible agreement has one `agreement_text` row holding the normal forms (pymorphy lemmas) of its
folded search text (parties, signatories, event, evidence); queries are lemmatized the same way, so
"соглашения с Ростелекомом" finds "Ростелеком" on both backends although SQLite has no Russian
stemmer. PostgreSQL indexes `to_tsvector('russian', lemmas)` (a generated column with a GIN index)
and ranks with ts_rank; SQLite keeps an FTS5 table over `agreement_text` (external content, kept in
step by triggers) and ranks with bm25(). Both are created by migration 0006.

Hidden and deleted agreements have no row (and queries also require `agreement.hidden = 0`); a row
goes with its agreement by ON DELETE CASCADE. `refresh(session, ids)` is called after every write that
changes an agreement's text or visibility.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Column, ForeignKey, Integer, Text, TextClause, delete, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import Field, SQLModel

from db.engine import WRITE, is_postgres
from db.models import VISIBLE, Agreement
from db.morph import _analyzer
from db.normalize import words
from extraction.reading.text import cyrillic_lookalike

A = Agreement.__table__
MAX_QUERY_WORDS = 8
MAX_FORMS = 4
MIN_PREFIX = 3
# Matches ranked at most (ranking reads each one); broader queries list matches newest added first.
RANK_LIMIT = 200
# Matches counted (and listed) at most: a broader query says "more than COUNT_LIMIT". Counting reads
# each match (on PostgreSQL from the table, GIN has no index-only scans): this bounds the cost.
COUNT_LIMIT = 200
FTS_TABLE = "agreement_fts"  # SQLite only
# Words that carry no meaning of their own: left out of the index and of queries ("с", "и", "не").
_FUNCTION_WORDS = frozenset({"PREP", "CONJ", "PRCL", "INTJ"})


class AgreementText(SQLModel, table=True):
    """The indexed text of one visible agreement: normal forms of its words."""

    __tablename__ = "agreement_text"
    agreement_id: int = Field(
        sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True)
    )
    lemmas: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


T = AgreementText.__table__


@lru_cache(maxsize=200_000)
def _is_function_word(word: str) -> bool:
    if not word.isalpha():
        return False
    parses = _analyzer()(word)
    return bool(parses) and parses[0].tag.POS in _FUNCTION_WORDS


def terms(text: str) -> list[str]:
    """The folded words of `text` that mean something, in order (function words dropped)."""
    return [w for w in words(text) if not _is_function_word(w)]


@lru_cache(maxsize=200_000)
def normal_forms(word: str) -> tuple[str, ...]:
    """Every normal form a folded word may have ("старого" -> старое, старый): a word's reading is
    often ambiguous, and indexing and querying all readings makes both sides meet."""
    if not word.isalpha() or len(word) < 3:
        return (word,)
    # letters and digits only: the forms go into MATCH and tsquery expressions
    forms = ["".join(c for c in p.normal_form.replace("ё", "е") if c.isalnum()) for p in _analyzer()(word)]
    return tuple(dict.fromkeys(f for f in forms if f))[:MAX_FORMS] or (word,)


def index_text(search: str) -> str:
    """What the index holds for an agreement's folded search text: the normal forms of each word."""
    return " ".join(form for w in terms(search) for form in normal_forms(w))


@dataclass(frozen=True, slots=True)
class Term:
    """One query word: its normal forms, and the typed forms words may begin with (a word the
    dictionary does not know is taken as the start of one: "Ростел", "калужск")."""

    lemmas: tuple[str, ...]
    prefixes: tuple[str, ...] = ()


def parse_query(text: str) -> list[Term]:
    """Query words in their normal forms (a Latin look-alike word also in Cyrillic: "mtc" is МТС)."""
    out: list[Term] = []
    for word in terms(text)[:MAX_QUERY_WORDS]:
        typed = list(dict.fromkeys([word, cyrillic_lookalike(word)]))
        lemmas = tuple(dict.fromkeys(form for w in typed for form in normal_forms(w)))
        prefixes = tuple(w for w in typed if len(w) >= MIN_PREFIX and w.isalpha() and not _is_known(w))
        out.append(Term(lemmas, prefixes))
    return out


@lru_cache(maxsize=50_000)
def _is_known(word: str) -> bool:
    return bool(_analyzer().word_is_known(word))


def fts5_query(query: list[Term]) -> str:
    """An FTS5 MATCH expression: every term, as one of its normal forms or a word a typed form begins."""
    parts = []
    for term in query:
        options = [*(f'"{x}"' for x in term.lemmas), *(f'"{p}"*' for p in term.prefixes)]
        parts.append("(" + " OR ".join(options) + ")")
    return " AND ".join(parts)


def tsquery(query: list[Term]) -> tuple[str, dict[str, str]]:
    """A PostgreSQL tsquery expression of the same meaning, and its parameters.

    Normal forms go through the 'russian' configuration like the indexed text; typed prefixes through
    'simple', unstemmed ("смирнов" stemmed would be the prefix "смирн", matching far more).
    """
    parts: list[str] = []
    params: dict[str, str] = {}
    for i, term in enumerate(query):
        params[f"l{i}"] = " | ".join(f"'{x}'" for x in term.lemmas)
        part = f"to_tsquery('russian', :l{i})"
        if term.prefixes:
            params[f"p{i}"] = " | ".join(f"'{x}':*" for x in term.prefixes)
            part = f"({part} || to_tsquery('simple', :p{i}))"
        parts.append(part)
    return " && ".join(parts), params


async def refresh(session: AsyncSession, ids: Iterable[int], batch: int = 500) -> None:
    """Re-index `ids` from `agreement.search` in the caller's transaction: visible agreements get
    their row anew, hidden, deleted and vanished ones lose it."""
    todo = sorted(set(ids))
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        rows = (
            await session.execute(select(A.c.id, A.c.search).where(A.c.id.in_(chunk), A.c.hidden == VISIBLE))
        ).all()
        await session.execute(delete(T).where(T.c.agreement_id.in_(chunk)))
        if rows:
            await session.execute(
                T.insert(), [{"agreement_id": i, "lemmas": index_text(search)} for i, search in rows]
            )


async def fill_missing(engine: AsyncEngine, batch: int = 2000) -> int:
    """Index visible agreements that have no row (written around `refresh`, e.g. bulk loads); returns
    how many (none below migration 0006)."""
    async with engine.connect() as conn:
        if not await conn.run_sync(lambda c: inspect(c).has_table(T.name)):
            return 0
    done = last = 0
    while True:
        async with AsyncSession(engine) as session:
            await session.connection(execution_options=WRITE)
            missing = ~select(T.c.agreement_id).where(T.c.agreement_id == A.c.id).exists()
            ids = list(
                (
                    await session.execute(
                        select(A.c.id)
                        .where(A.c.id > last, A.c.hidden == VISIBLE, missing)
                        .order_by(A.c.id)
                        .limit(batch)
                    )
                ).scalars()
            )
            if not ids:
                if done and is_postgres(session):
                    # fresh statistics, or the planner guesses and may scan every row for a rare word
                    await session.execute(text("ANALYZE agreement_text"))
                    await session.commit()
                return done
            await refresh(session, ids)
            await session.commit()
            done += len(ids)
            last = ids[-1]


async def ranked_ids(session: AsyncSession, query: list[Term], offset: int, limit: int) -> Match:
    """Ids of the visible agreements matching every term, and how many there are.

    Up to RANK_LIMIT matches are ranked (bm25 / ts_rank, then newest first); a query matching more is
    too broad to rank (ranking would read every match): its matches come newest added first, which
    both indexes give without reading them all. Matches are counted up to COUNT_LIMIT.
    """
    pg = is_postgres(session)
    if pg:
        q_sql, params = tsquery(query)
        capped, ranked, newest = _pg_statements(q_sql)
    else:
        params = {"q": fts5_query(query)}
        capped, ranked, newest = _SQLITE_CAPPED, _SQLITE_RANKED, _SQLITE_NEWEST
    found = int((await session.execute(capped, {**params, "cap": COUNT_LIMIT + 1})).scalar_one())
    total, more, rank = min(found, COUNT_LIMIT), found > COUNT_LIMIT, found <= RANK_LIMIT
    if offset >= total:
        return Match([], total, more, rank)
    # pages end where counting stopped
    page = {"lim": min(limit, total - offset), "off": offset}
    if pg and not rank:
        # Several words make PostgreSQL guess "about one match" and read the whole table; a broad
        # query is best read newest first along the primary key, stopping at the page.
        await session.execute(text("SET LOCAL enable_seqscan = off"))
    rows = (await session.execute(ranked if rank else newest, {**params, **page})).scalars().all()
    if pg and not rank:
        await session.execute(text("RESET enable_seqscan"))
    return Match(list(rows), total, more, rank)


@dataclass(slots=True)
class Match:
    """A page of matching ids; `total` counts matches up to COUNT_LIMIT, `more` says there are more."""

    ids: list[int]
    total: int
    more: bool = False
    ranked: bool = True


_SQLITE_CAPPED = text(
    f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q LIMIT :cap)"
)
# bm25() lives only inside the FTS5 scan: rank there, then join.
_SQLITE_RANKED = text(
    f"WITH m AS MATERIALIZED (SELECT rowid AS id, bm25({FTS_TABLE}) AS score FROM {FTS_TABLE} "
    f"WHERE {FTS_TABLE} MATCH :q) "
    "SELECT a.id FROM m JOIN agreement a ON a.id = m.id "
    "WHERE a.hidden = 0 ORDER BY m.score, a.sort_key DESC, a.id DESC LIMIT :lim OFFSET :off"
)
# FTS5 walks its doclists in descending rowid order and stops at the limit.
_SQLITE_NEWEST = text(
    f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q ORDER BY rowid DESC LIMIT :lim OFFSET :off"
)


def _pg_statements(q_sql: str) -> tuple[TextClause, TextClause, TextClause]:
    """(capped count, ranked page, newest page) over the tsquery expression `q_sql`."""
    capped = text(f"SELECT count(*) FROM (SELECT 1 FROM agreement_text WHERE tsv @@ ({q_sql}) LIMIT :cap) m")
    ranked = text(
        f"WITH q AS (SELECT {q_sql} AS q) "
        "SELECT a.id FROM q, agreement_text t JOIN agreement a ON a.id = t.agreement_id "
        "WHERE t.tsv @@ q.q AND a.hidden = 0 "
        "ORDER BY ts_rank(t.tsv, q.q) DESC, a.sort_key DESC, a.id DESC LIMIT :lim OFFSET :off"
    )
    # "IS TRUE" keeps the planner off the GIN index here: for a broad query, walking the primary key
    # backwards and testing each row stops after a few rows, where the index would fetch every match.
    newest = text(
        f"WITH q AS (SELECT {q_sql} AS q) "
        "SELECT t.agreement_id FROM q, agreement_text t WHERE (t.tsv @@ q.q) IS TRUE "
        "ORDER BY t.agreement_id DESC LIMIT :lim OFFSET :off"
    )
    return capped, ranked, newest
