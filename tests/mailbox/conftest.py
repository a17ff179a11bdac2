"""A real Dovecot holding the portal's mailboxes, and the helpers the mailbox tests share.

One server serves the whole session (a Dovecot takes seconds to stop): each test has a
mailbox of its own on it, `portalN@ministry.example`.
"""

from __future__ import annotations

import itertools
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from bot.app import Portal
from bot.operations import mailbox_state
from bot.pipeline.intake import GroupCommit
from store.db import transaction
from store.inbox import InboxItem
from store.mailboxes import rewind
from tests.faults.conftest import (  # noqa: F401 (fixtures)
    RunningPortal,
    postgresql_only,
    run_portal,
    sqlite_only,
    start_portal,
)
from tests.harness import email
from tests.imap_server import NO_DOVECOT, Dovecot, available

MAILBOXES = 100  # more than the tests of a session use
_next = itertools.count()


@dataclass
class Mailbox:
    """One login's mailbox on a Dovecot, seen as its owner sees it."""

    server: Dovecot
    login: str

    @property
    def name(self) -> str:
        """As the portal remembers it."""
        return f"{self.login}@127.0.0.1/INBOX"

    def url(self, folder: str = "INBOX") -> str:
        return self.server.url(self.login, folder)

    def deliver(self, raw: bytes) -> int:
        return self.server.deliver(self.login, raw)

    def kick(self) -> None:
        self.server.kick(self.login)

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.server.port, ssl=False)
        client.login(self.login, self.server.users[self.login])
        return client

    def flags(self, folder: str = "INBOX") -> dict[int, set[str]]:
        """UID -> the message's flags and keywords (but \\Recent)."""
        client = self.client()
        try:
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            found = client.fetch(uids, ["FLAGS"]) if uids else {}
            return {
                uid: {f.decode() for f in data[b"FLAGS"]} - {"\\Recent"}
                for uid, data in found.items()
            }
        finally:
            client.logout()

    def uidvalidity(self, folder: str = "INBOX") -> int:
        client = self.client()
        try:
            return int(client.select_folder(folder, readonly=True)[b"UIDVALIDITY"])
        finally:
            client.logout()

    def delivered(
        self, sender: str = "vong@nra.example", subject: str = "HELP", body: str = "help", **h: str
    ) -> bytes:
        """A message as the provider delivered it here (its delivery headers first)."""
        message = email(sender, subject, body, to=self.login, **h)
        return (
            f"Return-Path: <{sender}>\r\nDelivered-To: {self.login}\r\n".encode()
            + message.as_bytes().replace(b"\n", b"\r\n")
        )


def new_server(extra: str = "") -> Dovecot:
    if not available():
        pytest.skip(NO_DOVECOT)
    users = {f"portal{n}@ministry.example": "pw" for n in range(MAILBOXES)}
    return Dovecot(users, extra=extra).start()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = new_server()
    yield server
    server.stop()


@pytest.fixture
def mailbox(dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> Mailbox:
    """A fresh mailbox of the secretariat at its provider; the reader retries quickly here."""
    quick(monkeypatch)
    return Mailbox(dovecot, f"portal{next(_next)}@ministry.example")


def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader retries after 0.1 s, and looks at its stop every 0.1 s in IDLE."""
    monkeypatch.setattr("bot.channels.email.mailbox.FIRST_DELAY", 0.1)
    monkeypatch.setattr("bot.channels.email.mailbox.IDLE_SLICE", 0.1)


def restart(server: Dovecot) -> None:
    """Stop the server and start it again on the same port, with the same mail store."""
    assert server.process is not None
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(10)
    server.process = None
    server.start()


def items(portal: Portal) -> list[InboxItem]:
    with portal.sessions() as session:
        return list(session.scalars(select(InboxItem).order_by(InboxItem.id)))


def wait_for(what: Callable[[], object], timeout: float = 20.0) -> None:
    """Until `what()` holds (the portal works in its own threads); fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while not what():
        if time.monotonic() > deadline:
            raise AssertionError("waited in vain")
        time.sleep(0.05)


def from_start(mailbox: Mailbox) -> Callable[[Portal], None]:
    """For start_portal(before=…): the portal reads the mail already in the folder, as after
    `portal mailbox rewind` (at its first contact it would leave it to people)."""

    def rewound(portal: Portal) -> None:
        with transaction(portal.sessions) as session:
            rewind(session, mailbox.name, mailbox.uidvalidity())

    return rewound


def first_pass(running: RunningPortal) -> RunningPortal:
    """Once the reader has read its folder once: mail delivered from now on is new to it."""
    wait_for(lambda: getattr(mailbox_state.read(running.portal.settings.home), "ok_at", None))
    return running


def refuse_poison(monkeypatch: pytest.MonkeyPatch) -> None:
    """The inbox refuses every message whose bytes hold POISON (and only those)."""
    submitting = GroupCommit.submit

    def submit(intake: GroupCommit, *arrival: Any) -> Future[int]:
        if b"POISON" in arrival[3]:
            refused: Future[int] = Future()
            refused.set_exception(ValueError("this message cannot be kept"))
            return refused
        return submitting(intake, *arrival)

    monkeypatch.setattr(GroupCommit, "submit", submit)
