"""`portal focal-point` and `portal secretariat`: who may speak for whom."""

from __future__ import annotations

import getpass
import json

import click

from bot.cli.base import session_for, table
from bot.errors import NotFound
from bot.people import bounces, erasure, export, registry
from store.base import utcnow
from store.people import email_address, focal_points
from store.people import secretariat as secretariat_members

LANGUAGE = click.Choice(registry.LANGUAGES)


@click.group("focal-point")
def focal_point() -> None:
    """Focal points: the people who speak for an actor."""


@focal_point.command("add")
@click.option("--actor", "actor_name", required=True, help="Code (LAO, NPA) or name of the actor.")
@click.option("--email", required=True, help="The focal point's email address.")
@click.option("--name", default="", help="Full name.")
@click.option("--telegram-id", type=int, help="Numeric Telegram user id.")
@click.option("--language", type=LANGUAGE, default=None, help="unknown: learned from their mail")
@click.pass_context
def add_focal_point(
    ctx: click.Context,
    actor_name: str,
    email: str,
    name: str,
    telegram_id: int | None,
    language: str | None,
) -> None:
    """Register EMAIL as a focal point of ACTOR."""
    with session_for(ctx) as session:
        person = registry.add_focal_point(
            session,
            actor_name=actor_name,
            email=email,
            name=name,
            language=language,
            telegram_id=telegram_id,
        )
        codes = ", ".join(a.code for a in person.actors)
        click.echo(f"{person.email} is a focal point of {codes}")


@focal_point.command("language")
@click.argument("email")
@click.argument("language", type=LANGUAGE)
@click.pass_context
def set_language(ctx: click.Context, email: str, language: str) -> None:
    """Write to EMAIL in LANGUAGE from now on (what their mail tells no longer changes it)."""
    with session_for(ctx) as session:
        person = registry.set_language(session, email=email, language=language)
        click.echo(f"{person.email} is written to in {language}")


@focal_point.command("list")
@click.option("--actor", "actor_name", help="Only the focal points of this actor.")
@click.option("--bouncing", is_flag=True, help="Only addresses that bounce, with the reason.")
@click.pass_context
def list_focal_points(ctx: click.Context, actor_name: str | None, bouncing: bool) -> None:
    """List focal points with the actors they serve."""
    with session_for(ctx) as session:
        actor = registry.actor_named(session, actor_name) if actor_name else None
        people = focal_points(session, actor)
        if bouncing:
            rows = [
                (
                    e.address,
                    p.name,
                    ",".join(a.code for a in p.actors),
                    f"{e.bouncing_since:%Y-%m-%d}" if e.bouncing_since else "",
                    f"{e.bounce_score:g}",
                    (e.bounce_reason or "")[:60],
                )
                for p in people
                for e in p.emails
                if e.is_bouncing
            ]
            table(rows, ("email", "name", "actors", "since", "score", "last bounce"))
            click.echo(f"{len(rows)} bouncing address(es)")
            return
        listed = [
            (
                p.email or "",
                p.name,
                ",".join(a.code for a in p.actors),
                p.language or "-",
                str(p.telegram_id or ""),
            )
            for p in people
        ]
    table(listed, ("email", "name", "actors", "lang", "telegram"))
    click.echo(f"{len(listed)} focal point(s)")


@focal_point.command("enable")
@click.argument("email")
@click.pass_context
def enable_address(ctx: click.Context, email: str) -> None:
    """Write to EMAIL again after it bounced (its bounce score starts from zero)."""
    with session_for(ctx) as session:
        row = email_address(session, email)
        if row is None:
            raise NotFound(f"no one is registered with {email}")
        was = row.is_bouncing
        bounces.enable(row)
    click.echo(f"{email} gets mail again" if was else f"{email} was not bouncing; score reset")


@focal_point.command("remove")
@click.argument("email")
@click.option("--actor", "actor_name", help="Only stop serving this actor (default: all).")
@click.pass_context
def remove_focal_point(ctx: click.Context, email: str, actor_name: str | None) -> None:
    """Stop EMAIL being a focal point (records stay with their actor)."""
    with session_for(ctx) as session:
        removed = registry.remove_focal_point(session, email=email, actor_name=actor_name)
    click.echo(f"{email} is no longer a focal point of {', '.join(removed)}")


@focal_point.command("export")
@click.argument("email")
@click.pass_context
def export_person(ctx: click.Context, email: str) -> None:
    """Print as JSON all we hold about the person with EMAIL (mail as metadata only)."""
    with session_for(ctx) as session:
        data = export.export(session, email)
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@focal_point.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def erase_person(ctx: click.Context, email: str, yes: bool) -> None:
    """Forget the person with EMAIL: their records stay with their actors."""
    if not yes:
        click.confirm(
            f"Erase {email} and everything held about them? This cannot be undone", abort=True
        )
    with session_for(ctx) as session:
        done = erasure.erase(session, email, by=f"cli:{getpass.getuser()}", now=utcnow())
    click.echo(str(done))


@click.group()
def secretariat() -> None:
    """Members of the secretariat, who confirm and reject records."""


@secretariat.command("add")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--telegram-id", type=int)
@click.option("--language", type=LANGUAGE, default=None, help="unknown: learned from their mail")
@click.pass_context
def add_secretariat(
    ctx: click.Context, email: str, name: str, telegram_id: int | None, language: str | None
) -> None:
    """Make EMAIL a member of the secretariat."""
    with session_for(ctx) as session:
        person = registry.add_secretariat(
            session, email=email, name=name, language=language, telegram_id=telegram_id
        )
        click.echo(f"{person.email} is a member of the secretariat")


@secretariat.command("list")
@click.pass_context
def list_secretariat(ctx: click.Context) -> None:
    """List the members of the secretariat."""
    with session_for(ctx) as session:
        rows = [
            (p.email or "", p.name, p.language or "-", str(p.telegram_id or ""))
            for p in secretariat_members(session)
        ]
    table(rows, ("email", "name", "lang", "telegram"))
    click.echo(f"{len(rows)} member(s)")


@secretariat.command("remove")
@click.argument("email")
@click.pass_context
def remove_secretariat(ctx: click.Context, email: str) -> None:
    """Remove EMAIL from the secretariat."""
    with session_for(ctx) as session:
        registry.remove_secretariat(session, email=email)
    click.echo(f"{email} is no longer a member of the secretariat")
