"""The map of the site: each country shaded by its published needs, with the offers open to it.

The shapes are bot/data/world_map.json (Natural Earth, public domain; made by
bot/site/world_source.py); the figures are those of the country pages (bot/site/facts.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.parsing.fields import Vocabulary
from bot.site.facts import country_codes, country_facts
from bot.site.model import Site

SHAPES = Path(__file__).parent.parent / "data" / "world_map.json"
# Every country's shape as one file that each map draws beneath the countries with a page: most
# of a map's weight, fetched once for all pages instead of written into each (~50 KB a page).
LAND = "assets/world.svg"
LEVELS = ((1, 1), (2, 3), (4, None))  # needs per country of each shade: 1, 2–3, 4 or more
# A country drawn smaller than this (square units of the map's 2000 × 862; Bosnia and Herzegovina
# is 174, Lebanon 32) is a few pixels wide on a screen: it gets a marker as well, big enough to
# see its shade and to point at.
SMALL = 200


@dataclass(frozen=True)
class MapCountry:
    """A country with a page: where it is on the map, and its figures."""

    code: str
    needs: int
    offers: int  # open to it: by name, through its region or to any country
    level: int  # its shade: 0 without a published need, else 1 to len(LEVELS)
    d: str  # its shape as SVG path data; "" when too small for the map's scale
    at: tuple[int, int]  # where its number goes (and its marker, if small)
    small: bool = False  # drawn, but too small to see or point at without a marker


@dataclass(frozen=True)
class WorldMap:
    width: int
    height: int
    countries: tuple[MapCountry, ...]  # every country with a page, in the order of the codes

    @property
    def shaded(self) -> tuple[MapCountry, ...]:
        return tuple(c for c in self.countries if c.level and c.d)

    @property
    def unmapped(self) -> tuple[MapCountry, ...]:
        """Countries with a page but no shape at this scale (small islands): in the table only."""
        return tuple(c for c in self.countries if not c.d)


def level(needs: int) -> int:
    for number, (low, high) in enumerate(LEVELS, start=1):
        if needs >= low and (high is None or needs <= high):
            return number
    return 0


def legend() -> tuple[tuple[int, str], ...]:
    """Each shade and the numbers of needs it stands for: (1, "1"), (2, "2–3"), (3, "4+")."""
    return tuple(
        (n, str(low) if low == high else f"{low}–{high}" if high else f"{low}+")
        for n, (low, high) in enumerate(LEVELS, start=1)
    )


def world_map(site: Site, words: Vocabulary) -> WorldMap:
    shapes = _shapes()
    by_code = {c["code"]: c for c in shapes["countries"] if c["code"]}
    countries = []
    for code in country_codes(site):
        facts = country_facts(site, code, words)
        shape = by_code.get(code, {})
        x, y = shape.get("at", (0, 0))
        countries.append(
            MapCountry(
                code=code,
                needs=len(facts.needs),
                offers=len(facts.offers),
                level=level(len(facts.needs)),
                d=shape.get("d", ""),
                at=(int(x), int(y)),
                small=bool(shape) and shape["size"] < SMALL,
            )
        )
    return WorldMap(width=shapes["width"], height=shapes["height"], countries=tuple(countries))


def land() -> str:
    """LAND: every country in grey with white borders; a page's map draws its own over it."""
    shapes = _shapes()
    width, height = shapes["width"], shapes["height"]
    paths = "".join(f'<path d="{c["d"]}"/>' for c in shapes["countries"])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}">\n'
        '<g fill="#dfe3e8" fill-rule="evenodd" stroke="#fff" stroke-width="1">'
        f"{paths}</g>\n</svg>\n"
    )


@cache
def _shapes() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHAPES.read_text(encoding="utf-8"))
    return data
