"""Reading article files from a seeds folder: robust decoding, bad files reported, not fatal."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024
SUFFIXES = (".txt", ".html", ".htm")


class BadFile(ValueError):
    """A file that cannot be read as an article; the message is in Russian for the admin."""


def article_files(folder: Path) -> list[Path]:
    """The article files of a folder, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def decode(data: bytes) -> str:
    """Text of `data`: UTF-8 when valid, else the encoding charset-normalizer detects."""
    if not data.strip():
        raise BadFile("пустой файл")
    if b"\x00" in data[:65536]:
        raise BadFile("двоичный файл, а не текст")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise BadFile("не удалось определить кодировку") from None
        text = str(best)
    if _garbage_share(text) > 0.02:
        raise BadFile("двоичный файл или неизвестная кодировка")
    return text


def _garbage_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\n\r\t\f")
    )
    return bad / len(sample)


def read_article(path: Path) -> str:
    """The article text of a .txt or .html file; raises BadFile with a reason."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BadFile(f"файл слишком большой ({size // 1024} КБ)")
        data = path.read_bytes()
    except OSError as exc:
        raise BadFile(f"не удалось прочитать файл: {exc.strerror or exc}") from exc
    text = decode(data)
    if path.suffix.lower() in (".html", ".htm"):
        import trafilatura

        extracted = trafilatura.extract(text, include_comments=False)
        if not extracted:
            raise BadFile("в HTML не найден текст статьи")
        text = extracted
    text = text.strip()
    if not text:
        raise BadFile("пустой файл")
    return text


_WORDS = re.compile(r"[^\W\d_]{2,}")


def title_of(text: str, limit: int = 200) -> str | None:
    """The first line that reads like a headline, shortened: a title for articles that have none.

    Site menus and page headers ("Новости", "Понедельник,", "2") come before the headline in copied
    pages, so a line needs a few words to count; failing that, the first non-empty line.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    headline = next((line for line in lines if len(_WORDS.findall(line)) >= 4), lines[0] if lines else None)
    if headline is None:
        return None
    return headline if len(headline) <= limit else headline[: limit - 1].rstrip() + "…"
