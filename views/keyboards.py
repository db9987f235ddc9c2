"""Callback data factories (short, always <= 64 bytes) and inline keyboards."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from shared_state.kv import KeyValue, LocalKeyValue

if TYPE_CHECKING:
    from db.read.views import Page


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


class ReportCB(CallbackData, prefix="rp"):
    """«Неверно?» under a full card: asks what is wrong with agreement `id`."""

    id: int


class ReasonCB(CallbackData, prefix="rr"):
    """The reason a user reports agreement `id` for (db.moderation.REASONS), or "cancel"."""

    id: int
    r: str


class ModCB(CallbackData, prefix="md"):
    """An admin's action on agreement `id`: h(ide), d(elete), x (dismiss reports), r(estore),
    v(iew the card), c(ancel); p pages /reports (offset in `id`)."""

    a: str
    id: int


class SuggestCB(CallbackData, prefix="sg"):
    """A suggested name: pressing it runs the lookup of kind `k` for `q`."""

    k: str
    q: str


class MapCB(CallbackData, prefix="mp"):
    """/map again for the same query `q` (a year, a partner, a region), coloured by m: c(ount) | s(um);
    k: "r" when `q` is a region (highlighted on the map of all), else "" (read as /map reads it)."""

    m: str
    k: str = ""
    q: str = ""


class EventCB(CallbackData, prefix="ev"):
    """A page of /event's agreements (offset `o`), or the answer for one of its years."""

    o: int
    q: str = ""


class QueryStore:
    """Query texts too long for callback data, under a short hash key: a bounded LRU in this process,
    or Redis (`shared_state`) so that a button pressed on another instance still finds its query."""

    TTL = 30 * 24 * 3600.0  # in Redis: a month-old button asks to repeat the query

    def __init__(self, kv: KeyValue | None = None) -> None:
        self.kv = kv if kv is not None else LocalKeyValue(50_000)

    async def put(self, text: str) -> str:
        key = hashlib.blake2b(text.encode(), digest_size=6).hexdigest()
        await self.kv.set(key, text, self.TTL)
        return key

    async def get(self, key: str) -> str | None:
        return await self.kv.get(key)


async def encode_query(store: QueryStore, text: str, pack_probe: CallbackData) -> str:
    """The query itself when it fits into callback data, else a short key into the store."""
    if ":" not in text and not text.startswith("#") and _fits(pack_probe, text):
        return text
    return "#" + await store.put(text)


async def decode_query(store: QueryStore, q: str) -> str | None:
    """Reverse of `encode_query`; None when the key is gone (expired, or a restart without Redis)."""
    if q.startswith("#"):
        return await store.get(q[1:])
    return q


def _fits(probe: CallbackData, text: str) -> bool:
    """Whether `probe` with its field `q` set to `text` packs into at most 64 bytes."""
    values = probe.model_dump() | {"q": text}
    packed = probe.__separator__.join([probe.__prefix__, *(str(v) for v in values.values())])
    return len(packed.encode()) <= MAX_CALLBACK_BYTES


# Keyboards are built from aiogram's button and markup types directly: InlineKeyboardBuilder
# deep-copies its whole markup on every added button (quadratic; ~50 µs a button), which was a
# visible share of a lookup reply's CPU time.


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


async def page_keyboard(
    page: Page, kind: str, query: str, store: QueryStore, *, cards: bool = True
) -> InlineKeyboardMarkup | None:
    """Buttons for each agreement's full card (three a row) plus previous/next page (one row)."""
    card_buttons = (
        [_button(f"№{item.id} подробнее", CardCB(id=item.id)) for item in page.items] if cards else []
    )
    q = await encode_query(store, query, PageCB(k=kind, o=page.total + page.limit)) if kind != RECENT else ""
    nav = []
    if page.offset > 0:
        nav.append(_button("« Назад", PageCB(k=kind, o=max(0, page.offset - page.limit), q=q)))
    if page.offset + len(page.items) < page.total:
        nav.append(_button("Дальше »", PageCB(k=kind, o=page.offset + page.limit, q=q)))
    rows = _rows(card_buttons, 3) + ([nav] if nav else [])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def cards_keyboard(ids: list[int]) -> InlineKeyboardMarkup | None:
    """Full-card buttons for a list of agreement ids (no paging)."""
    if not ids:
        return None
    buttons = [_button(f"№{agreement_id} подробнее", CardCB(id=agreement_id)) for agreement_id in ids[:30]]
    return InlineKeyboardMarkup(inline_keyboard=_rows(buttons, 3))


async def suggestions_keyboard(
    kind: str, names: list[str], store: QueryStore
) -> InlineKeyboardMarkup | None:
    """One button a row per suggested name; pressing it runs the lookup for that name."""
    if not names:
        return None
    probe = SuggestCB(k=kind, q="")
    buttons = [
        _button(name[:60], SuggestCB(k=kind, q=await encode_query(store, name, probe))) for name in names[:8]
    ]
    return InlineKeyboardMarkup(inline_keyboard=_rows(buttons, 1))


def full_card_keyboard(agreement_id: int) -> InlineKeyboardMarkup:
    """Under a full card: «Неверно?» to report the agreement."""
    return InlineKeyboardMarkup(inline_keyboard=[[_button("Неверно?", ReportCB(id=agreement_id))]])


def reasons_keyboard(agreement_id: int, reasons: dict[str, str]) -> InlineKeyboardMarkup:
    """One button a row per report reason, and «Отмена»."""
    rows = [[_button(text.capitalize(), ReasonCB(id=agreement_id, r=code))] for code, text in reasons.items()]
    rows.append([_button("Отмена", ReasonCB(id=agreement_id, r="cancel"))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def moderation_keyboard(agreement_id: int, *, hidden: bool, with_view: bool = True) -> InlineKeyboardMarkup:
    """An admin's choices for one agreement."""
    first = (
        _button(f"Вернуть №{agreement_id}", ModCB(a="r", id=agreement_id))
        if hidden
        else _button(f"Скрыть №{agreement_id}", ModCB(a="h", id=agreement_id))
    )
    row = [first, _button("Удалить совсем", ModCB(a="d", id=agreement_id))]
    second = [_button("Отклонить жалобы", ModCB(a="x", id=agreement_id))]
    if with_view:
        second.insert(0, _button("Карточка", ModCB(a="v", id=agreement_id)))
    return InlineKeyboardMarkup(inline_keyboard=[row, second])


def web_app_button(url: str | None, text: str = "Открыть карту") -> InlineKeyboardButton | None:
    """The Mini App button (WEB_PUBLIC_URL), None when no public address is set."""
    return InlineKeyboardButton(text=text, web_app=WebAppInfo(url=url)) if url else None


async def map_keyboard(
    mode: str, query: str, store: QueryStore, web_url: str | None, kind: str = ""
) -> InlineKeyboardMarkup:
    """Under /map: switch count/sum for the same query; the Mini App when there is one."""
    q = await encode_query(store, query, MapCB(m="c", k=kind, q=""))
    switch = _button("Показать по сумме", MapCB(m="s", k=kind, q=q)) if mode == "count" else _button(
        "Показать по количеству", MapCB(m="c", k=kind, q=q)
    )
    rows = [[switch]]
    if (web := web_app_button(web_url)) is not None:
        rows.append([web])
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def on_map_button(query: str, store: QueryStore, region: bool) -> InlineKeyboardButton:
    """«На карте» under a /region or /partner answer: /map for that name."""
    kind = "r" if region else ""
    return _button("На карте", MapCB(m="c", k=kind, q=await encode_query(store, query, MapCB(m="c", k=kind))))


async def event_keyboard(
    page: Page, query: str, store: QueryStore, years: list[str] | None = None
) -> InlineKeyboardMarkup | None:
    """Under /event: cards, previous/next page; or one button a year when no year was named."""
    rows: list[list[InlineKeyboardButton]] = []
    if years:
        probe = EventCB(o=0, q="")
        buttons = [_button(y, EventCB(o=0, q=await encode_query(store, y, probe))) for y in years[:12]]
        rows += _rows(buttons, 3)
    rows += _rows([_button(f"№{item.id} подробнее", CardCB(id=item.id)) for item in page.items], 3)
    q = await encode_query(store, query, EventCB(o=page.total + page.limit, q=""))
    nav = []
    if page.offset > 0:
        nav.append(_button("« Назад", EventCB(o=max(0, page.offset - page.limit), q=q)))
    if page.offset + len(page.items) < page.total:
        nav.append(_button("Дальше »", EventCB(o=page.offset + page.limit, q=q)))
    rows += [nav] if nav else []
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
