"""/map's picture: the tile grid of the 89 subjects coloured by count or ruble sum on a sequential
scale (empty tiles white), a legend, and the top ten under it. PNG bytes via matplotlib's Agg canvas
(no pyplot state); slow enough (a few hundred ms) to be called off the event loop."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from views.tile_grid import size, tiles

# ColorBrewer "Blues", light to dark: one colour a class
COLOURS = ("#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
EMPTY = "#ffffff"
EMPTY_EDGE = "#b0b0b0"
HIGHLIGHT = "#d62728"
COUNT, SUM = "count", "sum"
TILE_IN = 0.66  # inches a tile
DPI = 100


@dataclass(frozen=True, slots=True)
class Band:
    low: float
    high: float  # inclusive
    label: str
    colour: str


def money(value: float) -> str:
    """A ruble sum in short words: "1,5 млрд ₽"."""
    for scale, word in ((1e12, "трлн"), (1e9, "млрд"), (1e6, "млн"), (1e3, "тыс.")):
        if value >= scale:
            number = f"{value / scale:.1f}".rstrip("0").rstrip(".").replace(".", ",")
            return f"{number} {word} ₽"
    return f"{value:.0f} ₽"


def bands(top: float, mode: str) -> list[Band]:
    """The classes of the scale up to `top`: counts 1, 2–3, 4–10, 11–30…; sums by powers of ten."""
    if top <= 0:
        return []
    if mode == COUNT:
        edges = [
            (1, 1),
            (2, 3),
            (4, 10),
            (11, 30),
            (31, 100),
            (101, 300),
            (301, 1000),
            (1001, 3000),
            (3001, 10_000),
        ]
        found = [(lo, hi) for lo, hi in edges if lo <= top]
        if found[-1][1] < top:
            found.append((found[-1][1] + 1, int(top)))
        colours = _spread(len(found))
        return [
            Band(lo, hi, str(lo) if lo == hi else f"{lo}–{hi}", colours[i])
            for i, (lo, hi) in enumerate(found)
        ]
    uppers = [1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14]
    found_sums: list[tuple[float, float]] = []
    low = 0.0
    for up in uppers:
        found_sums.append((low, up))
        if top <= up:
            break
        low = up
    else:
        found_sums.append((low, top))
    colours = _spread(len(found_sums))
    return [
        Band(lo, hi, f"до {money(hi)}" if lo == 0 else f"{money(lo)} – {money(hi)}", colours[i])
        for i, (lo, hi) in enumerate(found_sums)
    ]


def _spread(n: int) -> list[str]:
    """`n` colours of the palette, evenly apart, light to dark."""
    if n >= len(COLOURS):
        return list(COLOURS) + [COLOURS[-1]] * (n - len(COLOURS))
    if n == 1:
        return [COLOURS[3]]
    return [COLOURS[round(i * (len(COLOURS) - 1) / (n - 1))] for i in range(n)]


def colour_of(value: float, scale: list[Band]) -> str:
    """The tile colour of `value` on `scale` (EMPTY for nothing)."""
    if value <= 0:
        return EMPTY
    for band in scale:
        if value <= band.high:
            return band.colour
    return scale[-1].colour if scale else EMPTY


@dataclass(slots=True)
class MapImage:
    png: bytes
    # tile name → (x, y) pixel of a point inside the tile, clear of its label (tests read its colour)
    probes: dict[str, tuple[int, int]] = field(default_factory=dict)
    colours: dict[str, str] = field(default_factory=dict)


def render_map(
    values: dict[str, float], mode: str, title: str, top: list[str], highlight: str | None = None
) -> MapImage:
    """The picture for `values` (official region name → count or ruble sum); `top`: the lines listed
    under it (the top ten, already worded); `highlight`: a region outlined in red."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.collections import PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    rows, cols = size()
    scale = bands(max(values.values(), default=0), mode)
    top_lines = 5  # the top ten in two columns: the same size whatever the list, so tiles stay put
    grid_h = rows * TILE_IN
    extra_h = 0.75 + 0.26 * top_lines
    title_h = 0.5
    total_h = grid_h + extra_h + title_h
    fig = Figure(figsize=(cols * TILE_IN, total_h), dpi=DPI)
    ax = fig.add_axes((0, extra_h / total_h, 1, grid_h / total_h))
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)
    ax.axis("off")
    image = MapImage(b"")
    gap = 0.06
    boxes: list[Rectangle] = []
    for tile in tiles():
        colour = colour_of(values.get(tile.name, 0), scale)
        empty = colour == EMPTY
        boxes.append(
            Rectangle(
                (tile.col + gap, tile.row + gap), 1 - 2 * gap, 1 - 2 * gap,
                facecolor=colour, edgecolor=EMPTY_EDGE if empty else colour, linewidth=0.8,
                linestyle=(0, (2, 2)) if empty else "solid",
            )
        )  # fmt: skip
        if tile.name == highlight:
            boxes.append(
                Rectangle(
                    (tile.col + 0.02, tile.row + 0.02),
                    0.96,
                    0.96,
                    fill=False,
                    edgecolor=HIGHLIGHT,
                    linewidth=2.5,
                )
            )
    # one collection draws all the tiles (a patch apiece costs a tenth of a second in bookkeeping)
    ax.add_collection(PatchCollection(boxes, match_original=True))
    for tile in tiles():
        value = values.get(tile.name, 0)
        colour = colour_of(value, scale)
        empty = colour == EMPTY
        dark = colour in COLOURS[4:]
        ax.text(
            tile.col + 0.5, tile.row + 0.42, tile.short, ha="center", va="center", fontsize=6.3,
            color="#9a9a9a" if empty else ("white" if dark else "#1a1a1a"),
        )  # fmt: skip
        if not empty:
            shown = str(int(value)) if mode == COUNT else money(value).replace(" ₽", "")
            ax.text(
                tile.col + 0.5, tile.row + 0.72, shown, ha="center", va="center", fontsize=6.5,
                fontweight="bold", color="white" if dark else "#1a1a1a",
            )  # fmt: skip
        image.colours[tile.name] = colour
        image.probes[tile.name] = (tile.col, tile.row)
    _legend(ax, scale, mode, rows)
    fig.text(0.01, 1 - 0.1 / total_h, title, fontsize=13, fontweight="bold", va="top")
    _top_list(fig, top, extra_h / total_h)
    height = fig.get_size_inches()[1] * DPI
    for name, (col, row) in image.probes.items():
        x, y = ax.transData.transform((col + 0.15, row + 0.15))
        image.probes[name] = (round(x), round(height - y))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    image.png = buf.getvalue()
    return image


def _legend(ax: object, scale: list[Band], mode: str, rows: int) -> None:
    from matplotlib.patches import Rectangle

    x, y = 8.3, 7.2
    ax.text(x, y - 0.3, "Соглашений" if mode == COUNT else "Сумма соглашений", fontsize=8, fontweight="bold")  # type: ignore[attr-defined]
    entries = [(band.colour, band.label) for band in scale] + [
        (EMPTY, "нет" if mode == COUNT else "нет суммы")
    ]
    for i, (colour, label) in enumerate(entries):
        col, row = divmod(i, 4)
        left, top = x + col * 3.2, y + row * 0.42
        ax.add_patch(  # type: ignore[attr-defined]
            Rectangle((left, top), 0.42, 0.32, facecolor=colour, edgecolor=EMPTY_EDGE, linewidth=0.6)
        )
        ax.text(left + 0.55, top + 0.17, label, fontsize=7.5, va="center")  # type: ignore[attr-defined]


def _top_list(fig: object, top: list[str], height: float) -> None:
    if not top:
        fig.text(0.02, height - 0.02, "Соглашений не найдено.", fontsize=9, va="top")  # type: ignore[attr-defined]
        return
    fig.text(0.02, height - 0.01, "Первая десятка", fontsize=9, fontweight="bold", va="top")  # type: ignore[attr-defined]
    step = (height - 0.06) / 5
    for i, line in enumerate(top[:10]):
        col, row = divmod(i, 5)
        fig.text(0.02 + 0.5 * col, height - 0.05 - row * step, line, fontsize=8.5, va="top")  # type: ignore[attr-defined]
