"""The database copied to a file and back, consistently: SQLite's online backup, pg_dump."""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from bot.errors import ConfigError
from store.db import make_engine

log = logging.getLogger(__name__)


def kind_of(url: str) -> str:
    """ "sqlite" or "postgresql"."""
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise ConfigError(f"backups know SQLite and PostgreSQL, not {name}")
    return name


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ConfigError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def dump(url: str, out: Path) -> None:
    """Write a consistent copy of the database at `url` to `out`, while the portal writes."""
    if kind_of(url) == "sqlite":
        source = sqlite3.connect(sqlite_path(url), timeout=30)
        target = sqlite3.connect(out)
        try:
            with target:
                source.backup(target)  # all pages in one step: one read transaction, consistent
        finally:
            target.close()
            source.close()
        return
    _check_client(url, "pg_dump")
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(out)], url)


def load(url: str, dump_file: Path) -> None:
    """Put a dump back into an empty database at `url`."""
    if kind_of(url) == "sqlite":
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(dump_file)
        target = sqlite3.connect(path)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
            source.close()
        return
    _check_client(url, "pg_restore")
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        + [str(dump_file)],
        url,
    )


def is_empty(url: str) -> bool:
    """No database yet, or one without tables."""
    if kind_of(url) == "sqlite":
        path = sqlite_path(url)
        if not path.exists():
            return True
    engine = make_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The connection string for pg_dump and its environment (the password never on the
    command line, where `ps` shows it)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    given = parsed.query.get("password")  # ?password=…, which libpq reads as well
    if isinstance(given, tuple):
        given = given[-1] if given else None
    password = parsed.password or given
    if password:
        env["PGPASSWORD"] = str(password)
    plain = URL.create(  # not URL.set(password=None), which leaves the password as it is
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.difference_update_query(["password"]).query,
    )
    return plain.render_as_string(hide_password=False), env


def _check_client(url: str, tool: str) -> None:
    """The tool is installed, and not older than the server (pg_dump refuses newer servers)."""
    if shutil.which(tool) is None:
        raise ConfigError(
            f"{tool} is not installed: backups of a PostgreSQL database need the PostgreSQL "
            "client tools (Debian/Ubuntu: apt install postgresql-client)"
        )
    version = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"(\d+)", version)
    client = int(found.group(1)) if found else 0
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            server = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    finally:
        engine.dispose()
    if client < server:
        raise ConfigError(
            f"{tool} is version {client} but the server is PostgreSQL {server}: "
            f"install the client tools of version {server} or newer"
        )


def _run(argv: list[str], url: str) -> None:
    dsn, env = _libpq(url)
    done = subprocess.run([*argv, "--dbname", dsn], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        where = make_url(url).render_as_string(hide_password=True)
        raise ConfigError(f"{argv[0]} failed on {where}: {done.stderr.strip()}")
