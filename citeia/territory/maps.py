"""Data for the server-rendered SVG maps (template: territory/includes/map.html)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .geo import Box, union_box
from .models import Commune

# Twelve light, distinct tints (after Paul Tol's colour-blind-safe "light" scheme);
# colour is never the only carrier: territories are also labelled and listed.
TERRITORY_FILLS = [
    "#77aadd",
    "#ee8866",
    "#eedd88",
    "#ffaabb",
    "#99ddff",
    "#44bb99",
    "#bbcc33",
    "#dddddd",
    "#cc99cc",
    "#f4c28f",
    "#ddcc77",
    "#aaddcc",
]


def territory_fill(number: int) -> str:
    return TERRITORY_FILLS[(number - 1) % len(TERRITORY_FILLS)]


@dataclass
class Shape:
    commune: Commune
    fill: str
    current: bool


@dataclass
class Label:
    text: str
    x: float
    y: float


@dataclass
class SvgMap:
    view_box: str
    shapes: list[Shape]
    labels: list[Label]


def build_map(
    communes: Iterable[Commune], *, current: Commune | None = None, label_territories: bool = True
) -> SvgMap:
    communes = list(communes)
    box: Box = union_box(commune.box for commune in communes).padded(0.02)
    shapes = [
        Shape(
            commune=commune,
            fill=territory_fill(commune.territory.number),
            current=current is not None and commune.pk == current.pk,
        )
        for commune in communes
    ]
    labels: list[Label] = []
    if label_territories:
        centres: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
        for commune in communes:
            x, y = commune.box.centre
            centres[commune.territory.code].append((x, y, commune.population))
        for code, points in centres.items():
            weight = sum(p for _x, _y, p in points) or 1
            labels.append(
                Label(
                    code,
                    sum(x * p for x, _y, p in points) / weight,
                    sum(y * p for _x, y, p in points) / weight,
                )
            )
    return SvgMap(view_box=box.view_box(), shapes=shapes, labels=labels)
