"""Callback data factories (short, always <= 64 bytes) and inline keyboards."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import TYPE_CHECKING

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

if TYPE_CHECKING:
    from db.views import Page


MAX_CALLBACK_BYTES = 64

# Query kinds, one letter each to keep callback data short.
REGION, PARTNER, SEARCH, RECENT = "r", "p", "s", "n"


class PageCB(CallbackData, prefix="pg"):
    """A page of a query result: kind, offset and the query (inline, or '#<key>' in QueryStore)."""

    k: str
    o: int
    q: str = ""


class CardCB(CallbackData, prefix="ag"):
    """One agreement's full card."""

    id: int


class SuggestCB(CallbackData, prefix="sg"):
    """A suggested name: pressing it runs the lookup of kind `k` for `q`."""

    k: str
    q: str


class QueryStore:
    """Query texts too long for callback data, under a short hash key (bounded LRU, per process)."""

    def __init__(self, capacity: int = 50_000) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()
        self._capacity = capacity

    def put(self, text: str) -> str:
        key = hashlib.blake2b(text.encode(), digest_size=6).hexdigest()
        self._items[key] = text
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> str | None:
        return self._items.get(key)


def encode_query(store: QueryStore, text: str, pack_probe: CallbackData) -> str:
    """The query itself when it fits into callback data, else a short key into the store."""
    probe = pack_probe.model_copy(update={"q": text})
    if ":" not in text and not text.startswith("#") and len(_packed(probe)) <= MAX_CALLBACK_BYTES:
        return text
    return "#" + store.put(text)


def decode_query(store: QueryStore, q: str) -> str | None:
    """Reverse of `encode_query`; None when the key is gone (restart or another instance)."""
    if q.startswith("#"):
        return store.get(q[1:])
    return q


def _packed(cb: CallbackData) -> bytes:
    sep = cb.__separator__
    parts = [cb.__prefix__, *(str(v) for v in cb.model_dump().values())]
    return sep.join(parts).encode()


def page_keyboard(
    page: Page, kind: str, query: str, store: QueryStore, *, cards: bool = True
) -> InlineKeyboardMarkup | None:
    """Buttons for each agreement's full card plus previous/next page."""
    kb = InlineKeyboardBuilder()
    if cards:
        for item in page.items:
            kb.button(text=f"№{item.id} подробнее", callback_data=CardCB(id=item.id))
    q = encode_query(store, query, PageCB(k=kind, o=page.total + page.limit)) if kind != RECENT else ""
    nav = []
    if page.offset > 0:
        nav.append(("« Назад", PageCB(k=kind, o=max(0, page.offset - page.limit), q=q)))
    if page.offset + len(page.items) < page.total:
        nav.append(("Дальше »", PageCB(k=kind, o=page.offset + page.limit, q=q)))
    for text, cb in nav:
        kb.button(text=text, callback_data=cb)
    n_cards = len(page.items) if cards else 0
    if n_cards + len(nav) == 0:
        return None
    layout = [min(n_cards, 3)] * (n_cards // 3) + ([n_cards % 3] if n_cards % 3 else [])
    kb.adjust(*layout, max(1, len(nav)))
    return kb.as_markup()


def cards_keyboard(ids: list[int]) -> InlineKeyboardMarkup | None:
    """Full-card buttons for a list of agreement ids (no paging)."""
    if not ids:
        return None
    kb = InlineKeyboardBuilder()
    for agreement_id in ids[:30]:
        kb.button(text=f"№{agreement_id} подробнее", callback_data=CardCB(id=agreement_id))
    kb.adjust(3)
    return kb.as_markup()


def suggestions_keyboard(kind: str, names: list[str], store: QueryStore) -> InlineKeyboardMarkup | None:
    if not names:
        return None
    kb = InlineKeyboardBuilder()
    for name in names[:8]:
        kb.button(
            text=name[:60],
            callback_data=SuggestCB(k=kind, q=encode_query(store, name, SuggestCB(k=kind, q=""))),
        )
    kb.adjust(1)
    return kb.as_markup()
