"""The tile grid of Russia's 89 federal subjects: one equal tile each, placed roughly where it lies
(north at the top, west on the left); shared by /map's picture and the web page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from db import places

# ISO 3166-2 code → (row, column, the short name printed on the tile)
GRID: dict[str, tuple[int, int, str]] = {
    "RU-MUR": (0, 2, "Мурман."), "RU-NEN": (0, 7, "НАО"), "RU-YAN": (0, 10, "ЯНАО"), "RU-CHU": (0, 17, "Чукотка"),
    "RU-KR": (1, 2, "Карелия"), "RU-ARK": (1, 4, "Арханг."), "RU-KO": (1, 7, "Коми"), "RU-KHM": (1, 10, "ХМАО"),
    "RU-KYA": (1, 12, "Красноя."), "RU-SA": (1, 14, "Якутия"), "RU-MAG": (1, 16, "Магадан"),
    "RU-SPE": (2, 1, "СПб"), "RU-LEN": (2, 2, "Ленобл."), "RU-NGR": (2, 3, "Новгор."), "RU-VLG": (2, 4, "Вологда"),
    "RU-KOS": (2, 5, "Кострома"), "RU-KIR": (2, 6, "Киров"), "RU-PER": (2, 7, "Пермь"), "RU-SVE": (2, 8, "Свердл."),
    "RU-TYU": (2, 9, "Тюмень"), "RU-TOM": (2, 11, "Томск"), "RU-KAM": (2, 17, "Камчатка"),
    "RU-PSK": (3, 1, "Псков"), "RU-TVE": (3, 2, "Тверь"), "RU-YAR": (3, 3, "Яросл."), "RU-IVA": (3, 4, "Иваново"),
    "RU-ME": (3, 5, "Мар. Эл"), "RU-UD": (3, 6, "Удмуртия"), "RU-BA": (3, 7, "Башкир."), "RU-CHE": (3, 8, "Челяб."),
    "RU-KGN": (3, 9, "Курган"), "RU-OMS": (3, 10, "Омск"), "RU-NVS": (3, 11, "Новосиб."), "RU-KEM": (3, 12, "Кузбасс"),
    "RU-KK": (3, 13, "Хакасия"), "RU-IRK": (3, 14, "Иркутск"),
    "RU-KGD": (4, 0, "Калинингр"), "RU-SMO": (4, 1, "Смоленск"), "RU-MOW": (4, 2, "Москва"), "RU-MOS": (4, 3, "Моск. обл."),
    "RU-VLA": (4, 4, "Владимир"), "RU-NIZ": (4, 5, "Нижегор."), "RU-CU": (4, 6, "Чувашия"), "RU-TA": (4, 7, "Татарстан"),
    "RU-ALT": (4, 11, "Алт. край"), "RU-AL": (4, 12, "Алтай"), "RU-TY": (4, 13, "Тыва"), "RU-BU": (4, 14, "Бурятия"),
    "RU-ZAB": (4, 15, "Забайк."), "RU-AMU": (4, 16, "Амур"), "RU-KHA": (4, 17, "Хабар."),
    "RU-BRY": (5, 1, "Брянск"), "RU-KLU": (5, 2, "Калуга"), "RU-TUL": (5, 3, "Тула"), "RU-RYA": (5, 4, "Рязань"),
    "RU-MO": (5, 5, "Мордовия"), "RU-ULY": (5, 6, "Ульян."), "RU-SAM": (5, 7, "Самара"), "RU-ORE": (5, 8, "Оренбург"),
    "RU-YEV": (5, 16, "ЕАО"), "RU-SAK": (5, 18, "Сахалин"),
    "RU-ORL": (6, 1, "Орёл"), "RU-KRS": (6, 2, "Курск"), "RU-LIP": (6, 3, "Липецк"), "RU-TAM": (6, 4, "Тамбов"),
    "RU-PNZ": (6, 5, "Пенза"), "RU-SAR": (6, 6, "Саратов"), "RU-PRI": (6, 17, "Приморье"),
    "RU-BEL": (7, 1, "Белгород"), "RU-VOR": (7, 2, "Воронеж"), "RU-LPR": (7, 3, "ЛНР"), "RU-VGG": (7, 4, "Волгогр."),
    "RU-KL": (7, 5, "Калмыкия"), "RU-AST": (7, 6, "Астрах."),
    "RU-ZAP": (8, 1, "Запорож."), "RU-DPR": (8, 2, "ДНР"), "RU-ROS": (8, 3, "Ростов"), "RU-STA": (8, 4, "Ставроп."),
    "RU-CE": (8, 5, "Чечня"), "RU-DA": (8, 6, "Дагестан"),
    "RU-KHE": (9, 0, "Херсон"), "RU-CR": (9, 1, "Крым"), "RU-KDA": (9, 2, "Кубань"), "RU-KC": (9, 3, "КЧР"),
    "RU-KB": (9, 4, "КБР"), "RU-IN": (9, 5, "Ингуш."),
    "RU-SEV": (10, 0, "Севаст."), "RU-AD": (10, 2, "Адыгея"), "RU-SE": (10, 4, "С. Осетия"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Tile:
    name: str  # the official name, as the base stores it
    iso: str
    row: int
    col: int
    short: str


@cache
def tiles() -> tuple[Tile, ...]:
    """Every federal subject the gazetteer knows that has a place on the grid, top row first."""
    found = [
        Tile(p.name, p.iso, *GRID[p.iso]) for p in places.regions() if p.iso is not None and p.iso in GRID
    ]
    return tuple(sorted(found, key=lambda t: (t.row, t.col)))


def size() -> tuple[int, int]:
    """(rows, columns) of the grid."""
    return max(r for r, _, _ in GRID.values()) + 1, max(c for _, c, _ in GRID.values()) + 1
