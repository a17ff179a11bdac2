"""`portal doctor`: is this portal ready for real use? Each finding says what to do."""

from __future__ import annotations

import click

from bot.config import Settings
from bot.operations.checks import doctor_findings
from store.db import make_engine


@click.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check settings, relay, database, folders, secret key and backups; exits 1 when anything
    needs doing."""
    settings: Settings = ctx.find_root().obj
    engine = make_engine(settings.effective_database_url)
    try:
        findings = doctor_findings(settings, engine)
    finally:
        engine.dispose()
    for finding in findings:
        click.echo(f"- {finding.problem}\n  what to do: {finding.remedy}")
    if findings:
        click.echo(f"{len(findings)} thing(s) to do before real use")
    else:
        click.echo("all checks passed: ready for real use")
    ctx.exit(1 if findings else 0)
