"""Envelope addresses we could not keep are refused at MAIL or RCPT with a 5xx, never 451."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from store.inbox import InboxItem
from tests.harness import RunningPortal

BAD_SENDER = "553 5.1.7 Sender address not valid"
BAD_RECIPIENT = "553 5.1.3 Recipient address not valid"
RAW = (
    b"From: vong@nra.example\r\nTo: submit@portal.test\r\nSubject: HELP\r\n"
    b"Message-ID: <envelope@nra.example>\r\n\r\nHELP\r\n"
)


class Session:
    """smtplib on the real server, sending exactly the bytes given for each command."""

    def __init__(self, running: RunningPortal) -> None:
        self.smtp = smtplib.SMTP(running.host, running.port, timeout=10)
        self.smtp.ehlo("client.example")

    def command(self, line: bytes) -> str:
        self.smtp.send(line + b"\r\n")
        code, text = self.smtp.getreply()
        return f"{code} {text.decode('ascii')}"

    def message(self, raw: bytes = RAW) -> str:
        assert self.command(b"DATA").startswith("354 ")
        self.smtp.send(raw + b".\r\n")
        code, text = self.smtp.getreply()
        return f"{code} {text.decode('ascii')}"


@pytest.fixture
def session(running: RunningPortal) -> Iterator[Session]:
    opened = Session(running)
    yield opened
    opened.smtp.close()


def kept(running: RunningPortal) -> list[tuple[str, list[str], str | None]]:
    with running.portal.sessions() as db:
        rows = db.execute(
            select(InboxItem.sender, InboxItem.recipients, InboxItem.message_id).order_by(
                InboxItem.id
            )
        )
        return [(sender, recipients, message_id) for sender, recipients, message_id in rows]


SENDERS = {
    "not-utf-8": b"v\xffng@nra.example",
    "cut-utf-8": b"vo\xc3ng@nra.example",
    "utf-8-surrogate": b"v\xed\xa0\x80ng@nra.example",  # CESU-8, not UTF-8
    "nul": b"v\x00ng@nra.example",
    "nul-in-domain": b"vong@nra.exa\x00mple",
    "c0": b"v\x01ng@nra.example",
    "del": b"v\x7fng@nra.example",
    "c1": "v\u0085ng@nra.example".encode(),
    "line-separator": "v\u2028ng@nra.example".encode(),
}


@pytest.mark.parametrize("sender", SENDERS.values(), ids=SENDERS.keys())
def test_a_sender_we_could_not_keep_is_refused_at_mail_and_the_session_goes_on(
    running: RunningPortal, session: Session, sender: bytes
) -> None:
    """Before: accepted at MAIL, then 451 at the end of DATA for ever (the dedup key could not
    encode an undecodable byte; PostgreSQL refuses NUL), or stored with the control character."""
    assert session.command(b"MAIL FROM:<" + sender + b"> SMTPUTF8") == BAD_SENDER
    assert session.command(b"MAIL FROM:<vong@nra.example>") == "250 2.1.0 OK"
    assert session.command(b"RCPT TO:<submit@portal.test>") == "250 2.1.5 OK"
    assert session.message() == "250 2.0.0 Message accepted"
    assert kept(running) == [("vong@nra.example", ["submit@portal.test"], "<envelope@nra.example>")]


RECIPIENTS = {
    "not-utf-8": b"submit\xff@portal.test",
    "nul": b"reply+t\x00@portal.test",
    "c0": b"submit\x01@portal.test",
    "escape": b"reply+t\x1b@portal.test",
    "del": b"submit@portal.test\x7f",
    "c1": "submit\u009b@portal.test".encode(),
}


@pytest.mark.parametrize("recipient", RECIPIENTS.values(), ids=RECIPIENTS.keys())
def test_a_recipient_with_control_characters_is_refused_at_rcpt(
    running: RunningPortal, session: Session, recipient: bytes
) -> None:
    """Before: 550 5.1.1, "no such recipient", which says the wrong thing."""
    assert session.command(b"MAIL FROM:<vong@nra.example>") == "250 2.1.0 OK"
    assert session.command(b"RCPT TO:<" + recipient + b">") == BAD_RECIPIENT
    assert session.command(b"RCPT TO:<submit@portal.test>") == "250 2.1.5 OK"
    assert session.message() == "250 2.0.0 Message accepted"
    assert kept(running) == [("vong@nra.example", ["submit@portal.test"], "<envelope@nra.example>")]


@pytest.mark.parametrize("declared", [b" SMTPUTF8", b""], ids=["smtputf8", "undeclared"])
def test_a_utf8_sender_is_accepted_kept_and_answered(
    running: RunningPortal, session: Session, declared: bytes
) -> None:
    sender = "josé@ministerio.example"
    assert session.command(b"MAIL FROM:<" + sender.encode() + b">" + declared) == "250 2.1.0 OK"
    assert session.command(b"RCPT TO:<submit@portal.test>") == "250 2.1.5 OK"
    assert session.message() == "250 2.0.0 Message accepted"
    assert kept(running) == [(sender, ["submit@portal.test"], "<envelope@nra.example>")]
    running.settled()
    with running.portal.sessions() as db:
        assert db.scalars(select(InboxItem.status)).all() == ["done"]


def test_the_null_sender_is_still_accepted(running: RunningPortal, session: Session) -> None:
    assert session.command(b"MAIL FROM:<>") == "250 2.1.0 OK"
    assert session.command(b"RCPT TO:<submit@portal.test>") == "250 2.1.5 OK"
    assert session.message() == "250 2.0.0 Message accepted"
    running.settled()
    with running.portal.sessions() as db:
        assert db.scalars(select(InboxItem.outcome)).all() == [
            "ignored: bounce for no mail of ours"
        ]


@pytest.mark.parametrize("control", [b"\x00", b"\x01", b"\x7f"], ids=["nul", "c0", "del"])
def test_a_message_id_with_a_control_character_is_kept_without_it(
    running: RunningPortal, session: Session, control: bytes
) -> None:
    """Before: 451 for ever on PostgreSQL for a NUL (the Message-ID column refuses it). Such a
    Message-ID is no Message-ID: the copy is recognised by its bytes instead."""
    raw = RAW.replace(b"<envelope@", b"<env" + control + b"elope@")
    for _ in range(2):
        assert session.command(b"MAIL FROM:<vong@nra.example>") == "250 2.1.0 OK"
        assert session.command(b"RCPT TO:<submit@portal.test>") == "250 2.1.5 OK"
        assert session.message(raw) == "250 2.0.0 Message accepted"
    assert kept(running) == [("vong@nra.example", ["submit@portal.test"], None)]
