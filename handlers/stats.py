"""/stats: counts by region, partner, year and type, plus a chart sent as a PNG photo."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING, Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message

from db.read import queries
from views.cards import pack, q

if TYPE_CHECKING:
    from db.read.views import Stats

router = Router(name="stats")

TOP = 10


def render_chart(stats: Stats) -> bytes:
    """Two bar charts (top regions, agreements per year) as PNG bytes; Agg, no pyplot state."""
    # matplotlib (with numpy) takes half a second to import: only the first /stats pays for it
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(9, 7), dpi=100)
    ax_regions, ax_years = fig.subplots(2, 1, gridspec_kw={"height_ratios": [3, 2]})
    regions = stats.regions[:TOP][::-1]
    ax_regions.barh([_short(name) for name, _ in regions], [n for _, n in regions], color="#3b7dd8")
    ax_regions.set_title("Соглашения по регионам (топ)")
    ax_regions.tick_params(axis="y", labelsize=8)
    years = sorted((y, n) for y, n in stats.years if y is not None)
    unknown = sum(n for y, n in stats.years if y is None)
    labels = [str(y) for y, _ in years] + (["год неизвестен"] if unknown else [])
    values = [n for _, n in years] + ([unknown] if unknown else [])
    ax_years.bar(labels, values, color="#e07b39")
    ax_years.set_title("Соглашения по годам")
    ax_years.tick_params(axis="x", labelsize=8, rotation=30)
    ax_regions.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_years.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _short(name: str, limit: int = 34) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def stats_text(stats: Stats) -> list[str]:
    def block(title: str, rows: list[tuple[Any, int]], limit: int = TOP) -> str:
        lines = [f"<b>{title}</b>"]
        lines += [f"{q(name if name is not None else 'неизвестен', 80)} — {n}" for name, n in rows[:limit]]
        if len(rows) > limit:
            lines.append(f"… и ещё {len(rows) - limit}")
        return "\n".join(lines)

    parts = [f"<b>Статистика</b>\nСоглашений: {stats.agreements}\nСтатей: {stats.articles}"]
    if stats.regions:
        parts.append(block("По регионам", stats.regions))
    if stats.partners:
        parts.append(block("По партнёрам", stats.partners))
    if stats.years:
        years = sorted(stats.years, key=lambda r: (r[0] is None, -(r[0] or 0)))
        parts.append(block("По годам", years, 15))
    if stats.doc_types:
        parts.append(block("По типам", stats.doc_types))
    return pack(parts)


@router.message(Command("stats", ignore_case=True))
async def cmd_stats(message: Message, session: Any) -> None:
    stats = await queries.stats(session)
    for chunk in stats_text(stats):
        await message.answer(chunk)
    if stats.agreements:
        png = await asyncio.to_thread(render_chart, stats)
        await message.answer_photo(
            BufferedInputFile(png, filename="stats.png"),
            caption=f"Соглашений в базе: {stats.agreements}",
        )
