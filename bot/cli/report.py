"""`portal report`: the yearly figures for the cooperation-and-assistance progress report."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click

from bot.cli.base import open_portal
from bot.report import as_csv, as_markdown, as_text, figures

FORMATS = {"text": as_text, "markdown": as_markdown, "csv": as_csv}


@click.command()
@click.option(
    "--year",
    type=click.IntRange(2000, 9998),
    help="Calendar year, in the portal's timezone (default: the current year).",
)
@click.option(
    "--format",
    "form",
    type=click.Choice(list(FORMATS)),
    default="text",
    show_default=True,
    help="Aligned text, Markdown tables, or CSV rows of section,key,value.",
)
@click.pass_context
def report(ctx: click.Context, year: int | None, form: str) -> None:
    """Needs, offers, matches and closures of a year, each counted in the year it happened."""
    portal = open_portal(ctx)
    timezone = portal.settings.timezone
    wanted = year or datetime.now(ZoneInfo(timezone)).year
    with portal.sessions() as session:
        found = figures(session, wanted, timezone)
    click.echo(FORMATS[form](found), nl=False)
