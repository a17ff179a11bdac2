"""The yearly report as one HTML page: the figures' tables and the charts over time."""

from __future__ import annotations

from pathlib import Path

from bot.locale import gettext_callables
from bot.records.views import vocabulary
from bot.render import environment
from bot.report import Figures, report_title, tables
from bot.trends import Trends

STYLE = Path(__file__).parent / "site" / "assets" / "style.css"


def as_html(f: Figures, trends: Trends) -> str:
    """A page with no outside file: the site's style sheet is written into it."""
    words = vocabulary()
    return (
        environment()
        .get_template("site/report.html.j2")
        .render(
            **gettext_callables("en"),
            lang="en",
            title=report_title(f),
            tables=tables(f),
            trends=trends,
            area_name=words.area_label,
            style=STYLE.read_text(encoding="utf-8"),
        )
    )
