"""The overview's charts over time: counts per quarter of the year and records by area."""

from __future__ import annotations

import re
from pathlib import Path

from tests.site.conftest import read


def test_the_overview_charts_count_each_quarter_and_each_area(built: Path) -> None:
    html = read(built, "en/index.html")
    table = html.split('id="trends-table"')[1].split("</table>")[0]
    rows = re.findall(r'<tr data-period="([^"]+)">(.*?)</tr>', table)
    figures = {
        period: re.findall(r'data-series="(\w+)">(\d+)</td>', cells) for period, cells in rows
    }
    zero = [("needs", "0"), ("offers", "0"), ("matches", "0"), ("fulfilled", "0")]
    assert figures == {
        "2026 Q1": zero,
        "2026 Q2": zero,
        "2026 Q3": zero,
        "2026 Q4": [("needs", "4"), ("offers", "3"), ("matches", "3"), ("fulfilled", "0")],
    }
    needs = html.split('id="trend-needs"')[1].split("</figure>")[0]
    assert re.findall(r'data-period="([^"]+)" data-value="(\d+)"', needs) == [
        ("2026 Q1", "0"),
        ("2026 Q2", "0"),
        ("2026 Q3", "0"),
        ("2026 Q4", "4"),
    ]
    assert '<svg viewBox="0 0 320 150" role="img" aria-labelledby="trend-needs-title"' in needs
    areas = re.findall(r'data-area="([^"]+)" data-offers="(\d+)"', html)
    assert areas == [
        ("art4.survey.technical", "1"),
        ("art4.land_release", "1"),
        ("art4.clearance", "2"),
        ("art4.risk_reduction_education", "1"),
        ("art5.rehabilitation", "0"),
    ]
    assert "Records by area, since the first publication" in html
    table = html.split('id="trend-areas-table"')[1].split("</table>")[0]  # the chart as text
    assert re.findall(r'<tr data-area="([^"]+)"><th scope="row">([^<]+)</th>', table)[-1] == (
        "art5.rehabilitation",
        "victim assistance — rehabilitation",
    )
    assert len(re.findall(r"<tr data-area=", table)) == 5
    assert "Nécessités" not in read(built, "fr/index.html")
    assert "<h2>Évolution dans le temps</h2>" in read(built, "fr/index.html")
