"""`portal run` killed with SIGKILL around the 250: nothing half kept, everything kept once."""

from __future__ import annotations

import smtplib
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.app import Portal
from bot.config import Settings
from bot.pipeline.processor import WORKER, Processor
from store import inbox
from store.base import utcnow
from store.db import transaction
from store.outbox import OutboxItem
from tests.faults.conftest import RunPortal
from tests.faults.process import database_counts, prepare_home, receipts
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import email


@pytest.fixture
def home(tmp_path: Path, sqlite_template: Path) -> Settings:
    return prepare_home(tmp_path / "var", sqlite_template)


STALE = timedelta(minutes=11)  # older than any claim lasts, on SQLite and PostgreSQL


def received() -> str:
    return f"Received: N-{utcnow().year}-0001 "


def test_killed_in_the_middle_of_data_nothing_is_kept_and_the_resend_is_handled_once(
    home: Settings, run_portal: RunPortal
) -> None:
    message = email("vong@nra.example", "NEED", LAO_NEED)
    raw = message.as_bytes().replace(b"\n", b"\r\n")
    portal = run_portal(home)
    with socket.create_connection(("127.0.0.1", portal.port), timeout=5) as client:
        replies = client.makefile("rb")
        assert replies.readline().startswith(b"220 ")
        for command, expected in (
            (b"EHLO client.example", b"250 HELP"),
            (b"MAIL FROM:<vong@nra.example>", b"250 2.1.0 OK"),
            (b"RCPT TO:<submit@portal.test>", b"250 2.1.5 OK"),
            (b"DATA", b"354 End data with <CR><LF>.<CR><LF>"),
        ):
            client.sendall(command + b"\r\n")
            line = replies.readline()
            while line.startswith(b"250-"):
                line = replies.readline()
            assert line.rstrip(b"\r\n") == expected
        client.sendall(raw[: len(raw) // 2])  # half the message, and no end of data
        portal.kill()
        try:
            rest = replies.read()
        except ConnectionResetError:  # the kernel resets it when data was left unread
            rest = b""
        assert rest == b""  # the connection ended without a reply
    assert database_counts(home) == {"records": 0, "waiting": 0}

    restarted = run_portal(home)
    with smtplib.SMTP("127.0.0.1", restarted.port, timeout=5) as client:
        assert client.send_message(message) == {}  # the sending server tries again
    restarted.wait_until_settled()
    assert restarted.stop() == 0
    assert database_counts(home) == {"done": 1, "records": 1, "waiting": 0}
    assert [subject[:22] for subject in receipts(home)] == [received()]


def test_killed_right_after_the_250_the_message_is_handled_once_after_the_restart(
    home: Settings, run_portal: RunPortal
) -> None:
    portal = run_portal(home)
    with smtplib.SMTP("127.0.0.1", portal.port, timeout=5) as client:
        client.ehlo()
        client.mail("vong@nra.example")
        client.rcpt("submit@portal.test")
        code, reply = client.data(email("vong@nra.example", "NEED", LAO_NEED).as_bytes())
        portal.kill()  # as soon as the 250 is read: the processor may be anywhere
    assert (code, reply) == (250, b"2.0.0 Message accepted")
    kept = database_counts(home)  # kept, whatever the processor had done with it
    assert set(kept) <= {"new", "processing", "done", "records", "waiting"}
    assert sum(kept.get(status, 0) for status in ("new", "processing", "done")) == 1

    restarted = run_portal(home)
    restarted.wait_until_settled()
    restarted.kill()
    assert database_counts(home) == {"done": 1, "records": 1, "waiting": 0}
    assert [subject[:22] for subject in receipts(home)] == [received()]


def test_an_item_claimed_when_the_process_died_is_handled_at_the_restart(
    home: Settings, run_portal: RunPortal
) -> None:
    """The state a SIGKILL leaves between the claim and the commit of its handling, made
    on purpose: without waiting ten minutes for the claim to go stale, it is handled once."""
    portal = Portal.open(home)
    with transaction(portal.sessions) as session:
        raw = email("vong@nra.example", "NEED", LAO_NEED).as_bytes()
        inbox.store_message(
            session,
            channel="email",
            sender="vong@nra.example",
            recipients=["submit@portal.test"],
            message_id=None,
            raw=raw,
        )
        claimed = inbox.claim_next(session, WORKER)  # as `portal run` on this host claims
        assert claimed is not None and claimed.attempts == 1
    portal.close()
    assert database_counts(home) == {"processing": 1, "records": 0, "waiting": 1}

    restarted = run_portal(home)
    restarted.wait_until_settled()
    restarted.kill()
    assert database_counts(home) == {"done": 1, "records": 1, "waiting": 0}
    assert [subject[:22] for subject in receipts(home)] == [received()]


def test_an_item_whose_last_try_killed_the_worker_is_quarantined_unread(portal: Portal) -> None:
    """A message that stops the process each time it is handled (memory exhausted, a crash in
    a C library) must not stop it forever: after three tries it is shunted with one reply."""
    with transaction(portal.sessions) as session:
        item, _ = inbox.store_message(
            session,
            channel="email",
            sender="vong@nra.example",
            recipients=["submit@portal.test"],
            message_id="<crash@nra.example>",
            raw=b"From: vong@nra.example\r\nSubject: NEED\r\n\r\nTitle: x\r\n",
        )
        item_id = item.id
        session.execute(
            update(inbox.InboxItem)
            .where(inbox.InboxItem.id == item_id)
            .values(status=inbox.PROCESSING, attempts=3, claimed_at=utcnow() - STALE)
        )
    processor = Processor(portal.sessions, portal.settings)  # the process started again
    assert processor.process_next() == item_id
    assert processor.process_next() is None
    with portal.sessions() as session:
        shunted = session.get_one(inbox.InboxItem, item_id)
        assert (shunted.status, shunted.attempts, shunted.error) == (
            "quarantined",
            4,
            "the worker stopped during its last try (a crash, or it was killed)",
        )
        (reply,) = session.query(OutboxItem).all()
        assert (reply.recipient, reply.kind, reply.subject) == (
            "vong@nra.example",
            "processing_failed",
            "We could not process your message",
        )
