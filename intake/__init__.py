"""Article intake: the per-user queue, worker tasks, the extraction process pool, burst replies and the ingestor that stores one article."""
