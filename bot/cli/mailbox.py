"""`portal mailbox check` and `rewind`: can the portal read its mailbox, where it left off there."""

from __future__ import annotations

import click
from imapclient.exceptions import IMAPClientError

from bot.channels.email.imap import MailboxUrl, connect, mailbox_url
from bot.cli.base import session_for
from bot.cli.lazy import LazyGroup
from bot.config import Settings
from bot.errors import ConfigError
from store.mailboxes import position_of, rewind

AUTHORIZE = (  # its short help; imported only when it runs (bot/cli/lazy.py)
    "Sign in to the mailbox at its provider, store the tokens (PORTAL_HOME/oauth2.json, for you "
    "only), then try the mailbox (IMAP) and the relay (SMTP) with them."
)


@click.group(cls=LazyGroup, lazy={"authorize": ("bot.cli.authorize:authorize", AUTHORIZE)})
def mailbox() -> None:
    """The mailbox read over IMAP (PORTAL_IMAP_URL)."""


@mailbox.command("check")
@click.pass_context
def check_command(ctx: click.Context) -> None:
    """Log in, and show the folder's messages, UIDVALIDITY and the position the portal keeps."""
    settings: Settings = ctx.find_root().obj
    where, status = _folder_status(ctx)
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


@mailbox.command("rewind")
@click.pass_context
def rewind_command(ctx: click.Context) -> None:
    """Have the portal read the folder from its first message at its next start: every
    message not marked kept, read or unread (at its first start it leaves those already there)."""
    where, status = _folder_status(ctx)
    with session_for(ctx) as session:
        rewind(session, where.name, int(status[b"UIDVALIDITY"]))
    click.echo(
        f"mailbox {where.name}: position set back to its start; the portal reads those of its "
        f"{status[b'MESSAGES']} message(s) not marked kept when it next starts"
    )


def _folder_status(ctx: click.Context) -> tuple[MailboxUrl, dict[bytes, int]]:
    """Log in; the folder's MESSAGES, UNSEEN, UIDVALIDITY and UIDNEXT."""
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
    return where, status
