"""`portal call`: calls for information, from creation to reminders."""

from __future__ import annotations

from pathlib import Path

import click

from bot.calls import campaign as calls
from bot.cli.base import open_portal, session_for, table
from store.base import utcnow


@click.group()
def call() -> None:
    """Calls for information: the mails focal points answer."""


@call.command("create")
@click.option("--title", required=True, help="The subject of the call.")
@click.option("--deadline", type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option(
    "--actors",
    "actor_types",
    default="",
    help="Actor types, comma-separated (state_party,signatory,...).",
)
@click.option("--actor", "actor_codes", multiple=True, help="One actor (code or name); repeat.")
@click.option(
    "--message",
    "message_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file with the secretariat's introduction.",
)
@click.pass_context
def create_command(
    ctx: click.Context,
    title: str,
    deadline: object,
    actor_types: str,
    actor_codes: tuple[str, ...],
    message_file: Path | None,
) -> None:
    """Create a call (sent with `portal call send ID`)."""
    message = message_file.read_text(encoding="utf-8") if message_file else ""
    with session_for(ctx) as session:
        created = calls.create(
            session,
            title=title,
            deadline=deadline.date() if deadline is not None else None,  # type: ignore[attr-defined]
            actor_types=[t.strip() for t in actor_types.split(",") if t.strip()],
            actor_codes=list(actor_codes),
            message=message,
            by="cli",
        )
        actors = calls.actors_of(session, created)
        click.echo(f"call {created.id} created for {len(actors)} actor(s)")


@call.command("list")
@click.pass_context
def list_command(ctx: click.Context) -> None:
    """Every call, with how many focal points it reached and how many answered."""
    with session_for(ctx) as session:
        rows = []
        for found in calls.every(session):
            lines = calls.status(session, found.id)
            answered = sum(line.state in calls.ANSWERS for line in lines)
            rows.append(
                (
                    str(found.id),
                    f"{found.created_at:%Y-%m-%d}",
                    f"{found.sent_at:%Y-%m-%d}" if found.sent_at else "not sent",
                    f"{answered}/{len(lines)}",
                    found.title[:60],
                )
            )
    table(rows, ("id", "created", "sent", "answered", "title"))
    click.echo(f"{len(rows)} call(s)")


@call.command("send")
@click.argument("call_id", type=int)
@click.option("--dry-run", is_flag=True, help="Count the mails; send nothing.")
@click.pass_context
def send_command(ctx: click.Context, call_id: int, dry_run: bool) -> None:
    """Send the call to every focal point who has not had it yet (safe to run again)."""
    portal = open_portal(ctx)
    report = calls.send(portal.sessions, portal.settings, call_id, utcnow(), dry_run=dry_run)
    click.echo(("dry run: " if dry_run else "") + f"call {call_id}: {report}")


@call.command("remind")
@click.argument("call_id", type=int)
@click.option("--dry-run", is_flag=True, help="Count the reminders; send nothing.")
@click.pass_context
def remind_command(ctx: click.Context, call_id: int, dry_run: bool) -> None:
    """Remind those who have not answered (at most once a week each)."""
    portal = open_portal(ctx)
    report = calls.send(
        portal.sessions, portal.settings, call_id, utcnow(), dry_run=dry_run, remind=True
    )
    click.echo(
        ("dry run: " if dry_run else "")
        + f"call {call_id}: {report.queued} reminder(s) queued, {report.already} not due"
    )


@call.command("status")
@click.argument("call_id", type=int)
@click.pass_context
def status_command(ctx: click.Context, call_id: int) -> None:
    """Per actor and focal point: answered, updated, no change, silent, unreachable."""
    with session_for(ctx) as session:
        found = calls.get(session, call_id)
        lines = calls.status(session, call_id)
        title, deadline = found.title, found.deadline
    click.echo(f"call {call_id}: {title}" + (f" (deadline {deadline})" if deadline else ""))
    table(
        [
            (
                line.actor,
                line.address,
                line.state.replace("_", " "),
                f"{line.when:%Y-%m-%d}" if line.when else "",
            )
            for line in lines
        ],
        ("actor", "focal point", "answer", "when"),
    )
    answered = sum(line.state in calls.ANSWERS for line in lines)
    click.echo(f"{answered} of {len(lines)} answered")
