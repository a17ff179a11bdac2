"""`portal outbox`: what we owe people, what failed for good, and sending a failed item again."""

from __future__ import annotations

import click

from bot.cli.base import session_for, table
from bot.errors import NotFound, UserError
from store import outbox as store_outbox


@click.group()
def outbox() -> None:
    """Mail and messages going out, and their delivery."""


@outbox.command("list")
@click.option("--failed", is_flag=True, help="Only items that failed (no more tries).")
@click.option("--limit", default=50, show_default=True)
@click.pass_context
def list_command(ctx: click.Context, failed: bool, limit: int) -> None:
    """List the newest outbox items with their status and last error."""
    status = store_outbox.FAILED if failed else None
    with session_for(ctx) as session:
        rows = [
            (
                str(i.id),
                f"{i.created_at:%Y-%m-%d %H:%M}",
                i.channel,
                i.recipient,
                i.kind,
                i.status,
                str(i.attempts),
                _first_line(i.last_error or ""),
            )
            for i in store_outbox.list_items(session, status=status, limit=limit)
        ]
    table(rows, ("id", "created", "channel", "recipient", "kind", "status", "tries", "error"))
    click.echo(f"{len(rows)} item(s)")


@outbox.command("retry")
@click.argument("item_id", type=int)
@click.pass_context
def retry_command(ctx: click.Context, item_id: int) -> None:
    """Deliver a failed item again (the running portal sends it)."""
    with session_for(ctx) as session:
        item = session.get(store_outbox.OutboxItem, item_id)
        if item is None:
            raise NotFound(f"no outbox item {item_id}")
        if item.status != store_outbox.FAILED:
            raise UserError(f"outbox item {item_id} is {item.status}, not failed")
        store_outbox.retry(session, item_id)
    click.echo(f"outbox item {item_id} will be delivered again")


def _first_line(text: str) -> str:
    return text.splitlines()[0][:70] if text else ""
