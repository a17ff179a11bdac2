"""Schema migrations: upgrade a database to the newest revision, or check it is there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # alembic is imported to migrate, not to check (a command's start-up)
    from alembic.config import Config
    from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r"^(down_)?revision\b[^=]*=\s*(?:\"([^\"]*)\"|'([^']*)'|None)", re.M)


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return config


def upgrade(engine: Engine) -> None:
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated), read as Alembic keeps it."""
    # imported here: head_revision() serves the light read (store.listing), without SQLAlchemy
    from sqlalchemy import column, inspect, select, table

    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        versions: list[str] = list(
            connection.scalars(select(column("version_num")).select_from(table(VERSION_TABLE)))
        )
    if len(versions) > 1:
        raise RuntimeError(f"the database is at several revisions: {sorted(versions)}")
    return versions[0] if versions else None


def head_revision() -> str | None:
    """The newest revision: the one no migration names as its down_revision.

    Read from the migrations' own lines, without importing Alembic (whose ScriptDirectory gives
    the same answer: tests/store/test_database.py compares them)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for down, double, single in _REVISION.findall(path.read_text(encoding="utf-8")):
            value = double or single
            if value:
                (parents if down else revisions).add(value)
    heads = sorted(revisions - parents)
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have several heads: {heads}")
    return heads[0] if heads else None
