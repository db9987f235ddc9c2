"""Filling each agreement's fields from its group of sentences, and the last checks on it."""
