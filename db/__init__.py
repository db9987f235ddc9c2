"""Agreement store: SQLModel tables, async engine, Alembic migrations, ingest and queries."""
