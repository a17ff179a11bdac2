"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when configured)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.app import Portal
from bot.config import Settings
from store.db import transaction
from store.records import PENDING, WITHDRAWN, list_records
from tests.harness import RunningPortal, free_port

POSTGRES_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL", "")
NO_POSTGRES = "PORTAL_TEST_POSTGRES_URL is not set: PostgreSQL cases skipped (.ci/run sets it)"

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")


def pytest_report_header() -> str:
    where = make_url(POSTGRES_URL).render_as_string() if POSTGRES_URL else "not configured"
    return f"PostgreSQL: {where}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head with the reference actors, copied for each test."""
    home = tmp_path_factory.mktemp("template")
    portal = Portal.open(Settings(home=home))
    portal.init()
    portal.close()
    return home / "portal.db"


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A PostgreSQL database migrated to head, used as the TEMPLATE of each test's database."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    name = f"portal_tmpl_{uuid.uuid4().hex[:8]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = _url_for(name)
    portal = Portal.open(Settings(home=Path("/nonexistent"), database_url=url))
    portal.init()
    portal.close()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _admin_engine():  # type: ignore[no-untyped-def]
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    return create_engine(url, isolation_level="AUTOCOMMIT")


def _url_for(database: str) -> str:
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database for one test: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "portal.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"portal_t_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _url_for(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        home=tmp_path / "home",
        database_url=database_url,
        domain="portal.test",
        secret_key="test-secret-key",
        log_level="DEBUG",
    )


@pytest.fixture
def portal(settings: Settings) -> Iterator[Portal]:
    portal = Portal.open(settings)
    yield portal
    portal.close()


@pytest.fixture
def running(
    settings: Settings, portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RunningPortal]:
    """The whole portal running: SMTP on a free loopback port, processor, outbox to a maildir.

    Its workers poll often, as changes made outside (the CLI, the tests) only show by polling.
    """
    monkeypatch.setattr("bot.services.POLL_SECONDS", 0.1)
    live = Portal.open(settings.with_changes(smtp_listen=f"127.0.0.1:{free_port()}"))
    server = RunningPortal(live).start()
    yield server
    server.stop()
    live.close()


@pytest.fixture
def three_records(portal: Portal) -> Portal:
    """A published need, a withdrawn offer and a pending need (the lists' tests)."""
    # imported here, so that loading the fixtures does not load a test module
    from tests.digests.test_digests import BEFORE, LAO_NEED, LBN_NEED, NOR_OFFER
    from tests.factories import focal_point, publish

    focal_point(portal, "LAO", "vong@nra.example")
    focal_point(portal, "NOR", "ingrid@mfa.example")
    focal_point(portal, "LBN", "rana@lmac.example")
    publish(portal, "vong@nra.example", LAO_NEED, BEFORE)
    offer = publish(portal, "ingrid@mfa.example", NOR_OFFER, BEFORE + timedelta(hours=1))
    need = publish(portal, "rana@lmac.example", LBN_NEED, BEFORE + timedelta(hours=2))
    with transaction(portal.sessions) as session:
        for record in list_records(session):
            record.status = {offer: WITHDRAWN, need: PENDING}.get(record.public_id, record.status)
    return portal
