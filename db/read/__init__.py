"""The read side of the store: queries, agreement cards (views), full-text search and name indexes."""
