"""`portal report`: the yearly figures for the cooperation-and-assistance progress report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import click

from bot.cli.base import open_portal
from bot.report import as_csv, as_markdown, as_text, figures
from bot.report_html import as_html
from bot.trends import trends

FORMATS = {"text": as_text, "markdown": as_markdown, "csv": as_csv}
HTML = "html"  # also draws the charts over time, so it reads the history up to the year's end


@click.command()
@click.option(
    "--year",
    type=click.IntRange(2000, 9998),
    help="Calendar year, in the portal's timezone (default: the current year).",
)
@click.option(
    "--format",
    "form",
    type=click.Choice([*FORMATS, HTML]),
    default="text",
    show_default=True,
    help="Aligned text, Markdown tables, CSV rows of section,key,value, or an HTML page"
    " with charts of needs, offers, matches and fulfilled needs per year and quarter.",
)
@click.pass_context
def report(ctx: click.Context, year: int | None, form: str) -> None:
    """Needs, offers, matches and closures of a year, each counted in the year it happened."""
    portal = open_portal(ctx)
    timezone = portal.settings.timezone
    wanted = year or datetime.now(ZoneInfo(timezone)).year
    with portal.sessions() as session:
        found = figures(session, wanted, timezone)
        if form == HTML:
            last = datetime(wanted + 1, 1, 1, tzinfo=ZoneInfo(timezone)) - timedelta(microseconds=1)
            until = min(datetime.now(UTC), last)  # the year's quarters, or up to today
            text = as_html(found, trends(session, until, timezone))
        else:
            text = FORMATS[form](found)
    click.echo(text, nl=False)
