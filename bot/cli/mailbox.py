"""`portal mailbox …`: the portal's mailbox (on this branch only the group; `authorize` joins it
in bot/cli/__init__.py, so the mailbox reader's own bot/cli/mailbox.py can replace this file)."""

from __future__ import annotations

import click


@click.group()
def mailbox() -> None:
    """The mailbox read over IMAP (PORTAL_IMAP_URL)."""
