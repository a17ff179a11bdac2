"""The site's world map: shapes from Natural Earth, each country shaded by its published needs."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

from bot.app import Portal
from bot.site import build_site, world_source
from bot.site.worldmap import SHAPES, SMALL, legend, level
from tests.factories import focal_point, publish
from tests.site.conftest import read
from tests.site.records import GENERATED, START, fill
from tests.site.test_accessibility import missing

NPM_SHAPES = Path(__file__).parents[1] / "node_modules" / "world-atlas" / "countries-110m.json"


def test_the_shapes_are_natural_earth_as_the_source_script_makes_them() -> None:
    data = json.loads(SHAPES.read_text(encoding="utf-8"))
    assert "public domain" in data["licence"] and "Natural Earth" in data["source"]
    codes = [c["code"] for c in data["countries"] if c["code"]]
    assert len(codes) == len(set(codes)) == 174  # 176 shapes; N. Cyprus, Somaliland have none
    assert {"LAO", "LBN", "BIH", "TCD", "COL", "XKX"} <= set(codes)
    if not NPM_SHAPES.is_file():
        missing("world-atlas")
    made = world_source.world(json.loads(NPM_SHAPES.read_text(encoding="utf-8")))
    assert made == data


def test_equal_earth_puts_the_poles_and_the_antimeridian_where_they_belong() -> None:
    assert world_source.equal_earth(0, 0) == (0, 0)
    x, _ = world_source.equal_earth(180, 0)
    assert round(x, 4) == 2.7066  # the projection's half width (Šavrič et al. 2018)
    _, y = world_source.equal_earth(0, 90)
    assert round(-y, 4) == 1.3174  # and half height


def test_shades_stand_for_numbers_of_needs() -> None:
    assert [level(n) for n in range(6)] == [0, 1, 2, 2, 3, 3]
    assert legend() == ((1, "1"), (2, "2–3"), (3, "4+"))


def test_the_overview_map_shades_each_country_with_needs_and_gives_its_figures(
    built: Path,
) -> None:
    html = read(built, "en/index.html")
    shaded = re.findall(
        r'<path class="country needs level-(\d)" data-country="([A-Z]{3})"'
        r' data-needs="(\d+)" data-offers="(\d+)" fill="url\(#shade-\1\)" d="m',
        html,
    )
    assert shaded == [("1", "BIH", "1", "1"), ("2", "LAO", "2", "2"), ("1", "LBN", "1", "3")]
    table = html.split('id="map-table"')[1].split("</table>")[0]
    rows = re.findall(
        r'<tr data-country="([A-Z]{3})">.*?data-needs="\d+">(\d+)</td>.*?>(\d+)</td></tr>', table
    )
    assert rows == [("LAO", "2", "2"), ("BIH", "1", "1"), ("LBN", "1", "3")]
    assert 'href="../en/country/LAO.html" aria-label="Lao People&#39;s Democratic Republic:' in html
    fr = read(built, "fr/needs.html")
    assert "Liban : 1 besoin(s) publié(s), 3 offre(s) ouverte(s) à ce pays" in fr
    assert '<details class="map-table">' in fr  # on the lists the table is folded
    assert '<details class="map-table" open>' in html


def test_a_small_country_gets_a_marker_and_one_without_a_shape_is_named_under_the_map(
    portal: Portal, tmp_path: Path
) -> None:
    sizes = {
        c["code"]: c["size"] for c in json.loads(SHAPES.read_text(encoding="utf-8"))["countries"]
    }
    assert sizes["LBN"] < sizes["BIH"] < SMALL < sizes["LAO"]
    assert "CPV" not in sizes  # Cabo Verde: islands too small for the 1:110m shapes
    fill(portal)
    focal_point(portal, "CPV", "focal@cv.example")
    publish(portal, "focal@cv.example", CPV_NEED, START + timedelta(hours=10))
    build_site(portal.sessions, portal.settings, tmp_path / "site", GENERATED)
    html = read(tmp_path / "site", "en/index.html")
    markers = re.findall(
        r'data-country="([A-Z]{3})"[^>]*/><circle class="marker needs" cx="(\d+)" cy="(\d+)"'
        r' r="18" fill="url\(#shade-1\)"/></a>',
        html,
    )
    assert markers == [("BIH", "1085", "170"), ("LBN", "1183", "236")]  # not Lao's
    assert "a circle marks a country too small to see at this scale" in html
    table = re.findall(r'<tr data-country="([A-Z]{3})">', html.split('id="map-table"')[1])
    assert table == ["LAO", "BIH", "CPV", "LBN"]  # every country with needs, drawn or not
    assert 'data-country="CPV"' not in html.split('id="map-table"')[0]  # not drawn
    unmapped = html.split('id="map-unmapped">')[1].split("</p>")[0]
    assert unmapped == (
        'Too small for the map, in the table only: <a href="../en/country/CPV.html">Cabo Verde</a>'
    )


CPV_NEED = """Type: need
Title: Survey of a former firing range on Santiago
Areas: technical survey
Assistance: technical expertise
Description: A team to survey the range before it is built on.
"""


def test_the_land_is_one_file_that_every_map_draws_beneath_its_countries(built: Path) -> None:
    world = read(built, "assets/world.svg")
    shapes = json.loads(SHAPES.read_text(encoding="utf-8"))["countries"]
    assert world.count("<path d=") == len(shapes) == 176
    for name in ("en/index.html", "fr/needs.html", "es/offers.html"):
        html = read(built, name)
        image = '<image class="land" href="../assets/world.svg" width="2000" height="862"'
        assert html.count(image) == 1
        drawn = html.split('id="map"')[1].split("</svg>")[0]
        assert drawn.index(image) < drawn.index('<a href="../')  # beneath the countries
        assert re.findall(r"<path class=\"country[^>]* data-country=\"(...)\"", drawn) == [
            "BIH",
            "LAO",
            "LBN",
        ]  # only the countries with a page
    assert len(read(built, "en/needs.html")) < 15_000  # not 60 KB of shapes in each page
