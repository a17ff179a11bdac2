"""`portal backup` and `portal restore`."""

from __future__ import annotations

from pathlib import Path

import click

from bot.config import Settings, settings_file
from bot.operations.backup import make_backup
from bot.operations.restore import restore as restore_archive


@click.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to write (default: PORTAL_BACKUPS_DIR/portal-REVISION-TIME.tar.gz).",
)
@click.pass_context
def backup(ctx: click.Context, out: Path | None) -> None:
    """Write one archive with a consistent copy of the database, the secret key and the
    settings file. Safe while `portal run` is running."""
    settings: Settings = ctx.find_root().obj
    path = make_backup(settings, out)
    click.echo(f"backup written to {path}")


@click.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def restore(ctx: click.Context, archive: Path) -> None:
    """Put a backup back on an empty PORTAL_HOME (and an empty database); refuses to
    overwrite anything."""
    settings: Settings = ctx.find_root().obj
    manifest = restore_archive(settings, archive, settings_file())
    click.echo(
        f"restored {archive}: database revision {manifest.get('revision')}, made "
        f"{manifest.get('created_at')} by portal {manifest.get('portal_version')}; "
        "run `portal init` (or `portal run`) to bring it up to date"
    )
