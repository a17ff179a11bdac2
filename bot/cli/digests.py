"""`portal digest run` and `portal matches list`."""

from __future__ import annotations

import click

from bot.cli.base import open_portal, session_for, table
from bot.errors import NotFound, UserError
from digests.period import check_period, period_of
from digests.send import ensure_period
from store.base import utcnow
from store.matches import list_matches, matches_of
from store.records import by_public_id


@click.group()
def digest() -> None:
    """The weekly digests."""


@digest.command("run")
@click.option("--period", help="ISO week, e.g. 2026-W48 (default: the current week).")
@click.option("--dry-run", is_flag=True, help="Count what would be sent; change nothing.")
@click.pass_context
def run_command(ctx: click.Context, period: str | None, dry_run: bool) -> None:
    """Queue every digest of the period not sent yet (safe to run again)."""
    portal = open_portal(ctx)
    now = utcnow()
    try:
        wanted = check_period(period) if period else period_of(now, portal.settings.timezone)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    report = ensure_period(portal.sessions, portal.settings, wanted, now, dry_run=dry_run)
    click.echo(("dry run: " if dry_run else "") + str(report))


@click.group()
def matches() -> None:
    """Matches between needs and offers."""


@matches.command("list")
@click.option("--record", "record_id", help="Only the matches of this record.")
@click.option("--all", "everything", is_flag=True, help="Closed matches too.")
@click.pass_context
def list_command(ctx: click.Context, record_id: str | None, everything: bool) -> None:
    """List matches, best first, with their reasons."""
    status = None if everything else "open"
    with session_for(ctx) as session:
        if record_id:
            record = by_public_id(session, record_id)
            if record is None:
                raise NotFound(f"no record {record_id}")
            found = matches_of(session, record, status=status)
        else:
            found = list_matches(session, status=status)
        rows = [
            (
                m.need.public_id,
                m.offer.public_id,
                str(m.score),
                m.status,
                "; ".join(f"{code} {' '.join(values)}".strip() for code, values in m.reasons),
            )
            for m in found
        ]
    table(rows, ("need", "offer", "score", "status", "reasons"))
    click.echo(f"{len(rows)} match(es)")
