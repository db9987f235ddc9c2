"""Answers of slow pure functions (pymorphy2 word forms and lemmas) kept in a file between runs.

Building the gazetteer's matchers and the bot's name indexes asks pymorphy2 about a few thousand
words: one to two seconds of every start, before the first `/region` can be answered. The answers
depend only on the word, the code asking and the dictionary, so each memo is one JSON file under
`CACHE_DIR` (default `$XDG_CACHE_HOME/agreements-bot`, else `~/.cache/agreements-bot`) whose name
holds a hash of those: an edited module or another dictionary starts a new file. `CACHE_DIR=off`
keeps nothing on disk. A missing, unreadable or corrupt file only means a slower start.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_OFF = {"off", "0", "no", "none", "false"}


def cache_dir() -> Path | None:
    """Where memos live (None: `CACHE_DIR=off`)."""
    raw = os.environ.get("CACHE_DIR", "").strip()
    if raw.lower() in _OFF:
        return None
    if raw:
        return Path(raw).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "agreements-bot"


def _dictionary_version() -> str:
    try:
        import pymorphy2_dicts_ru

        return str(getattr(pymorphy2_dicts_ru, "__version__", "?"))
    except ImportError:
        return "none"


class DiskMemo:
    """A str -> JSON value mapping loaded from its file on first use and written back by `save()`;
    `sources` are the files of the code that computes the values."""

    def __init__(self, name: str, *sources: Path, limit: int = 200_000) -> None:
        self.name = name
        self.limit = limit  # answers kept at most: a memo of users' words must not grow forever
        self._sources = sources
        self._data: dict[str, Any] | None = None
        self._added = 0
        self._lock = threading.Lock()

    def path(self) -> Path | None:
        """The file for this memo, this code and this dictionary (None when disk memos are off)."""
        directory = cache_dir()
        if directory is None:
            return None
        digest = hashlib.sha256(_dictionary_version().encode())
        for source in self._sources:
            digest.update(source.read_bytes())
        return directory / f"{self.name}-{digest.hexdigest()[:16]}.json"

    def _load(self) -> dict[str, Any]:
        data = self._data
        if data is None:
            with self._lock:
                if self._data is None:
                    self._data = self._read()
                data = self._data
        return data

    def _read(self) -> dict[str, Any]:
        try:
            path = self.path()
            if path is None or not path.is_file():
                return {}
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("ignoring the %s memo: %s", self.name, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> Any | None:
        return self._load().get(key)

    def put(self, key: str, value: Any) -> None:
        data = self._load()
        with self._lock:  # not while save() serializes the dict
            if key not in data and len(data) < self.limit:
                data[key] = value
                self._added += 1

    def __len__(self) -> int:
        return len(self._load())

    def save(self) -> bool:
        """Write the memo when answers were added since it was read; True when written."""
        if not self._added:
            return False
        try:
            path = self.path()
            if path is None:
                return False
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock:
                text = json.dumps(self._data, ensure_ascii=False, sort_keys=True)
                self._added = 0
            # a temporary file renamed over the old one: a reader never sees half a file, and
            # several processes saving at once just leave one complete memo
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            log.warning("could not save the %s memo: %s", self.name, exc)
            return False
        return True
