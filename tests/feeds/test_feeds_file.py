"""FEEDS_FILE: one URL a line, comments and bad lines skipped, known feeds not added twice."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import feeds as store
from feeds.feeds_file import add_feeds_from_file, read_feeds_file


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "feeds.txt"
    path.write_text(
        "\ufeff# comment\nhttps://a.example/rss\n\n  https://b.example/atom.xml  \nhttps://a.example/rss\n"
        "javascript:alert(1)\nnot a url\n",
        encoding="utf-8",
    )
    return path


def test_read_feeds_file(tmp_path: Path) -> None:
    assert read_feeds_file(_write(tmp_path)) == ["https://a.example/rss", "https://b.example/atom.xml"]


async def test_feeds_file_adds_new_feeds_once(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    path = _write(tmp_path)
    assert await add_feeds_from_file(sessionmaker, path) == 2
    assert await add_feeds_from_file(sessionmaker, path) == 0  # the next start adds nothing
    assert await add_feeds_from_file(sessionmaker, tmp_path / "missing.txt") == 0  # logged, not fatal
    assert await add_feeds_from_file(sessionmaker, None) == 0
    async with sessionmaker() as session:
        feeds = await store.list_feeds(session)
    assert [f.url for f in feeds] == ["https://a.example/rss", "https://b.example/atom.xml"]
    assert all(f.last_poll_at is None and f.items_seen == 0 for f in feeds)


def test_feed_settings_from_env(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.settings import Settings

    for name, value in {"FEED_POLL_SECONDS": "60", "FEED_MAX_ITEMS": "7", "FEED_MAX_BYTES": "65536",
                        "FEEDS_FILE": str(tmp_path / "feeds.txt")}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    settings = Settings.from_env(tmp_path / "no.env")
    poller = settings.poller_settings()
    assert (poller.interval, poller.max_items, poller.max_bytes) == (60.0, 7, 65536)
    assert settings.feeds_file == tmp_path / "feeds.txt"
    monkeypatch.delenv("FEEDS_FILE")
    monkeypatch.setenv("FEED_POLL_SECONDS", "0")  # never a busy loop
    settings = Settings.from_env(tmp_path / "no.env")
    assert settings.feeds_file is None and settings.feed_poll_seconds == 1.0
