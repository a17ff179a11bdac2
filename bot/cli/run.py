"""`portal init` and `portal run`."""

from __future__ import annotations

import click

from bot.cli.base import open_portal
from bot.config import Settings
from bot.masking import url_without_password


@click.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create or migrate the database and load the reference actors."""
    from bot.operations.backup import backup_before_migration
    from store.actors import list_actors

    portal = open_portal(ctx, require_current=False)
    backup_before_migration(portal.settings, portal.engine)
    added, changed = portal.init()
    with portal.sessions() as session:
        total = len(list_actors(session))
    click.echo(
        f"database ready at {url_without_password(portal.settings.effective_database_url)}; "
        f"{total} actors ({added} added, {changed} updated)"
    )


@click.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Start the portal: SMTP, Telegram (if configured), processors, delivery, scheduler,
    each in its own process, until Ctrl-C or SIGTERM."""
    from bot.supervisor import supervise

    settings: Settings = ctx.find_root().obj
    ctx.exit(supervise(settings))  # migrates and loads the actors as `portal init` does
