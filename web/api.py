"""The JSON API behind the page: regions with counts and sums, a filtered page of agreements, one
agreement, events, CSV of the selection, and following a region (Telegram initData required).

Every read goes through db.read (aggregates, events, queries): the commands' own queries."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import follows
from db.models.follows import FOLLOW_REGION
from db.read import aggregates, events, queries
from db.read.aggregates import Filters
from db.read.views import AgreementView
from handlers.export import to_csv
from views.cards import fmt_amount, fmt_date, fmt_signatory
from views.map_image import COLOURS, COUNT, EMPTY, SUM, bands, money
from views.tile_grid import size, tiles
from web.auth import user_of

log = logging.getLogger(__name__)

PAGE_SIZE = 20
MAX_PAGE = 10_000  # pages of the table; deeper ones are refused
EXPORT_LIMIT = 1000  # rows of one CSV (as /export)
MAX_PARAM = aggregates.MAX_TEXT
FILTER_PARAMS = ("region", "partner", "country", "year", "type", "event", "q")


class BadRequest(web.HTTPBadRequest):
    def __init__(self, message: str) -> None:
        super().__init__(text=_json_text({"error": message}), content_type="application/json")


def _json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def filters_of(request: web.Request) -> Filters:
    """The filters of a request's query string; a value too long or a wrong year is a 400."""
    query = request.rel_url.query
    values: dict[str, str] = {}
    for name in FILTER_PARAMS:
        value = query.get(name, "").strip()
        if len(value) > MAX_PARAM:
            raise BadRequest(f"Слишком длинное значение параметра {name}: не больше {MAX_PARAM} символов.")
        values[name] = value
    year: int | None = None
    if values["year"]:
        if not values["year"].isdigit() or not 1900 <= int(values["year"]) <= 2100:
            raise BadRequest("Год — четыре цифры, например 2024.")
        year = int(values["year"])
    return Filters(
        region=values["region"],
        partner=values["partner"],
        country=values["country"],
        year=year,
        doc_type=values["type"],
        event=values["event"],
        q=values["q"],
    )


def _int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.rel_url.query.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadRequest(f"Параметр {name} — целое число от {low} до {high}.")
    return int(raw)


def _selection_info(selection: aggregates.Selection) -> dict[str, Any]:
    return {
        "matched": selection.matched,
        "unknown": selection.unknown,
        "suggestions": selection.suggestions[:8],
    }


def agreement_json(view: AgreementView, full: bool = False) -> dict[str, Any]:
    """An agreement as the page shows it; `full` adds signatories, evidence and sources."""
    d = view.date
    out: dict[str, Any] = {
        "id": view.id,
        "type": view.doc_type,
        "date": fmt_date(d) if d else "",
        "sort_date": [d.year or 0, d.month or 0, d.day or 0] if d else [0, 0, 0],
        "regions": view.regions,
        "partners": view.partners,
        "countries": view.countries,
        "event": view.event or "",
        "amount": {"value": view.amount.value, "currency": view.amount.currency} if view.amount else None,
        "amount_text": fmt_amount(view.amount) or "",
    }
    if full:
        out["signatories"] = [fmt_signatory(s) for s in view.signatories]
        out["evidence"] = view.evidence
        out["sources"] = [
            {
                "url": s.url if s.url and s.url.startswith(("http://", "https://")) else None,
                "title": s.title or "",
                "published": s.published.isoformat() if s.published else "",
            }
            for s in view.sources
        ]
    return out


@dataclass(slots=True)
class Api:
    """The API's handlers over one sessionmaker; `bot_token` checks initData."""

    sessionmaker: async_sessionmaker[AsyncSession]
    bot_token: str | None

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/api/regions", self.regions),
            web.get("/api/agreements", self.agreements),
            web.get("/api/agreements/{id}", self.agreement),
            web.get("/api/events", self.events),
            web.get("/api/meta", self.meta),
            web.get("/api/export.csv", self.export),
            web.post("/api/follow", self.follow),
        ]

    async def regions(self, request: web.Request) -> web.Response:
        filters = filters_of(request)
        async with self.sessionmaker() as session:
            selection = await aggregates.select_by(session, filters)
            totals = {t.name: t for t in await aggregates.region_totals(session, selection)}
            total = await aggregates.count(session, selection)
        rows, cols = size()
        regions = [
            {
                "name": tile.name,
                "short": tile.short,
                "row": tile.row,
                "col": tile.col,
                "count": totals[tile.name].count if tile.name in totals else 0,
                "sum": totals[tile.name].total if tile.name in totals else 0,
            }
            for tile in tiles()
        ]
        for region in regions:
            region["sum_text"] = money(region["sum"]) if region["sum"] else ""
        scale = {
            mode: [
                {
                    "low": b.low,
                    "high": b.high,
                    "label": b.label,
                    "colour": b.colour,
                    "dark": b.colour in COLOURS[4:],
                }
                for b in bands(max((r[key] for r in regions), default=0), mode)
            ]
            for mode, key in ((COUNT, "count"), (SUM, "sum"))
        }
        return web.json_response(
            {
                "regions": regions,
                "rows": rows,
                "cols": cols,
                "total": total,
                "scale": scale,
                "empty": EMPTY,
                **_selection_info(selection),
            }
        )

    async def agreements(self, request: web.Request) -> web.Response:
        filters = filters_of(request)
        page_no = _int_param(request, "page", 1, 1, MAX_PAGE)
        sort = request.rel_url.query.get("sort", "date")
        if sort not in aggregates.SORTS:
            raise BadRequest("Сортировка: date, date_asc, sum или sum_asc.")
        async with self.sessionmaker() as session:
            selection = await aggregates.select_by(session, filters)
            page = await aggregates.agreements(session, selection, (page_no - 1) * PAGE_SIZE, PAGE_SIZE, sort)
        return web.json_response(
            {
                "items": [agreement_json(v) for v in page.items],
                "total": page.total,
                "more": page.more,
                "page": page_no,
                "pages": max(1, -(-page.total // PAGE_SIZE)),
                "page_size": PAGE_SIZE,
                **_selection_info(selection),
            }
        )

    async def agreement(self, request: web.Request) -> web.Response:
        raw = request.match_info["id"]
        if not raw.isdigit() or len(raw) > 12:
            raise BadRequest("Номер соглашения — целое число.")
        async with self.sessionmaker() as session:
            view = await queries.get(session, int(raw))
        if view is None:
            raise web.HTTPNotFound(
                text=_json_text({"error": "Соглашение не найдено."}), content_type="application/json"
            )
        return web.json_response(agreement_json(view, full=True))

    async def events(self, request: web.Request) -> web.Response:
        async with self.sessionmaker() as session:
            listed = await events.catalog(session)
        return web.json_response(
            {
                "events": [
                    {"key": e.key, "name": e.name, "year": e.year, "count": e.count, "sum": e.total}
                    for e in listed
                ]
            }
        )

    async def meta(self, request: web.Request) -> web.Response:
        async with self.sessionmaker() as session:
            stats = await queries.stats(session, top=0)
        return web.json_response(
            {
                "agreements": stats.agreements,
                "years": sorted((y for y, _ in stats.years if y is not None), reverse=True),
                "types": [t for t, _ in stats.doc_types],
            }
        )

    async def export(self, request: web.Request) -> web.Response:
        filters = filters_of(request)
        sort = request.rel_url.query.get("sort", "date")
        async with self.sessionmaker() as session:
            selection = await aggregates.select_by(session, filters)
            views: list[AgreementView] = []
            while len(views) < EXPORT_LIMIT:
                page = await aggregates.agreements(
                    session,
                    selection,
                    len(views),
                    aggregates.MAX_PAGE,
                    sort if sort in aggregates.SORTS else "date",
                )
                views += page.items
                if len(page.items) < aggregates.MAX_PAGE:
                    break
        return web.Response(
            body=to_csv(views[:EXPORT_LIMIT]),
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": 'attachment; filename="agreements.csv"'},
        )

    async def follow(self, request: web.Request) -> web.Response:
        """Follow a region for the Telegram user whose initData (header X-Telegram-Init-Data) vouches."""
        user_id = user_of(request.headers.get("X-Telegram-Init-Data"), self.bot_token)
        if user_id is None:
            raise web.HTTPUnauthorized(
                text=_json_text({"error": "Нужен вход через Telegram: откройте страницу из бота."}),
                content_type="application/json",
            )
        try:
            body = await request.json()
        except ValueError:
            raise BadRequest('Тело запроса — JSON вида {"region": "Калужская область"}.') from None
        region = body.get("region") if isinstance(body, dict) else None
        if not isinstance(region, str) or not region.strip() or len(region) > MAX_PARAM:
            raise BadRequest("Укажите регион.")
        async with self.sessionmaker() as session:
            names, targets, _ = await queries.region_targets(session, region)
            target = await follows.target_of(session, targets[0]) if len(names) == 1 else None
            if target is None or target.kind != FOLLOW_REGION:
                raise BadRequest("Такого региона нет.")
            added = await follows.follow(session, user_id, target)
        if added is None:
            return web.json_response({"ok": False, "error": "Слишком много подписок."}, status=409)
        return web.json_response({"ok": True, "region": target.name, "new": added})


def client_key(request: web.Request, bot_token: str | None) -> int:
    """Whom flood control counts a request against: the Telegram user when initData vouches for one,
    else the client address (negative, never a user id)."""
    user_id = user_of(request.headers.get("X-Telegram-Init-Data"), bot_token)
    if user_id is not None:
        return user_id
    peer = request.remote or "?"
    return -int.from_bytes(hashlib.blake2b(peer.encode(), digest_size=6).digest(), "big") - 1
