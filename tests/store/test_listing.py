"""The quick read (store.listing) finds what the ORM finds, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext

from bot.app import Portal
from store import listing, migrate
from store.records import NEED, OFFER, STATUSES, list_records

FILTERS = list(itertools.product((None, *STATUSES), (None, NEED, OFFER)))


def test_records_are_those_the_orm_lists(three_records: Portal) -> None:
    url = three_records.settings.effective_database_url
    with three_records.sessions() as session, listing.open_database(url) as database:
        assert database is not None
        for status, kind in FILTERS:
            expected = [
                (r.public_id, r.status, r.actor.code, r.title)
                for r in list_records(session, status=status, kind=kind)
            ]
            assert listing.records(database, status=status, kind=kind) == expected
        everything = listing.records(database)
    assert [(public_id, state, actor) for public_id, state, actor, _ in everything] == [
        ("N-2026-0001", "published", "LAO"),
        ("O-2026-0001", "withdrawn", "NOR"),
        ("N-2026-0002", "pending", "LBN"),
    ]


def test_the_revision_is_the_one_alembic_keeps(portal: Portal) -> None:
    with listing.open_database(portal.settings.effective_database_url) as database:
        assert database is not None
        with portal.engine.connect() as connection:  # Alembic's own reading of its table
            kept = MigrationContext.configure(connection).get_current_revision()
        assert database.revisions() == [kept] == [migrate.head_revision()]
        assert database.is_current()


def test_a_database_never_migrated_is_not_current(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "empty.db").close()
    for path in (tmp_path / "empty.db", tmp_path / "missing.db"):
        with listing.open_database(f"sqlite:///{path}") as database:
            assert database is not None
            assert (database.revisions(), database.is_current()) == ([], False)
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize(
    "url",
    ["sqlite://", "sqlite:///:memory:", "sqlite:///portal.db?timeout=5", "mysql://db/portal"],
)
def test_other_urls_are_left_to_sqlalchemy(url: str) -> None:
    with listing.open_database(url) as database:
        assert database is None


def test_a_damaged_file_is_unusable(tmp_path: Path) -> None:
    (tmp_path / "portal.db").write_bytes(b"not a database, " * 100)
    with (
        listing.open_database(f"sqlite:///{tmp_path / 'portal.db'}") as database,
        pytest.raises(listing.Unusable, match="^file is not a database$"),
    ):
        assert database is not None
        database.is_current()
