"""`portal mailbox …`: the portal's mailbox at Google Workspace, Microsoft 365 or any IMAP host."""

from __future__ import annotations

import click

from bot.cli.authorize import authorize


@click.group()
def mailbox() -> None:
    """The mailbox read over IMAP (PORTAL_IMAP_URL)."""


mailbox.add_command(authorize)
