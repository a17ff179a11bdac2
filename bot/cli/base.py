"""The root command group and the portal every subcommand opens."""

from __future__ import annotations

import getpass
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.app import Portal
from bot.config import Settings
from bot.context import Context
from bot.envelope import Inbound
from bot.errors import ConfigError, UserError
from bot.logs import configure
from bot.masking import masked, url_without_password
from store.db import transaction


class PortalGroup(click.Group):
    """Turns the portal's own errors into one line and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (UserError, ConfigError) as exc:
            raise click.ClickException(_without_secrets(ctx, str(exc))) from exc
        except OperationalError as exc:
            message = f"the database cannot be used: {exc.orig}"
            raise click.ClickException(_without_secrets(ctx, message)) from exc


def _without_secrets(ctx: click.Context, message: str) -> str:
    settings = ctx.obj
    return masked(message, settings.secrets()) if isinstance(settings, Settings) else message


@click.group(cls=PortalGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """The Cooperation Portal: needs and offers of the Convention on Cluster Munitions."""
    settings = Settings.load()
    configure(settings.log_level, secrets=settings.secrets())
    ctx.obj = settings


def open_portal(ctx: click.Context, *, require_current: bool = True) -> Portal:
    settings: Settings = ctx.find_root().obj
    portal = Portal.open(settings)
    ctx.call_on_close(portal.close)
    if require_current and not portal.is_current():
        raise ConfigError(
            f"the database at {url_without_password(settings.effective_database_url)} is not "
            "initialised or not up to date: run `portal init`"
        )
    return portal


@contextmanager
def session_for(ctx: click.Context) -> Iterator[Session]:
    """One transaction for one CLI command."""
    with transaction(open_portal(ctx).sessions) as session:
        yield session


def cli_context(session: Session, ctx: click.Context) -> Context:
    """The context of a secretariat action taken on the command line."""
    settings: Settings = ctx.find_root().obj
    who = f"cli:{getpass.getuser()}"
    inbound = Inbound(channel="cli", sender=who, subject="", text="")
    return Context(session, settings, inbound, person=None)


def table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> None:
    """Print rows as aligned columns."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo(
            "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        )
