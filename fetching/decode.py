"""Bytes to text the way Russian sites serve them: HTTP charset, then <meta>, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Labels seen in the wild that Python's codec registry does not know.
_ALIASES = {
    "win-1251": "cp1251",
    "windows1251": "cp1251",
    "x-cp1251": "cp1251",
    "cp-1251": "cp1251",
    "koi8r": "koi8_r",
    "x-koi8-r": "koi8_r",
    "iso-8859-1": "cp1252",  # browsers treat latin-1 labels as windows-1252
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE)
_META_SCAN_BYTES = 32 * 1024
_DETECT_BYTES = 256 * 1024
_CYRILLIC = ["cp1251", "koi8_r", "cp866", "iso8859_5"]


def codec_name(label: str | None) -> str | None:
    """Python codec for a charset label, or None when unknown."""
    if not label:
        return None
    low = label.strip().strip("\"'").lower()
    low = _ALIASES.get(low, low)
    try:
        return codecs.lookup(low).name
    except LookupError:
        return None


def meta_charset(data: bytes) -> str | None:
    """Charset declared by ``<meta charset>`` or ``<meta http-equiv=Content-Type>`` near the top."""
    match = _META_CHARSET.search(data[:_META_SCAN_BYTES])
    return match.group(1).decode("ascii", "ignore") if match else None


def _strict(data: bytes, codec: str | None) -> str | None:
    if not codec:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, http_charset: str | None = None, *, html: bool = True) -> str:
    """Decode a page or document: BOM, HTTP charset, meta charset, UTF-8, then detection.

    A declared charset that fails to decode strictly is ignored (sites lie), and the
    next source is tried; the last resort decodes UTF-8 with replacement characters.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            if text is not None:
                return text.lstrip("\ufeff")
    meta = codec_name(meta_charset(data)) if html else None
    if meta and meta.startswith("utf-16"):
        meta = "utf-8"  # a <meta> read as ASCII can't be UTF-16; browsers use UTF-8 here
    utf8 = _strict(data, "utf-8")
    for codec in (codec_name(http_charset), meta):
        if codec and utf8 is not None and not codec.startswith("utf") and not data.isascii():
            # Non-ASCII bytes that form valid UTF-8 are practically never windows-1251 or
            # KOI8-R text: the label is wrong (a CMS switched to UTF-8, the header did not).
            return utf8
        text = _strict(data, codec)
        if text is not None:
            return text
    if utf8 is not None:
        return utf8
    sample = data[:_DETECT_BYTES]
    # Unrestricted detection mistakes short KOI8-R text for Japanese; try Cyrillic first.
    for isolation in (_CYRILLIC, None):
        best = from_bytes(sample, cp_isolation=isolation).best()
        if best is not None and best.encoding:
            text = _strict(data, best.encoding)
            if text is not None:
                return text
    return data.decode("utf-8", errors="replace")
