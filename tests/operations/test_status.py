"""`portal status`: the facts read from the database and PORTAL_HOME, as a person reads them."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.app import Portal
from bot.cli.base import cli
from bot.config import Settings
from bot.operations.polling_state import PollingReporter, read
from bot.operations.status import as_json, gather
from store.db import make_engine, transaction
from store.digests import DigestRun
from store.migrate import head_revision
from store.people import EmailAddress
from tests.factories import register_people

HEAD = head_revision()

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # a Thursday


def test_status_of_a_quiet_portal_on_the_command_line(settings: Settings, portal: Portal) -> None:
    with transaction(portal.sessions) as session:
        session.add(
            DigestRun(
                period="2026-W48",
                started_at=datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
                finished_at=datetime(2026, 11, 23, 8, 1, tzinfo=UTC),
            )
        )
    env = {
        "PORTAL_HOME": str(settings.home),
        "PORTAL_DATABASE_URL": settings.database_url,
        "PORTAL_CONFIG": "-",
    }
    result = CliRunner().invoke(cli, ["status"], env=env, catch_exceptions=False)
    lines = result.output.splitlines()
    assert result.exit_code == 0
    assert lines[0] == "version             0.1.0"
    assert lines[2:6] == [
        f"revision            {HEAD} (up to date)",
        "inbox               0 waiting, 0 failed, 0 quarantined",
        "outbox              0 waiting, 0 failed",
        "last digests        2026-W48 (finished 2026-11-23 08:01 UTC)",
    ]
    assert lines[6].startswith("next digests        20")
    assert lines[7:] == [
        "telegram            off",
        "bouncing addresses  0",
        "last backup         never",
        "healthy",
    ]


def test_a_database_behind_the_code_is_a_problem(tmp_path: Path) -> None:
    env = {"PORTAL_HOME": str(tmp_path / "empty"), "PORTAL_CONFIG": "-"}
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(cli, ["status"], env=env, catch_exceptions=False)
    assert result.exit_code == 1
    assert f"revision            none, the code is at {HEAD}: run `portal init`" in result.output
    assert result.output.endswith(
        f"PROBLEM: the database is at revision none (not initialised), not {HEAD}\nNOT healthy\n"
    )
    assert list((tmp_path / "empty").iterdir()) == []  # no empty database left behind


def test_telegram_polling_failing_for_long_is_a_problem(settings: Settings, portal: Portal) -> None:
    polling = settings.with_changes(telegram_token="123:abc")
    reporter = PollingReporter(settings.home)
    reporter(None)
    ok_at = read(settings.home)
    assert ok_at is not None and ok_at.failing_since is None and ok_at.error is None
    reporter("Bad Gateway")
    reporter("Timed out")
    failing = read(settings.home)
    assert failing is not None
    assert (failing.ok_at, failing.error) == (ok_at.ok_at, "Timed out")
    since = failing.failing_from()
    assert since is not None
    assert gather(polling, portal.engine, since + timedelta(minutes=14)).problems == []
    later = gather(polling, portal.engine, since + timedelta(minutes=16))
    assert later.problems == [f"Telegram polling has failed since {since:%Y-%m-%d %H:%M} UTC"]
    assert as_json(later)["telegram"] == {
        "mode": "polling",
        "last_poll_ok": ok_at.ok_at,
        "failing_since": failing.failing_since,
        "error": "Timed out",
    }
    reporter(None)
    recovered = read(settings.home)
    assert recovered is not None and recovered.failing_since is None
    assert gather(polling, portal.engine, since + timedelta(minutes=16)).problems == []


def test_a_database_that_does_not_answer_is_a_fact(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """/healthz says only that the database does not answer; the driver's text, which names
    hosts and users, goes to the log."""
    settings = Settings(
        home=tmp_path, database_url="postgresql+psycopg://nobody:s3cret@127.0.0.1:1/none"
    )
    engine = make_engine(settings.database_url)
    with caplog.at_level(logging.WARNING, "bot.operations.status"):
        status = gather(settings, engine, NOW)
    engine.dispose()
    assert status.database == "postgresql+psycopg://nobody:***@127.0.0.1:1/none"
    assert status.problems == ["the database does not answer"]
    assert "127.0.0.1" not in json.dumps(as_json(status))
    assert as_json(status)["inbox"] is None
    assert status.database_error is not None and "127.0.0.1" in status.database_error
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"status: the database does not answer: {status.database_error}")
    ]


def test_the_logged_error_has_the_password_masked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A driver that repeats what it was given (the password in the URL, or password=)."""
    from sqlalchemy.exc import OperationalError

    from bot.operations import status

    said = "connection to 'host=db.lan user=portal password=s3cr%t' (s3cr%25t) failed: s3cr%t"

    def fails(engine: object) -> str:
        raise OperationalError("SELECT 1", {}, Exception(said))

    monkeypatch.setattr(status.migrate, "current_revision", fails)
    for url in (
        "postgresql+psycopg://portal:s3cr%25t@db.lan/portal",
        "postgresql+psycopg://portal@db.lan/portal?password=s3cr%25t",
    ):
        caplog.clear()
        settings = Settings(home=tmp_path, database_url=url)
        with caplog.at_level(logging.WARNING, "bot.operations.status"):
            found = gather(settings, make_engine(url), NOW)
        detail = "connection to 'host=db.lan user=portal password=***' (***) failed: ***"
        assert found.database_error == detail
        assert [r.getMessage() for r in caplog.records] == [
            f"status: the database does not answer: {detail}"
        ]


def test_a_bouncing_address_is_counted_and_needs_attention(portal: Portal) -> None:
    register_people(portal)
    with transaction(portal.sessions) as session:
        address = session.scalars(
            select(EmailAddress).where(EmailAddress.address == "vong@nra.example")
        ).one()
        address.bouncing_since = NOW - timedelta(days=2)
    found = gather(portal.settings, portal.engine, NOW)
    assert (found.bouncing_addresses, found.problems) == (1, [])
    assert found.attention == ["1 bouncing address(es)"]
