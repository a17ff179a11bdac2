"""`portal mailbox check`: can the portal read its mailbox, and where did it leave off there."""

from __future__ import annotations

import click
from imapclient.exceptions import IMAPClientError

from bot.channels.email.imap import connect, mailbox_url
from bot.cli.base import session_for
from bot.config import Settings
from bot.errors import ConfigError
from store.mailboxes import position_of


@click.group()
def mailbox() -> None:
    """The mailbox read over IMAP (PORTAL_IMAP_URL)."""


@mailbox.command("check")
@click.pass_context
def check_command(ctx: click.Context) -> None:
    """Log in, and show the folder's messages, UIDVALIDITY and the position the portal keeps."""
    settings: Settings = ctx.find_root().obj
    if not settings.imap_url:
        raise ConfigError("PORTAL_IMAP_URL is not set: the portal reads no mailbox")
    where = mailbox_url(settings)
    try:
        client = connect(where, settings)
        try:
            status = client.folder_status(
                where.folder, [b"MESSAGES", b"UNSEEN", b"UIDVALIDITY", b"UIDNEXT"]
            )
        finally:
            client.logout()
    except (OSError, IMAPClientError) as exc:
        raise click.ClickException(f"mailbox {where.name} cannot be read: {exc}") from exc
    click.echo(f"mailbox {where.name}: logged in")
    click.echo(
        f"messages {status[b'MESSAGES']}, unread {status[b'UNSEEN']}, "
        f"UIDVALIDITY {status[b'UIDVALIDITY']}, next UID {status[b'UIDNEXT']}"
    )
    with session_for(ctx) as session:
        position = position_of(session, where.name)
    if position is None:
        click.echo("position: none yet (the portal has not read this mailbox)")
    else:
        same = "" if position[0] == status[b"UIDVALIDITY"] else " (another UIDVALIDITY: void)"
        click.echo(f"position: UIDVALIDITY {position[0]}, kept up to UID {position[1]}{same}")
    if settings.imap_processed:
        click.echo(f"kept messages are moved to {settings.imap_processed}")
    else:
        click.echo("kept messages are flagged \\Seen (and $PortalKept)")
