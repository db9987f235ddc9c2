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

from sqlalchemy import Column, ForeignKey, Integer, Text, delete, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import Field, SQLModel

from db.engine import WRITE, is_postgres
from db.models import VISIBLE, Agreement
from db.morph import _analyzer
from db.normalize import words
from extraction.text import cyrillic_lookalike

A = Agreement.__table__
MAX_QUERY_WORDS = 8
MAX_FORMS = 4
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
    forms = [p.normal_form.replace("ё", "е") for p in _analyzer()(word)]
    return tuple(dict.fromkeys(forms))[:MAX_FORMS] or (word,)


def index_text(search: str) -> str:
    """What the index holds for an agreement's folded search text: the normal forms of each word."""
    return " ".join(form for w in terms(search) for form in normal_forms(w))


@dataclass(frozen=True, slots=True)
class Term:
    """One query word: its normal forms, and the typed forms (also a Latin look-alike) words may begin with."""

    lemmas: tuple[str, ...]
    prefixes: tuple[str, ...]


def parse_query(text: str) -> list[Term]:
    """Query words in their normal forms; each also matches words the typed form begins."""
    out: list[Term] = []
    for word in terms(text)[:MAX_QUERY_WORDS]:
        typed = [word, cyrillic_lookalike(word)]  # "mtc" typed in Latin finds МТС
        out.append(Term(normal_forms(word), tuple(dict.fromkeys(w for w in typed if w))))
    return out


def fts5_query(query: list[Term]) -> str:
    """An FTS5 MATCH expression: every term, as one of its normal forms or a prefix of a typed form."""
    parts = []
    for term in query:
        options = [*(f'"{x}"' for x in term.lemmas), *(f'"{p}"*' for p in term.prefixes)]
        parts.append("(" + " OR ".join(dict.fromkeys(options)) + ")")
    return " AND ".join(parts)


def tsquery(query: list[Term]) -> str:
    """A to_tsquery('russian', ...) expression of the same meaning (words hold letters and digits only)."""
    parts = []
    for term in query:
        options = [*(f"'{x}'" for x in term.lemmas), *(f"'{p}':*" for p in term.prefixes)]
        parts.append("(" + " | ".join(dict.fromkeys(options)) + ")")
    return " & ".join(parts)


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
    done = 0
    while True:
        async with AsyncSession(engine) as session:
            await session.connection(execution_options=WRITE)
            missing = ~select(T.c.agreement_id).where(T.c.agreement_id == A.c.id).exists()
            ids = list(
                (
                    await session.execute(
                        select(A.c.id).where(A.c.hidden == VISIBLE, missing).order_by(A.c.id).limit(batch)
                    )
                ).scalars()
            )
            if not ids:
                return done
            await refresh(session, ids)
            await session.commit()
            done += len(ids)


async def ranked_ids(
    session: AsyncSession, query: list[Term], offset: int, limit: int
) -> tuple[list[int], int]:
    """Ids of the visible agreements matching every term, best first (then newest), and their count."""
    if is_postgres(session):
        stmt = _PG_PAGE
        params = {"q": tsquery(query), "lim": limit, "off": offset}
    else:
        stmt = _SQLITE_PAGE
        params = {"q": fts5_query(query), "lim": limit, "off": offset}
    rows = (await session.execute(stmt, params)).all()
    if rows:
        return [r.id for r in rows], int(rows[0].total)
    if not offset:
        return [], 0
    count = _PG_COUNT if is_postgres(session) else _SQLITE_COUNT
    return [], int((await session.execute(count, {"q": params["q"]})).scalar_one())


# One statement per page: the window count sees every match before LIMIT cuts the page.
# The matches are ranked inside the FTS5 scan (bm25() lives only there), then joined.
_SQLITE_PAGE = text(
    f"WITH m AS MATERIALIZED (SELECT rowid AS id, bm25({FTS_TABLE}) AS score FROM {FTS_TABLE} "
    f"WHERE {FTS_TABLE} MATCH :q) "
    "SELECT a.id AS id, count(*) OVER () AS total FROM m JOIN agreement a ON a.id = m.id "
    "WHERE a.hidden = 0 ORDER BY m.score, a.sort_key DESC, a.id DESC LIMIT :lim OFFSET :off"
)
_SQLITE_COUNT = text(
    f"SELECT count(*) FROM {FTS_TABLE} JOIN agreement a ON a.id = {FTS_TABLE}.rowid "
    f"WHERE {FTS_TABLE} MATCH :q AND a.hidden = 0"
)
_PG_PAGE = text(
    "SELECT a.id AS id, count(*) OVER () AS total "
    "FROM agreement_text t JOIN agreement a ON a.id = t.agreement_id, to_tsquery('russian', :q) q "
    "WHERE t.tsv @@ q AND a.hidden = 0 "
    "ORDER BY ts_rank(t.tsv, q) DESC, a.sort_key DESC, a.id DESC LIMIT :lim OFFSET :off"
)
_PG_COUNT = text(
    "SELECT count(*) FROM agreement_text t JOIN agreement a ON a.id = t.agreement_id "
    "WHERE t.tsv @@ to_tsquery('russian', :q) AND a.hidden = 0"
)

