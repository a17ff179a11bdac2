"""`portal status`: version, database, queues, digests, Telegram and backups at a glance."""

from __future__ import annotations

from datetime import datetime

import click

from bot.config import Settings
from bot.operations.polling_state import PollingState
from bot.operations.status import gather
from store.db import make_engine


@click.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Show how the portal is doing; exits 1 when something is stuck (as /healthz's 503)."""
    settings: Settings = ctx.find_root().obj
    engine = make_engine(settings.effective_database_url)
    try:
        found = gather(settings, engine)
    finally:
        engine.dispose()
    lines = [
        ("version", found.version),
        ("database", found.database),
        ("revision", _revision(found.revision, found.head, found.database_error)),
    ]
    q = found.queues
    if q is not None:
        lines += [
            (
                "inbox",
                f"{q.inbox['new'] + q.inbox['processing']} waiting, {q.inbox['failed']} failed, "
                f"{q.inbox['quarantined']} quarantined",
            ),
            (
                "outbox",
                f"{q.outbox['pending'] + q.outbox['sending']} waiting, {q.outbox['failed']} failed",
            ),
        ]
    last = (
        f"{found.last_digest_period} (finished {_when(found.last_digest_at)})"
        if found.last_digest_period
        else "none yet"
    )
    lines += [
        ("last digests", last),
        ("next digests", _when(found.next_digest_at)),
        ("telegram", _telegram(found.telegram, found.polling)),
        (
            "bouncing addresses",
            "unknown" if found.bouncing_addresses is None else str(found.bouncing_addresses),
        ),
        ("last backup", _when(found.last_backup_at)),
    ]
    if found.mailbox is not None:
        lines.append(("mailbox", _mailbox(found.mailbox)))
    width = max(len(name) for name, _ in lines)
    for name, value in lines:
        click.echo(f"{name.ljust(width)}  {value}")
    for item in found.attention:
        click.echo(f"attention: {item}")
    for problem in found.problems:
        click.echo(f"PROBLEM: {problem}")
    click.echo("healthy" if not found.problems else "NOT healthy")
    ctx.exit(0 if not found.problems else 1)


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment is not None else "never"


def _revision(revision: str | None, head: str | None, error: str | None) -> str:
    if error is not None:
        return f"unknown: the database does not answer ({error})"
    if revision == head:
        return f"{revision} (up to date)"
    return f"{revision or 'none'}, the code is at {head}: run `portal init`"


def _telegram(mode: str, polling: PollingState | None) -> str:
    if mode != "polling":
        return mode
    if polling is None:
        return "polling (no poll recorded yet)"
    if polling.failing_since:
        return f"polling FAILING since {polling.failing_since} ({polling.error})"
    return f"polling, last answer {polling.ok_at}"


def _mailbox(reading: PollingState) -> str:
    if reading.failing_since:
        return f"FAILING since {reading.failing_since} ({reading.error})"
    return f"read, last good pass {reading.ok_at}"
