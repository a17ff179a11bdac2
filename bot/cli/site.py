"""`portal site build` and `portal site serve`: the public static site of published records."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click

from bot.cli.base import open_portal
from bot.config import Settings
from bot.errors import UserError
from bot.site import build_site
from store.base import utcnow


def _default_dir(ctx: click.Context) -> Path:
    settings: Settings = ctx.find_root().obj
    return settings.home / "site"


@click.group()
def site() -> None:
    """The public static site: published records only, no personal data."""


@site.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the site (default: PORTAL_HOME/site); a previous build there is replaced.",
)
@click.pass_context
def build_command(ctx: click.Context, out: Path | None) -> None:
    """Write the site: pages in English, French and Spanish, data.json, data.csv, feed.atom."""
    portal = open_portal(ctx)
    target = out or _default_dir(ctx)
    built = build_site(portal.sessions, portal.settings, target, utcnow())
    click.echo(f"site built in {target}: {built.pages} page(s), {built.records} record(s)")


@site.command("serve")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of a built site (default: PORTAL_HOME/site).",
)
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
def serve_command(folder: Path | None, port: int) -> None:
    """Serve a built site on 127.0.0.1 to look at it; Ctrl-C stops."""
    root = folder or _default_dir(click.get_current_context())
    if not (root / "index.html").is_file():
        raise UserError(f"no site in {root}: run `portal site build` first")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    with ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        click.echo(f"serving {root} at http://127.0.0.1:{server.server_port}/ (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped")
