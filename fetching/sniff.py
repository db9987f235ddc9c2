"""Guessing what a body is from its first bytes (missing or untrusted Content-Type)."""

from __future__ import annotations

# Magic numbers of formats that are certainly not a page: refused whatever the header says.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"RIFF", "application/octet-stream"),  # webp, wav, avi
    (b"PK\x03\x04", "application/zip"),  # zip, docx, xlsx, odt
    (b"\xd0\xcf\x11\xe0", "application/msword"),  # doc, xls
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf", "application/x-7z-compressed"),
    (b"Rar!", "application/vnd.rar"),
    (b"\x7fELF", "application/octet-stream"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"\x00\x00\x00\x18ftyp", "video/mp4"),
    (b"\x00\x00\x00\x20ftyp", "video/mp4"),
    (b"\x1aE\xdf\xa3", "video/webm"),
)
_HTML_MARKERS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<meta",
    b"<title",
    b"<article",
    b"<div",
    b"<p>",
)


def binary_type(data: bytes) -> str | None:
    """A MIME type when ``data`` starts like a known binary format or holds NUL bytes (more than a
    stray one or two in text: those are stripped when the text is stored)."""
    head = data[:1024]
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text has NUL bytes but is text
    if head.count(b"\x00") * 200 > len(head):  # over 0.5 % of the first bytes
        return "application/octet-stream"
    return None


def looks_like_html(data: bytes) -> bool:
    """True when the first bytes look like markup."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and any(marker in head for marker in _HTML_MARKERS)
