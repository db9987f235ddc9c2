"""Escaping, cutting and small Russian wording shared by every card and message."""

from __future__ import annotations

import html

from aiogram.utils.text_decorations import html_decoration as hd

MAX_URL = 500


def q(text: object, limit: int = 300) -> str:
    """Escape for Telegram HTML, at most `limit` characters after escaping (never cut inside an entity)."""
    return fit_plain(" ".join(str(text).split()), limit)


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """Russian plural: plural(1, ("соглашение", "соглашения", "соглашений")) -> "1 соглашение"."""
    if n % 10 == 1 and n % 100 != 11:
        form = forms[0]
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        form = forms[1]
    else:
        form = forms[2]
    return f"{n} {form}"


def _link(url: str | None, label: str) -> str:
    if url and url.startswith(("http://", "https://")) and len(url) <= MAX_URL:
        return f'<a href="{html.escape(url, quote=True)}">{label}</a>'
    return label


def fit_plain(text: str, limit: int) -> str:
    """Escape plain text, cutting it so the escaped result (with "…") fits into `limit` characters."""
    escaped = hd.quote(text)
    if len(escaped) <= limit:
        return escaped
    cut = min(len(text), limit)  # escaping never shortens text
    while cut > 0:
        escaped = hd.quote(text[:cut].rstrip()) + "…"
        if len(escaped) <= limit:
            return escaped
        cut = max(0, min(cut - 1, cut - (len(escaped) - limit)))
    return "…"
