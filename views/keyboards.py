"""Callback data factories (short, always <= 64 bytes) and inline keyboards."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Annotated, Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo
from pydantic import BeforeValidator

from db.read.cards import MAX_ID
from shared_state.kv import KeyValue, LocalKeyValue

if TYPE_CHECKING:
    from db.read.views import Page


MAX_CALLBACK_BYTES = 64

# Query kinds, one letter each to keep callback data short.
REGION, PARTNER, SEARCH, RECENT = "r", "p", "s", "n"
MAX_OFFSET = 100_000  # a page offset beyond any result: "no more"


# Numbers in callback data and inline offsets come from the client unchecked (a modified client sends
# anything): every button kind declares its numbers as `RowId` or `Offset`, so that they are checked
# here, once, before any handler or query sees them. Not ASCII digits ("²", "abc", "1e5"): the data
# does not unpack and the catch-all answers that the button no longer works. Digits out of range: a
# row id no row has (0, "not found") or the last offset ("no more").


def _ascii_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int):
        return value
    text = str(value)
    digits = text[1:] if text.startswith("-") else text
    if not digits or len(digits) > 40 or not (digits.isascii() and digits.isdigit()):
        raise ValueError("not a number")
    return int(text)


def _row_id(value: Any) -> int:
    number = _ascii_int(value)
    return number if 0 < number <= MAX_ID else 0


def _offset(value: Any) -> int:
    return max(0, min(_ascii_int(value), MAX_OFFSET))


RowId = Annotated[int, BeforeValidator(_row_id)]
Offset = Annotated[int, BeforeValidator(_offset)]


def parse_offset(raw: str | None, maximum: int = MAX_OFFSET) -> int:
    """An offset from the client (an inline query's `offset`): 0 unless ASCII digits, at most `maximum`."""
    try:
        return min(_offset(raw or "0"), maximum)
    except ValueError:
        return 0


class PageCB(CallbackData, prefix="pg"):
    """A page of a query result: kind, offset and the query (inline, or '#<key>' in QueryStore)."""

    k: str
    o: Offset
    q: str = ""


class CardCB(CallbackData, prefix="ag"):
    """One agreement's full card."""

    id: RowId


class NewsCB(CallbackData, prefix="nw"):
    """A page of agreement `id`'s later news, from offset `o` («Что было дальше» under its card)."""

    id: RowId
    o: Offset = 0


class ReportCB(CallbackData, prefix="rp"):
    """«Неверно?» under a full card: asks what is wrong with agreement `id`."""

    id: RowId


class ReasonCB(CallbackData, prefix="rr"):
    """The reason a user reports agreement `id` for (db.moderation.REASONS), or "cancel"."""

    id: RowId
    r: str


class ModCB(CallbackData, prefix="md"):
    """An admin's action on agreement `id`: h(ide), d(elete), x (dismiss reports), r(estore),
    v(iew the card), c(ancel); p pages /reports (offset in `id`)."""

    a: str
    id: RowId


class ReviewCB(CallbackData, prefix="rv"):
    """An admin's verdict on held agreement `id` in /review: a(pprove) or r(eject)."""

    a: str
    id: RowId


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

    o: Offset
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


async def readings_keyboard(readings: list[tuple[str, str, str]], store: QueryStore) -> InlineKeyboardMarkup | None:
    """One button a row per (label, kind, query): other ways to read a question, or a full-text
    search for a name nothing resembles; pressing one runs that lookup."""
    if not readings:
        return None
    probe = SuggestCB(k=SEARCH, q="")
    buttons = [
        _button(label[:60], SuggestCB(k=kind, q=await encode_query(store, query, probe)))
        for label, kind, query in readings[:8]
    ]
    return InlineKeyboardMarkup(inline_keyboard=_rows(buttons, 1))


def full_card_keyboard(agreement_id: int, news: int = 0, shown: int = 0) -> InlineKeyboardMarkup:
    """Under a full card: «Неверно?» to report the agreement; «Что было дальше» for the news the card
    has no room for (`news` in all, `shown` on the card)."""
    rows = [[_button("Неверно?", ReportCB(id=agreement_id))]]
    if news > shown:
        rows.insert(0, [_button(f"Что было дальше ({news})", NewsCB(id=agreement_id, o=shown))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def news_keyboard(agreement_id: int, offset: int, shown: int, total: int) -> InlineKeyboardMarkup | None:
    """Under a page of news: the next page, while there is one."""
    if offset + shown >= total:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[[_button("Дальше »", NewsCB(id=agreement_id, o=offset + shown))]])


def reasons_keyboard(agreement_id: int, reasons: dict[str, str]) -> InlineKeyboardMarkup:
    """One button a row per report reason, and «Отмена»."""
    rows = [[_button(text.capitalize(), ReasonCB(id=agreement_id, r=code))] for code, text in reasons.items()]
    rows.append([_button("Отмена", ReasonCB(id=agreement_id, r="cancel"))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def review_keyboard(agreement_id: int) -> InlineKeyboardMarkup:
    """Under a held agreement's card: show it (and alert its followers) or hide it."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[
            _button(f"Показать №{agreement_id}", ReviewCB(a="a", id=agreement_id)),
            _button(f"Скрыть №{agreement_id}", ReviewCB(a="r", id=agreement_id)),
        ]]
    )  # fmt: skip


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
