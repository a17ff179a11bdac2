"""Quick reads through the database's own driver, without SQLAlchemy.

Importing SQLAlchemy alone takes longer than `portal records list` may take in all (issue 19),
so the list, and `portal run`'s check that the database is current, read with sqlite3 or psycopg
directly. Only the URLs the portal itself uses are read this way (`sqlite:///path`,
`postgresql[+psycopg]://…`); for any other, `open_database` answers None and the caller reads
through SQLAlchemy as usual. tests/store/test_listing.py holds each query to the ORM's answer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.migrate import VERSION_TABLE, head_revision

SQLITE_PREFIXES = ("sqlite:///", "sqlite+pysqlite:///")
POSTGRESQL_PREFIXES = ("postgresql://", "postgresql+psycopg://")

RECORDS = """
SELECT records.public_id, records.status, actors.code, records.title
FROM records JOIN actors ON actors.id = records.actor_id
{where}
ORDER BY records.id
"""


class Unusable(RuntimeError):
    """The database is there but cannot be read: refused, locked, damaged."""


@dataclass
class Database:
    """One DB-API connection (sqlite3 or psycopg); queries are written with `?` for both."""

    connection: Any
    kind: str  # "sqlite" or "postgresql"
    error: type[Exception]  # what its driver raises

    def rows(self, query: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.kind == "postgresql":
            query = query.replace("?", "%s")
        try:
            return list(self.connection.execute(query, parameters).fetchall())
        except self.error as exc:
            raise Unusable(str(exc)) from exc

    def revisions(self) -> list[str]:
        """The revisions in Alembic's version table; none when it has none, or no such table."""
        if self.kind == "sqlite":
            found = self.rows("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (VERSION_TABLE,))  # fmt: skip
        else:
            found = self.rows("SELECT 1 WHERE to_regclass(?) IS NOT NULL", (VERSION_TABLE,))
        if not found:
            return []
        return sorted(row[0] for row in self.rows(f"SELECT version_num FROM {VERSION_TABLE}"))

    def is_current(self) -> bool:
        """At the newest migration, as store.migrate reads it with SQLAlchemy."""
        return self.revisions() == [head_revision()]


@contextmanager
def open_database(url: str) -> Iterator[Database | None]:
    """The database at `url` for quick reads; None when `url` is not one this module reads
    (or its driver is missing): the caller then goes through SQLAlchemy, which says why."""
    database = _connect(url)
    if database is None:
        yield None
        return
    try:
        yield database
    finally:
        database.connection.close()


def _connect(url: str) -> Database | None:
    if url.startswith(SQLITE_PREFIXES) and "?" not in url:
        path = url.split(":///", 1)[1]
        if not path or path == ":memory:" or "%" in path:
            return None
        if not Path(path).is_file():  # sqlite3 would make an empty file: say "not initialised"
            return Database(sqlite3.connect(":memory:"), "sqlite", sqlite3.Error)
        try:
            return Database(sqlite3.connect(path, timeout=30), "sqlite", sqlite3.Error)
        except sqlite3.Error as exc:
            raise Unusable(str(exc)) from exc
    if url.startswith(POSTGRESQL_PREFIXES):
        try:
            import psycopg
        except ImportError:
            return None
        libpq = "postgresql://" + url.split("://", 1)[1]
        try:
            return Database(psycopg.connect(libpq, autocommit=True), "postgresql", psycopg.Error)
        except psycopg.Error as exc:
            raise Unusable(str(exc)) from exc
    return None


def records(database: Database, *, status: str | None = None,
            kind: str | None = None) -> list[tuple[str, str, str, str]]:  # fmt: skip
    """(public id, status, owner's code, title) of each record, oldest first, as
    store.records.list_records finds them."""
    conditions, parameters = [], []
    if status:
        conditions.append("records.status = ?")
        parameters.append(status)
    if kind:
        conditions.append("records.kind = ?")
        parameters.append(kind)
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    found = database.rows(RECORDS.format(where=where), tuple(parameters))
    return [(row[0], row[1], row[2], row[3]) for row in found]
