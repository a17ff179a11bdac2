"""`portal records`: needs and offers as the secretariat sees them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from bot.cli.base import cli_context, not_current, session_for, table
from bot.config import Settings
from bot.errors import NotFound
from store import listing
from store.record_states import NEED, OFFER, STATUSES

if TYPE_CHECKING:  # imported by the commands that need them: `records list` needs neither
    from bot.records import review  # templates, mail: confirm and reject only
    from store.records import Record


@click.group()
def records() -> None:
    """Needs and offers."""


@records.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only records with this status.")
@click.option("--kind", type=click.Choice((NEED, OFFER)), help="Only needs or only offers.")
@click.pass_context
def list_command(ctx: click.Context, status: str | None, kind: str | None) -> None:
    """List records with their id, status, owner and title."""
    settings: Settings = ctx.find_root().obj
    with listing.open_database(settings.effective_database_url) as database:
        if database is not None:  # read without SQLAlchemy, which alone takes longer (issue 19)
            if not database.is_current():
                raise not_current(settings)
            found = listing.records(database, status=status, kind=kind)
    if database is None:  # a database URL only SQLAlchemy reads
        from store.records import list_records

        with session_for(ctx) as session:
            found = [
                (r.public_id, r.status, r.actor.code, r.title)
                for r in list_records(session, status=status, kind=kind)
            ]
    rows = [(public_id, state, actor, title[:60]) for public_id, state, actor, title in found]
    table(rows, ("id", "status", "actor", "title"))
    click.echo(f"{len(rows)} record(s)")


@click.command("confirm")
@click.argument("record_ids", nargs=-1, required=True)
@click.pass_context
def confirm(ctx: click.Context, record_ids: tuple[str, ...]) -> None:
    """Publish the pending records (or pending changes) RECORD_IDS; their owners are told."""
    from bot.records import review

    with session_for(ctx) as session:
        context = cli_context(session, ctx)
        decisions = [review.confirm(context, public_id) for public_id in record_ids]
    _report(decisions)


@click.command("reject")
@click.argument("record_id")
@click.option("--reason", required=True, help="Why; sent to the record's focal points.")
@click.pass_context
def reject(ctx: click.Context, record_id: str, reason: str) -> None:
    """Refuse the pending record (or pending change) RECORD_ID; its owners are told why."""
    from bot.records import review

    with session_for(ctx) as session:
        decision = review.reject(cli_context(session, ctx), record_id, reason)
    _report([decision])


def _report(decisions: list[review.Decision]) -> None:
    failures = 0
    for decision in decisions:
        if decision.outcome in ("published", "rejected"):
            click.echo(f"{decision.public_id}: {decision.outcome}")
        elif decision.outcome == "nothing_pending":
            failures += 1
            click.echo(f"{decision.public_id}: nothing pending (it is {decision.status})", err=True)
        else:
            failures += 1
            click.echo(f"{decision.public_id}: no such record", err=True)
    if failures:
        raise click.exceptions.Exit(1)


@records.command("show")
@click.argument("record_id")
@click.pass_context
def show_command(ctx: click.Context, record_id: str) -> None:
    """Show every field of one record."""
    with session_for(ctx) as session:
        record = _record(session, record_id)
        click.echo(describe(record))


@records.command("history")
@click.argument("record_id")
@click.pass_context
def history_command(ctx: click.Context, record_id: str) -> None:
    """Show every change to one record, oldest first."""
    from store.audit import record_history

    with session_for(ctx) as session:
        record = _record(session, record_id)
        for entry in record_history(session, record.id):
            click.echo(
                f"{entry.at:%Y-%m-%d %H:%M:%S}Z  {entry.action:<12} {entry.channel:<8} "
                f"{entry.who}" + (f"  ({entry.note})" if entry.note else "")
            )
            if entry.after:
                click.echo("    " + json.dumps(entry.after, default=str, ensure_ascii=False))


def _record(session, record_id: str) -> Record:  # type: ignore[no-untyped-def]
    from store.records import by_public_id

    record = by_public_id(session, record_id)
    if record is None:
        raise NotFound(f"no record {record_id}")
    return record


def describe(record: Record) -> str:
    lines = [
        f"id:          {record.public_id}",
        f"kind:        {record.kind}",
        f"status:      {record.status}",
        f"actor:       {record.actor.code} ({record.actor.name}, {record.actor.type})",
        f"title:       {record.title}",
        f"countries:   {', '.join(record.countries) or '-'}",
        f"areas:       {', '.join(record.areas)}",
        f"assistance:  {', '.join(record.assistance)}",
        f"amount:      {f'{record.amount:,} {record.currency}' if record.amount else '-'}",
        f"period:      {record.period_start or '-'} to {record.period_end or '-'}",
        f"languages:   {', '.join(record.languages) or '-'}",
        f"reference:   {record.reference or '-'}",
        f"created:     {record.created_at:%Y-%m-%d %H:%M}Z",
        f"published:   {f'{record.published_at:%Y-%m-%d %H:%M}Z' if record.published_at else '-'}",
        "description:",
        *("    " + line for line in record.description.splitlines()),
    ]
    pending = record.pending_revision()
    if pending is not None and record.status != "pending":
        lines.append(f"pending revision {pending.number} submitted {pending.submitted_at:%Y-%m-%d}")
    return "\n".join(lines)
