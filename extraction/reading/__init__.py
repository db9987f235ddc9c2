"""Text to an analysed article: cleaning of page clutter, stored-text normal form, the NLP pass, the Article."""
