"""`portal actors`: the states and organisations the portal knows."""

import click

from bot.cli.base import session_for, table
from store.actors import ACTOR_TYPES, list_actors


@click.group()
def actors() -> None:
    """States and organisations that may own records."""


@actors.command("list")
@click.option("--type", "actor_type", type=click.Choice(ACTOR_TYPES), help="Only this type.")
@click.pass_context
def list_command(ctx: click.Context, actor_type: str | None) -> None:
    """List actors with their code, type and name."""
    with session_for(ctx) as session:
        rows = [(a.code, a.type, a.name) for a in list_actors(session, actor_type)]
    table(rows, ("code", "type", "name"))
    click.echo(f"{len(rows)} actor(s)")
