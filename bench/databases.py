"""Scratch databases for a bench: a SQLite file in a temporary folder, or a PostgreSQL
database created next to PORTAL_TEST_POSTGRES_URL's and dropped afterwards."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from bot.app import Portal
from bot.config import Settings

POSTGRES_ENV = "PORTAL_TEST_POSTGRES_URL"
SECRET = "b" * 64


@dataclass(frozen=True)
class Scratch:
    kind: str  # "sqlite" | "postgresql"
    home: Path
    url: str  # empty for SQLite: the portal's default file in home

    def settings(self, **changes: object) -> Settings:
        return Settings(
            home=self.home,
            database_url=self.url,
            domain="portal.test",
            secret_key=SECRET,
            log_level="WARNING",
        ).with_changes(**changes)

    def portal(self) -> Portal:
        portal = Portal.open(self.settings())
        portal.init()
        return portal

    def environment(self) -> dict[str, str]:
        """The PORTAL_* variables that point `portal` at this scratch database."""
        settings = self.settings()
        return {
            "PORTAL_HOME": str(self.home),
            "PORTAL_DATABASE_URL": self.url,
            "PORTAL_DOMAIN": settings.domain,
            "PORTAL_SECRET_KEY": SECRET,
            "PORTAL_LOG_LEVEL": "WARNING",
            "PORTAL_CONFIG": str(self.home / "none.toml"),
        }


def kinds(choice: str) -> list[str]:
    """The databases to run on: PostgreSQL only when PORTAL_TEST_POSTGRES_URL is set."""
    wanted = ["sqlite", "postgresql"] if choice == "both" else [choice]
    if "postgresql" in wanted and not os.environ.get(POSTGRES_ENV):
        wanted.remove("postgresql")
    return wanted


@contextmanager
def scratch(kind: str, name: str) -> Iterator[Scratch]:
    with tempfile.TemporaryDirectory(prefix=f"portal-bench-{name}-") as folder:
        home = Path(folder)
        if kind == "sqlite":
            yield Scratch(kind, home, "")
            return
        with _postgres_database(f"portal_bench_{name}_{os.getpid()}") as url:
            yield Scratch(kind, home, url)


@contextmanager
def _postgres_database(name: str) -> Iterator[str]:
    server = os.environ[POSTGRES_ENV]
    admin = make_url(server.replace("postgresql+psycopg://", "postgresql://"))
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
