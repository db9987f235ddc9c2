"""Which sentences report a signing, and how they group into documents (roundups, occasions)."""
