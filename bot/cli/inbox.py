"""`portal inbox`: what came in, what failed, and trying a failed item again."""

from __future__ import annotations

import click

from bot.cli.base import session_for, table
from bot.errors import NotFound, UserError
from store import inbox as store_inbox


@click.group()
def inbox() -> None:
    """Messages received, and their processing."""


@inbox.command("list")
@click.option("--failed", is_flag=True, help="Only items that failed or are quarantined.")
@click.option("--limit", default=50, show_default=True)
@click.pass_context
def list_command(ctx: click.Context, failed: bool, limit: int) -> None:
    """List the newest inbox items with their status and outcome."""
    with session_for(ctx) as session:
        rows = [
            (
                str(i.id),
                f"{i.received_at:%Y-%m-%d %H:%M}",
                i.channel,
                i.sender,
                i.status,
                str(i.attempts),
                _first_line(i.error or i.outcome or ""),
            )
            for i in store_inbox.list_items(session, failed_only=failed, limit=limit)
        ]
    table(rows, ("id", "received", "channel", "sender", "status", "tries", "outcome / error"))
    click.echo(f"{len(rows)} item(s)")


@inbox.command("retry")
@click.argument("item_id", type=int)
@click.pass_context
def retry_command(ctx: click.Context, item_id: int) -> None:
    """Process a failed item again (the running portal picks it up)."""
    with session_for(ctx) as session:
        item = store_inbox.retry(session, item_id)
        if item is None:
            raise NotFound(f"no inbox item {item_id}")
        if item.status != store_inbox.NEW:
            raise UserError(f"inbox item {item_id} is {item.status}, not failed")
    click.echo(f"inbox item {item_id} will be processed again")


def _first_line(text: str) -> str:
    return text.splitlines()[0][:70] if text else ""
