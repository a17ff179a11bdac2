"""The database: migrations at head match the models, SQLite pragmas, idempotent init."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from bot.app import Portal
from store import migrate
from store.actors import Actor
from store.models import Base


def test_migrations_reach_head_and_match_the_models(portal: Portal) -> None:
    assert migrate.current_revision(portal.engine) == migrate.head_revision()
    with portal.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_head_and_current_revision_are_alembics_own(portal: Portal) -> None:
    """store.migrate reads them without importing Alembic (a command's start-up, issue 19)."""
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert migrate.head_revision() == head
    with portal.engine.connect() as connection:
        assert migrate.current_revision(portal.engine) == (
            MigrationContext.configure(connection).get_current_revision()
        )
    assert head is not None and migrate.current_revision(portal.engine) == head


def test_init_twice_changes_nothing(portal: Portal) -> None:
    with portal.sessions() as session:
        before = session.scalar(select(func.count()).select_from(Actor))
    assert portal.init() == (0, 0)
    with portal.sessions() as session:
        after = session.scalar(select(func.count()).select_from(Actor))
        parties = session.scalar(
            select(func.count()).select_from(Actor).where(Actor.type == "state_party")
        )
    assert before == after
    assert parties == 112


def test_sqlite_runs_with_wal_full_sync_and_foreign_keys(portal: Portal) -> None:
    if portal.engine.dialect.name != "sqlite":
        pytest.skip("the pragmas are SQLite's; PostgreSQL is durable by default")
    with portal.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
