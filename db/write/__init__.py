"""The write side of the store: ingest and reload, one article into a transaction, facts per source, upserts."""
