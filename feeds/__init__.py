"""News feeds: parsing (feedparser), the poller that reads them, and the poller's lock.

Knows nothing of Telegram: the poller is handed a fetcher, a way to store an article and a lock.
"""
