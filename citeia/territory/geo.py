"""Project WGS84 polygons to SVG paths, with no dependency beyond the standard library.

An equirectangular projection centred on the territory's latitude is accurate to a
few per mille at the scale of a metropolis, which is all a clickable map needs.
Paths are computed once when the reference data is loaded; pages only print them.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Ring = Sequence[Sequence[float]]

# Projected units per degree of longitude at the equator; 1 unit is about 111 m.
# The resulting frame is about 400 units wide for the Métropole du Grand Paris.
UNITS_PER_DEGREE = 1000.0
REFERENCE_LATITUDE = 48.85
# Top-left corner of the frame, so that every coordinate is small and positive.
ORIGIN_LON = 2.0
ORIGIN_LAT = 49.1


@dataclass(frozen=True)
class Box:
    min_x: float
    min_y: float
    max_x: float
    max_y: float

    @property
    def width(self) -> float:
        return self.max_x - self.min_x

    @property
    def height(self) -> float:
        return self.max_y - self.min_y

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.min_x + self.max_x) / 2, (self.min_y + self.max_y) / 2)

    def union(self, other: "Box") -> "Box":
        return Box(
            min(self.min_x, other.min_x),
            min(self.min_y, other.min_y),
            max(self.max_x, other.max_x),
            max(self.max_y, other.max_y),
        )

    def padded(self, fraction: float) -> "Box":
        pad = max(self.width, self.height) * fraction
        return Box(self.min_x - pad, self.min_y - pad, self.max_x + pad, self.max_y + pad)

    def view_box(self) -> str:
        return f"{self.min_x:.1f} {self.min_y:.1f} {self.width:.1f} {self.height:.1f}"


def project(lon: float, lat: float) -> tuple[float, float]:
    scale_x = UNITS_PER_DEGREE * math.cos(math.radians(REFERENCE_LATITUDE))
    return ((lon - ORIGIN_LON) * scale_x, (ORIGIN_LAT - lat) * UNITS_PER_DEGREE)


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def rings_of(geometry: dict[str, object]) -> list[Ring]:
    """The outer and inner rings of a GeoJSON Polygon or MultiPolygon."""
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon" and isinstance(coordinates, list):
        return list(coordinates)
    if kind == "MultiPolygon" and isinstance(coordinates, list):
        return [ring for polygon in coordinates for ring in polygon]
    raise ValueError(f"Unsupported geometry type: {kind!r}")


def path_and_box(rings: Iterable[Ring]) -> tuple[str, Box]:
    """An SVG path (absolute commands, 0.1-unit precision, repeated points dropped) and its box."""
    parts: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    for ring in rings:
        points: list[str] = []
        previous = ""
        for lon, lat, *_ in ring:
            x, y = project(lon, lat)
            xs.append(x)
            ys.append(y)
            point = f"{_fmt(x)} {_fmt(y)}"
            if point != previous:
                points.append(point)
                previous = point
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        if len(points) >= 3:
            parts.append("M" + "L".join(points) + "Z")
    if not parts:
        raise ValueError("A geometry needs at least one ring of three distinct points.")
    return "".join(parts), Box(min(xs), min(ys), max(xs), max(ys))


def union_box(boxes: Iterable[Box]) -> Box:
    result: Box | None = None
    for box in boxes:
        result = box if result is None else result.union(box)
    if result is None:
        raise ValueError("No box to unite.")
    return result
