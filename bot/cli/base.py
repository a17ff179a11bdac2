"""The root command group and the portal every subcommand opens."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from bot.cli.lazy import LazyGroup
from bot.config import Settings
from bot.errors import ConfigError, UserError
from bot.logs import configure
from bot.masking import masked, url_without_password

if TYPE_CHECKING:  # imported when a command opens the portal, not for `portal --help`
    from sqlalchemy.orm import Session

    from bot.app import Portal
    from bot.context import Context


class PortalGroup(LazyGroup):
    """Turns the portal's own errors into one line and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (UserError, ConfigError) as exc:
            raise click.ClickException(_without_secrets(ctx, str(exc))) from exc
        except Exception as exc:
            reason = _database_unusable(exc)
            if reason is None:
                raise
            message = f"the database cannot be used: {reason}"
            raise click.ClickException(_without_secrets(ctx, message)) from exc


def _database_unusable(exc: Exception) -> object | None:
    """Why the database cannot be used, when `exc` says so: SQLAlchemy's OperationalError or
    the quick read's Unusable. Neither is imported here: no command that raised one missed it."""
    errors = sys.modules.get("sqlalchemy.exc")
    if errors is not None and isinstance(exc, errors.OperationalError):
        return exc.orig
    listing = sys.modules.get("store.listing")
    if listing is not None and isinstance(exc, listing.Unusable):
        return exc
    return None


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
    from bot.app import Portal

    settings: Settings = ctx.find_root().obj
    portal = Portal.open(settings)
    ctx.call_on_close(portal.close)
    if require_current and not portal.is_current():
        raise not_current(settings)
    return portal


def not_current(settings: Settings) -> ConfigError:
    return ConfigError(
        f"the database at {url_without_password(settings.effective_database_url)} is not "
        "initialised or not up to date: run `portal init`"
    )


@contextmanager
def session_for(ctx: click.Context) -> Iterator[Session]:
    """One transaction for one CLI command."""
    from store.db import transaction

    with transaction(open_portal(ctx).sessions) as session:
        yield session


def cli_context(session: Session, ctx: click.Context) -> Context:
    """The context of a secretariat action taken on the command line."""
    from bot.context import Context
    from bot.envelope import Inbound

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
