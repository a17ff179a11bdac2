"""Makes bot/data/world_map.json, the site map's country shapes, from Natural Earth's countries.

Run by hand when the shapes should change, and commit the result:

    cd tests && npm ci && cd .. && python -m bot.site.world_source \\
        tests/node_modules/world-atlas/countries-110m.json bot/data/world_map.json

The input is world-atlas 2.0.2 (npm, ISC licence), Natural Earth 1:110m admin-0 countries
(public domain) as TopoJSON. Each country is projected (Equal Earth) and written as an SVG
path, with a point inside it for its figure; the portal reads only the result (worldmap.py).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import pycountry

WIDTH = 2000  # the map's units; a path's points are whole units
SOURCE = "world-atlas 2.0.2 (npm, ISC): Natural Earth 1:110m admin-0 countries, version 4.1.0"
LICENCE = (
    "Natural Earth data is in the public domain (naturalearthdata.com/about/terms-of-use); "
    "world-atlas is under the ISC licence."
)
LEFT_OUT = {"010"}  # Antarctica: nobody there publishes needs, and it takes a third of the height
KNOWN = {"Kosovo": "XKX"}  # no ISO 3166 number in the source; the code the portal's data uses

Point = tuple[float, float]

# Equal Earth (Šavrič, Patterson, Jenny 2018): equal-area, and shapes people recognise.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> Point:
    theta = math.asin(M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        2
        * math.sqrt(3)
        * math.radians(lon)
        * math.cos(theta)
        / (3 * (9 * A4 * t6 * t2 + 7 * A3 * t6 + 3 * A2 * t2 + A1))
    )
    y = theta * (A4 * t6 * t2 + A3 * t6 + A2 * t2 + A1)
    return x, -y  # SVG's y grows downwards


def arcs_of(topology: dict[str, Any]) -> list[list[Point]]:
    """Each arc's points in degrees (TopoJSON stores them quantised and as differences)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: Iterable[int], arcs: Sequence[list[Point]]) -> list[Point]:
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def polygons(geometry: dict[str, Any], arcs: Sequence[list[Point]]) -> list[list[list[Point]]]:
    shapes = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    return [[one_side(ring(r, arcs)) for r in shape] for shape in shapes]


def one_side(points: list[Point]) -> list[Point]:
    """A ring across the antimeridian (Fiji's) kept on the side of most of its points, the
    others pressed onto the map's edge: else it is drawn as a line across the whole world."""
    if max(lon for lon, _ in points) - min(lon for lon, _ in points) <= 180:
        return points
    edge = 180.0 if sum(lon > 0 for lon, _ in points) * 2 >= len(points) else -180.0
    return [(lon if (lon > 0) == (edge > 0) else edge, lat) for lon, lat in points]


def code_of(geometry: dict[str, Any]) -> str | None:
    number = geometry.get("id")
    if number is None:
        return KNOWN.get(geometry["properties"]["name"])
    country = pycountry.countries.get(numeric=number)
    return country.alpha_3 if country else None


def area(points: Sequence[Point]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(points))) / 2


def inside(points: Sequence[Point]) -> Point:
    """A point for a country's figure: the centre of its largest ring's area (its centroid)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in pairwise(points):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not a:
        return points[0]
    return cx / (3 * a), cy / (3 * a)


def world(topology: dict[str, Any]) -> dict[str, Any]:
    arcs = arcs_of(topology)
    left, right = equal_earth(-180, 0)[0], equal_earth(180, 0)[0]
    scale = WIDTH / (right - left)
    projected = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") in LEFT_OUT or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        shapes = [
            [[equal_earth(lon, lat) for lon, lat in r] for r in shape]
            for shape in polygons(geometry, arcs)
        ]
        projected.append((code_of(geometry), geometry["properties"]["name"], shapes))
    top = min(y for _, _, shapes in projected for s in shapes for r in s for _, y in r)
    bottom = max(y for _, _, shapes in projected for s in shapes for r in s for _, y in r)

    def place(point: Point) -> tuple[int, int]:
        return round((point[0] - left) * scale), round((point[1] - top) * scale)

    countries = []
    for code, name, shapes in sorted(projected, key=lambda c: (c[0] or "~", c[1])):
        rings = [[place(p) for p in r] for shape in shapes for r in shape]
        largest = max((shape[0] for shape in shapes), key=area)
        at = place(inside(largest))
        size = round(sum(area(r) for r in rings))  # in square units: tells the tiny ones
        countries.append(
            {"code": code or "", "name": name, "at": list(at), "size": size, "d": path(rings)}
        )
    return {
        "about": "Country shapes of the site's map, made by bot/site/world_source.py.",
        "source": SOURCE,
        "licence": LICENCE,
        "width": WIDTH,
        "height": round((bottom - top) * scale),
        "countries": countries,
    }


def path(rings: Iterable[list[tuple[int, int]]]) -> str:
    """SVG path data: each ring from its first point by whole-unit steps ("m12 34l1 -2…z")."""
    parts = []
    last = (0, 0)
    for points in rings:
        kept = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(kept) < 3:
            continue
        steps = [f"m{kept[0][0] - last[0]} {kept[0][1] - last[1]}l"]
        steps.append(" ".join(f"{x1 - x0} {y1 - y0}" for (x0, y0), (x1, y1) in pairwise(kept)))
        parts.append("".join(steps) + "z")
        last = kept[0]  # after "z" the pen is back at the ring's first point
    return "".join(parts)


def main(argv: Sequence[str]) -> None:
    source, target = Path(argv[0]), Path(argv[1])
    data = world(json.loads(source.read_text(encoding="utf-8")))
    text = json.dumps(data, ensure_ascii=False, indent=0, separators=(",", ":"))
    target.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
