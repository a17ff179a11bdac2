"""The mailbox reader when things go wrong: a crash before the mark, a dropped connection, a
restarted server, a new UIDVALIDITY, an inbox that cannot take mail."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from imapclient import IMAPClient
from sqlalchemy.exc import OperationalError

from bot.channels.email.mailbox import MailboxReader
from bot.config import Settings
from bot.operations import mailbox_state
from bot.pipeline.intake import GroupCommit
from store.base import utcnow
from store.mailboxes import MailboxPosition
from tests.faults.conftest import StartPortal
from tests.faults.test_storage import database_refusing_connections
from tests.mailbox.conftest import (
    Mailbox,
    first_pass,
    from_start,
    items,
    refuse_poison,
    restart,
    wait_for,
)

KEPT = {"\\Seen", "$PortalKept"}
DOWN = "the inbox cannot keep mail (the database)"  # the reader's state: no host, no user


def test_a_crash_between_the_commit_and_the_mark_keeps_the_message_once(
    start_portal: StartPortal, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection dies as the message is being marked: it was committed, not marked. Read
    again at the reconnection, the inbox knows it; it is marked then, handled once."""
    marking = MailboxReader.mark
    failures: list[list[int]] = []

    def mark_once(reader: MailboxReader, client: IMAPClient, uids: list[int]) -> None:
        if not failures:
            failures.append(uids)
            client.shutdown()  # as a crash would leave it: nothing said to the server
            raise OSError("connection reset by peer")
        marking(reader, client, uids)

    monkeypatch.setattr(MailboxReader, "mark", mark_once)
    uid = mailbox.deliver(mailbox.delivered())
    running = start_portal(from_start(mailbox), imap_url=mailbox.url())
    wait_for(lambda: mailbox.flags() == {uid: KEPT})
    running.settled()
    assert failures == [[uid]]
    (item,) = items(running.portal)
    assert (item.status, item.meta["imap"]["uid"]) == ("done", uid)
    assert len(running.mail(1)) == 1  # one answer


def test_a_dropped_connection_is_made_again_and_later_mail_read(
    sqlite_only: None, start_portal: StartPortal, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    running = first_pass(start_portal(imap_url=mailbox.url()))
    first = mailbox.deliver(mailbox.delivered())
    running.mail(1)
    mailbox.kick()
    second = mailbox.deliver(mailbox.delivered(subject="LIST"))
    running.mail(2)
    running.settled()
    assert [item.meta["imap"]["uid"] for item in items(running.portal)] == [first, second]
    wait_for(lambda: mailbox.flags() == {first: KEPT, second: KEPT})
    dropped = [r for r in caplog.records if "cannot be read" in r.getMessage()]
    assert [r.levelname for r in dropped] == ["WARNING"]  # once for the outage


def test_a_restarted_server_is_read_again(
    sqlite_only: None, start_portal: StartPortal, mailbox: Mailbox
) -> None:
    running = first_pass(start_portal(imap_url=mailbox.url()))
    first = mailbox.deliver(mailbox.delivered())
    running.mail(1)
    restart(mailbox.server)
    second = mailbox.deliver(mailbox.delivered(subject="LIST"))
    running.mail(2)
    running.settled()
    assert [item.meta["imap"]["uid"] for item in items(running.portal)] == [first, second]
    wait_for(lambda: mailbox.flags() == {first: KEPT, second: KEPT})


def test_a_new_uidvalidity_reads_the_unmarked_mail_again_and_keeps_it_once(
    start_portal: StartPortal, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    """The provider renumbered the folder and lost the flags of a kept message: the portal's
    position means nothing now; the message read again is recognised, the new one kept, and
    the mail received long before (left to people at the first contact) is not read."""
    owner = mailbox.client()
    owner.append("INBOX", mailbox.delivered(subject="LIST"), msg_time=datetime(2024, 5, 2, 9, 0))
    owner.logout()
    running = first_pass(start_portal(imap_url=mailbox.url()))
    first = mailbox.deliver(mailbox.delivered())
    running.mail(1)
    wait_for(lambda: mailbox.flags() == {1: set(), first: KEPT})
    running.stop()
    before = mailbox.uidvalidity()

    owner = mailbox.client()
    owner.select_folder("INBOX")
    owner.remove_flags([first], KEPT)
    owner.logout()
    mailbox.server.doveadm(
        "mailbox", "update", "-u", mailbox.login, "--uid-validity", "42", "INBOX"
    )
    second = mailbox.deliver(mailbox.delivered(subject="LIST"))
    again = start_portal(imap_url=mailbox.url())
    again.mail(2)
    wait_for(lambda: mailbox.flags() == {1: set(), first: KEPT, second: KEPT})
    again.settled()
    kept = items(again.portal)
    assert [(item.meta["imap"]["uidvalidity"], item.meta["imap"]["uid"]) for item in kept] == [
        (before, first),  # the copy kept first, recognised
        (42, second),
    ]
    with again.portal.sessions() as session:
        position = session.get_one(MailboxPosition, mailbox.name)
        assert (position.uidvalidity, position.last_uid) == (42, second)
    changed = [r.getMessage() for r in caplog.records if "UIDVALIDITY changed" in r.getMessage()]
    assert len(changed) == 1
    assert changed[0].endswith(
        f"to 42; its unmarked messages received since {utcnow().date() - timedelta(days=1)} "
        "are read again (those already kept are recognised)"
    )


def test_a_message_the_inbox_cannot_take_stays_unread_and_is_kept_later(
    start_portal: StartPortal, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    storing = GroupCommit._store
    down = threading.Event()
    down.set()
    refused = threading.Event()

    def store(intake: GroupCommit, arrivals: list[Any]) -> list[int]:
        if down.is_set():
            refused.set()
            raise OperationalError("INSERT", {}, Exception("the database is down"))
        return storing(intake, arrivals)

    monkeypatch.setattr(GroupCommit, "_store", store)
    uid = mailbox.deliver(mailbox.delivered())
    running = start_portal(from_start(mailbox), imap_url=mailbox.url())
    assert refused.wait(20)
    assert mailbox.flags() == {uid: set()}
    assert items(running.portal) == []
    down.clear()
    running.mail(1)
    running.settled()
    assert [item.meta["imap"]["uid"] for item in items(running.portal)] == [uid]
    wait_for(lambda: mailbox.flags() == {uid: KEPT})


def test_postgresql_down_the_message_stays_unread_until_it_is_back(
    postgresql_only: None,
    settings: Settings,
    start_portal: StartPortal,
    mailbox: Mailbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def said(text: str) -> bool:
        return any(text in record.getMessage() for record in caplog.records)

    caplog.set_level(logging.INFO, logger="bot.channels.email.mailbox")
    running = start_portal(imap_url=mailbox.url())
    wait_for(lambda: said(f"reading mailbox {mailbox.name}"))
    with database_refusing_connections(settings.database_url):
        uid = mailbox.deliver(mailbox.delivered())
        wait_for(lambda: said(f"message UID {uid} could not be kept"))
        assert mailbox.flags() == {uid: set()}
        home = running.portal.settings.home
        wait_for(lambda: getattr(mailbox_state.read(home), "error", None) == DOWN)
    running.mail(1)
    running.settled()
    assert [item.meta["imap"]["uid"] for item in items(running.portal)] == [uid]
    wait_for(lambda: mailbox.flags() == {uid: KEPT})
    wait_for(lambda: getattr(mailbox_state.read(home), "failing_since", 0) is None)


def test_one_message_the_inbox_refuses_holds_the_position_not_the_others(
    sqlite_only: None,
    start_portal: StartPortal,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refuse_poison(monkeypatch)
    first = mailbox.deliver(mailbox.delivered())
    poison = mailbox.deliver(mailbox.delivered(subject="LIST", body="POISON"))
    third = mailbox.deliver(mailbox.delivered(subject="LIST"))
    running = start_portal(from_start(mailbox), imap_url=mailbox.url())
    running.mail(2)
    running.settled()
    assert [item.meta["imap"]["uid"] for item in items(running.portal)] == [first, third]
    wait_for(lambda: mailbox.flags() == {first: KEPT, poison: set(), third: KEPT})
    with running.portal.sessions() as session:
        assert session.get_one(MailboxPosition, mailbox.name).last_uid == first
