"""`portal doctor`: is this portal ready for real use? Each finding says what to do."""

from __future__ import annotations

import click

from bot.config import Settings
from bot.operations.checks import RELAY_TIMEOUT, Finding, doctor_findings
from store.db import make_engine


@click.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check settings, relay, database, folders, secret key and backups; exits 1 when anything
    needs doing."""
    settings: Settings = ctx.find_root().obj
    engine = make_engine(settings.effective_database_url)
    try:
        findings = doctor_findings(settings, engine) + _mailbox(settings)
    finally:
        engine.dispose()
    for finding in findings:
        click.echo(f"- {finding.problem}\n  what to do: {finding.remedy}")
    if findings:
        click.echo(f"{len(findings)} thing(s) to do before real use")
    else:
        click.echo("all checks passed: ready for real use")
    ctx.exit(1 if findings else 0)


def _mailbox(settings: Settings) -> list[Finding]:
    """The mailbox of PORTAL_IMAP_URL lets the portal log in (password or OAuth2)."""
    if not settings.imap_url:
        return []
    from bot.channels.email.credentials import mailbox_login, try_imap

    try:
        try_imap(settings.imap_url, mailbox_login(settings), timeout=RELAY_TIMEOUT)
    except Exception as exc:  # refused, unreachable, not authorised: each says why
        return [
            Finding(
                f"the mailbox of PORTAL_IMAP_URL cannot be read ({type(exc).__name__}: {exc})",
                "check PORTAL_IMAP_URL and PORTAL_IMAP_PASSWORD, or run `portal mailbox "
                "authorize` (OAuth2); `portal mailbox check` shows the folder once it works",
            )
        ]
    return []
