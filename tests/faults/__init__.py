"""Fault injection: a TCP proxy in front of PostgreSQL and Redis, and the bot's tests through it."""
