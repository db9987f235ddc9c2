"""Agreement store: SQLModel tables, async engine, Alembic migrations, ingest and queries.

- `db.engine.make_engine(url=None)`, `db.engine.make_sessionmaker(engine)`: SQLite (WAL) or PostgreSQL
  (short per-call timeouts and a `db.breaker.Breaker`; `db.engine.is_unavailable(exc)`: the base not answering).
- `await db.migrate.upgrade(engine)`: Alembic upgrade head (db/migrations) + reference data.
- `db.write.ingest`: `ingest(session, ArticleIn, agreements)`, `reload(sessionmaker, dir)`, `ensure_seeded`.
- `db.read.queries`: `by_region`, `by_partner`, `search`, `recent`, `get`, `stats` -> dataclasses of `db.read.views`.
- `db.feeds`: news feeds (`add_feed`, `list_feeds`, `remove_feed`) and the items their poller handled.
- `db.read.fulltext`: the full-text index (PostgreSQL tsvector / SQLite FTS5 over lemmas) `search` runs on.
- `db.check.check(engine)`: the consistency report behind `python -m db check`.
- `db.moderation`: reports, `hide`, `restore`, `dismiss`; `db.write.facts.settle`: the sum and date shown.
- `extraction.reading.text.clean_text`: what every stored text goes through (control, invisible, look-alike characters).
- `python -m db reload [DIR] | upgrade | stats | check`.
"""
