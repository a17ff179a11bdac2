"""The database locked, down or full: 451 (452 when full), and nothing acknowledged is lost."""

from __future__ import annotations

import base64
import errno
import resource
import smtplib
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

import psycopg.errors
import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.app import Portal
from bot.channels.email.smtp import SubmissionHandler
from bot.config import Settings
from bot.runner import processing_service, smtp_service
from store.inbox import InboxItem
from store.outbox import OutboxItem
from tests.conftest import POSTGRES_URL
from tests.faults.conftest import RunPortal, StartPortal
from tests.faults.process import database_counts, prepare_home, receipts
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import RunningPortal, email, free_port

TRY_AGAIN = (451, b"4.3.0 Temporary failure, please try again later")
FULL = (452, b"4.3.1 Insufficient system storage, please try again later")


def refused(server: RunningPortal, message: EmailMessage) -> tuple[int, bytes | str]:
    with pytest.raises(smtplib.SMTPDataError) as error:
        server.send(message)
    return error.value.smtp_code, error.value.smtp_error


def inbox_and_replies(server: RunningPortal) -> tuple[list[str], list[str]]:
    with server.portal.sessions() as session:
        items = [i.status for i in session.query(InboxItem).order_by(InboxItem.id)]
        replies = [o.kind for o in session.query(OutboxItem).order_by(OutboxItem.id)]
    return items, replies


@contextmanager
def inbox_locked(portal: Portal) -> Iterator[None]:
    """Another client holds the lock that keeping a message needs, until the block ends."""
    url = portal.engine.url
    if url.get_backend_name() == "sqlite":
        holder = sqlite3.connect(str(url.database), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with portal.engine.connect() as connection, connection.begin() as transaction:
        connection.execute(text("LOCK TABLE inbox_items IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            transaction.rollback()


def test_a_locked_inbox_answers_451_in_time_and_the_retry_is_kept_once(
    start_portal: StartPortal,
) -> None:
    server = start_portal(smtp_store_timeout=1.0)
    message = email("vong@nra.example", "NEED", LAO_NEED)
    with inbox_locked(server.portal):
        started = time.monotonic()
        assert refused(server, message) == TRY_AGAIN
        waited = time.monotonic() - started
    assert 1.0 <= waited < 5.0  # the store timeout, not the database's 30 s busy timeout
    server.send(message)  # the sending server tries again
    server.settled()
    assert inbox_and_replies(server) == (["done"], ["receipt"])


@contextmanager
def database_refusing_connections(url: str) -> Iterator[None]:
    """PostgreSQL down for this database: its sessions ended and new ones refused."""
    name = make_url(url).database
    admin = create_engine(
        make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
        try:
            yield
        finally:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
    admin.dispose()


def test_a_database_that_is_down_answers_451_and_the_processor_waits_for_it(
    postgresql_only: None,
    settings: Settings,
    start_portal: StartPortal,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        "tests.harness.services_for", lambda portal: [smtp_service, processing_service]
    )
    server = start_portal()
    message = email("vong@nra.example", "NEED", LAO_NEED)
    with database_refusing_connections(settings.database_url):
        assert refused(server, message) == TRY_AGAIN
        time.sleep(0.5)  # the processor polls the inbox meanwhile, and meets the outage
    server.send(message)
    deadline = time.monotonic() + 5
    while inbox_and_replies(server) != (["done"], ["receipt"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert inbox_and_replies(server) == (["done"], ["receipt"])


def test_portal_run_outlives_a_database_outage(
    postgresql_only: None, settings: Settings, start_portal: StartPortal
) -> None:
    live = Portal.open(settings.with_changes(smtp_listen=f"127.0.0.1:{free_port()}"))
    server = RunningPortal(live).start()
    try:
        with database_refusing_connections(settings.database_url):
            time.sleep(1.0)  # every worker polls the database meanwhile
        server.send(email("vong@nra.example", "NEED", LAO_NEED))
        server.settled()
        assert inbox_and_replies(server) == (["done"], ["receipt"])
    finally:
        server.stop()
        live.close()


def test_a_full_database_answers_452_and_what_was_accepted_is_handled(
    sqlite_only: None, start_portal: StartPortal
) -> None:
    """SQLite's max_page_count makes it say "database or disk is full" (SQLITE_FULL) for real;
    PostgreSQL's disk_full is answered the same way (see the handler test below)."""

    def fill_up(portal: Portal) -> None:
        with sqlite3.connect(str(portal.engine.url.database)) as connection:
            limit = connection.execute("PRAGMA page_count").fetchone()[0] + 64  # 256 KiB more

        @event.listens_for(portal.engine, "connect")
        def _at_most(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.execute(f"PRAGMA max_page_count = {limit}")

    server = start_portal(before=fill_up)
    big = with_attachment(email("vong@nra.example", "NEED", LAO_NEED), 1024 * 1024)
    assert refused(server, big) == FULL
    server.send(email("vong@nra.example", "NEED", LAO_NEED))
    server.settled()
    assert inbox_and_replies(server) == (["done"], ["receipt"])


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("INSERT", {}, psycopg.errors.DiskFull("could not extend file")),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
    ids=["postgresql-disk-full", "enospc"],
)
async def test_storage_errors_that_mean_full_are_answered_452(error: Exception) -> None:
    def keep(sender: str, recipients: list[str], message_id: str | None, raw: bytes) -> Future[int]:
        failed: Future[int] = Future()
        failed.set_exception(error)
        return failed

    class Envelope:
        mail_from = "vong@nra.example"
        rcpt_tos = ["submit@portal.test"]
        original_content = b"Subject: NEED\r\n\r\nTitle: x\r\n"

    handler = SubmissionHandler("portal.test", keep, 1000)
    reply = await handler.handle_DATA(None, None, Envelope())  # type: ignore[arg-type]
    assert reply == "452 4.3.1 Insufficient system storage, please try again later"


def with_attachment(message: EmailMessage, size: int) -> EmailMessage:
    message.add_attachment(
        base64.b64encode(b"\0" * size), maintype="application", subtype="octet-stream"
    )
    return message


def test_writes_failing_for_want_of_space_answer_451_and_lose_nothing_accepted(
    tmp_path: Path, sqlite_template: Path, run_portal: RunPortal
) -> None:
    """`portal run` with a file size limit (RLIMIT_FSIZE): SQLite's writes past it fail.

    SQLite reports those as "disk I/O error" (the EFBIG is not passed on), so this is 451
    4.3.0; a disk that is really full (ENOSPC, SQLITE_FULL) is 452 4.3.1, as above."""
    home = prepare_home(tmp_path / "var", sqlite_template)
    limit = (home.home / "portal.db").stat().st_size + 512 * 1024

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    portal = run_portal(home, small_files)
    big = with_attachment(email("vong@nra.example", "NEED", LAO_NEED), 1024 * 1024)
    with smtplib.SMTP("127.0.0.1", portal.port, timeout=5) as client:
        with pytest.raises(smtplib.SMTPDataError) as error:
            client.send_message(big)
        assert (error.value.smtp_code, error.value.smtp_error) == TRY_AGAIN
        assert client.send_message(email("vong@nra.example", "NEED", LAO_NEED)) == {}
    portal.wait_until_settled()
    portal.kill()
    assert database_counts(home) == {"done": 1, "records": 1, "waiting": 0}

    restarted = run_portal(home)  # space again: the sender's retry goes through
    with smtplib.SMTP("127.0.0.1", restarted.port, timeout=5) as client:
        assert client.send_message(big) == {}
    restarted.wait_until_settled()
    restarted.kill()
    assert database_counts(home) == {"done": 2, "records": 2, "waiting": 0}
    assert len(receipts(home)) == 2
