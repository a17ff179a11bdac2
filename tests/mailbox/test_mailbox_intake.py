"""Mail read from an existing mailbox: kept, handled, answered, and marked on the server."""

from __future__ import annotations

import re
from typing import Any

import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from bot.channels.email.imap import mailbox_url
from bot.config import Settings
from bot.errors import ConfigError
from bot.runner import mailbox_service, parts_for
from store.base import utcnow
from store.mailboxes import MailboxPosition
from store.records import Record
from tests.faults.conftest import StartPortal
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import reply
from tests.mailbox.conftest import (
    Mailbox,
    first_pass,
    from_start,
    items,
    new_server,
    quick,
    wait_for,
)

YEAR = utcnow().year  # records are numbered by the year they are made in

KEPT = {"\\Seen", "$PortalKept"}


def test_a_need_in_the_mailbox_becomes_a_record_and_is_flagged_seen(
    start_portal: StartPortal, mailbox: Mailbox
) -> None:
    uid = mailbox.deliver(mailbox.delivered(subject="NEED", body=LAO_NEED, Cc="ops@nra.example"))
    running = start_portal(from_start(mailbox), imap_url=mailbox.url())

    (receipt,) = running.mail(1)
    running.settled()
    assert receipt["To"] == "vong@nra.example"
    assert str(receipt["Subject"]).startswith("Received: N-")
    (item,) = items(running.portal)
    assert (item.channel, item.sender, item.recipients, item.status) == (
        "email",
        "vong@nra.example",
        [mailbox.login, "ops@nra.example"],
        "done",
    )
    numbering = mailbox.uidvalidity()
    assert item.meta["imap"] == {"mailbox": mailbox.name, "uidvalidity": numbering, "uid": uid}
    with running.portal.sessions() as session:
        assert session.scalar(select(Record.title)) == (
            "Technical survey teams for two districts of Savannakhet"
        )
        position = session.get_one(MailboxPosition, mailbox.name)
        assert (position.uidvalidity, position.last_uid) == (numbering, uid)
    wait_for(lambda: mailbox.flags() == {uid: KEPT})


def test_mail_delivered_while_the_portal_waits_is_read_at_once(
    sqlite_only: None, start_portal: StartPortal, mailbox: Mailbox
) -> None:
    running = first_pass(start_portal(imap_url=mailbox.url()))
    first = mailbox.deliver(mailbox.delivered())
    running.mail(1)
    second = mailbox.deliver(mailbox.delivered(subject="LIST"))
    running.mail(2)
    running.settled()
    assert [item.meta["imap"]["uid"] for item in items(running.portal)] == [first, second]
    wait_for(lambda: mailbox.flags() == {first: KEPT, second: KEPT})


def test_in_the_move_mode_kept_mail_goes_to_the_processed_folder(
    sqlite_only: None, start_portal: StartPortal, mailbox: Mailbox
) -> None:
    mailbox.deliver(mailbox.delivered())
    mailbox.deliver(mailbox.delivered(subject="LIST"))
    running = start_portal(from_start(mailbox), imap_url=mailbox.url(), imap_processed="Processed")
    running.mail(2)
    running.settled()
    assert len(items(running.portal)) == 2
    wait_for(lambda: mailbox.flags() == {})
    assert mailbox.flags("Processed") == {1: set(), 2: set()}  # moved, still unread there


def test_a_server_without_idle_nor_move_is_polled_and_mail_copied_then_expunged(
    sqlite_only: None, start_portal: StartPortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = new_server(extra="protocol imap {\n  imap_capability = IMAP4rev1\n}\n")
    mailbox = Mailbox(server, "portal0@ministry.example")
    quick(monkeypatch)
    try:
        running = first_pass(
            start_portal(imap_url=mailbox.url(), imap_processed="Done", imap_poll=0.2)
        )
        mailbox.deliver(mailbox.delivered())
        running.mail(1)
        mailbox.deliver(mailbox.delivered(subject="LIST"))
        running.mail(2)
        running.settled()
        assert len(items(running.portal)) == 2
        wait_for(lambda: mailbox.flags() == {})
        assert mailbox.flags("Done") == {1: set(), 2: set()}
    finally:
        server.stop()


def test_a_message_over_the_size_limit_is_left_unread_and_the_next_one_is_kept(
    sqlite_only: None, start_portal: StartPortal, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    big = mailbox.deliver(mailbox.delivered(subject="NEED", body=LAO_NEED * 20))
    small = mailbox.deliver(mailbox.delivered())
    running = start_portal(from_start(mailbox), imap_url=mailbox.url(), max_message_size=4000)
    running.mail(1)
    running.settled()
    assert [item.meta["imap"]["uid"] for item in items(running.portal)] == [small]
    wait_for(lambda: mailbox.flags() == {big: set(), small: KEPT})
    told = [r.getMessage() for r in caplog.records if "MAX_MESSAGE_SIZE" in r.getMessage()]
    assert len(told) == 1
    assert f"message UID {big} has " in told[0]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://portal:pw@imap.example/INBOX", "PORTAL_IMAP_URL must be imaps://"),
        ("imaps://imap.example/INBOX", "PORTAL_IMAP_URL names no user"),
        ("imaps://portal:pw@/INBOX", "PORTAL_IMAP_URL names no host"),
        ("imaps://portal:pw@imap.example:99x/INBOX", "has a port that is not a number: '99x'"),
        ("imaps://portal:pw@imap.example:70000/INBOX", "PORTAL_IMAP_URL has no such port: 70000"),
        ("imaps://portal@imap.example/INBOX", "PORTAL_IMAP_URL has no password"),
    ],
)
def test_a_bad_url_stops_the_portal_with_a_clear_message(url: str, problem: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parts_for(Settings(imap_url=url))
    assert problem in str(raised.value)


def test_the_url_is_read_with_its_defaults_and_escapes() -> None:
    plain = mailbox_url(
        Settings(imap_url="imap://portal%40ministry.example@mail.example", imap_password="s3")
    )
    assert (plain.tls, plain.user, plain.password, plain.host, plain.port, plain.folder) == (
        False,
        "portal@ministry.example",
        "s3",
        "mail.example",
        143,
        "INBOX",
    )
    tls = mailbox_url(Settings(imap_url="imaps://portal@ministry.example:p%2Fw@[::1]/Portal/In"))
    assert (tls.tls, tls.user, tls.password, tls.host, tls.port, tls.folder) == (
        True,
        "portal@ministry.example",
        "p/w",
        "::1",
        993,
        "Portal/In",
    )
    assert "p/w" not in repr(tls)
    assert mailbox_service in parts_for(Settings(imap_url="imaps://u:p@h/INBOX"))["intake"]
    assert mailbox_service not in parts_for(Settings())["intake"]


def test_mailbox_check_shows_the_folder_and_the_position(
    sqlite_only: None, start_portal: StartPortal, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.flows.test_need_by_email import run_cli

    uid = mailbox.deliver(mailbox.delivered())
    running = start_portal(from_start(mailbox), imap_url=mailbox.url())
    running.mail(1)
    wait_for(lambda: mailbox.flags() == {uid: KEPT})
    monkeypatch.setenv("PORTAL_IMAP_URL", mailbox.url())
    numbering = mailbox.uidvalidity()
    assert run_cli(running, monkeypatch, "mailbox", "check").splitlines() == [
        f"mailbox {mailbox.name}: logged in",
        f"messages 1, unread 0, UIDVALIDITY {numbering}, next UID 2",
        f"position: UIDVALIDITY {numbering}, kept up to UID 1",
        "kept messages are flagged \\Seen (and $PortalKept)",
    ]


def test_idle_is_renewed_and_mail_still_read(
    sqlite_only: None,
    start_portal: StartPortal,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """RFC 2177: a client renews its IDLE before 29 minutes (here 0.3 s)."""
    monkeypatch.setattr("bot.channels.email.mailbox.IDLE_RENEW", 0.3)
    idling = IMAPClient.idle
    idles: list[int] = []

    def idle(client: IMAPClient) -> Any:
        idles.append(1)
        return idling(client)

    monkeypatch.setattr(IMAPClient, "idle", idle)
    running = start_portal(imap_url=mailbox.url())
    wait_for(lambda: len(idles) >= 3)
    uid = mailbox.deliver(mailbox.delivered())
    running.mail(1)
    assert [item.meta["imap"]["uid"] for item in items(running.portal)] == [uid]


def test_two_settings_run_the_portal_from_a_mailbox_and_replies_come_back_to_it(
    start_portal: StartPortal, mailbox: Mailbox
) -> None:
    """PORTAL_IMAP_URL (its password in it, or PORTAL_IMAP_PASSWORD) is all a newcomer sets:
    the mailbox's login is the portal's address, and replies come back to its plus form."""
    running = first_pass(start_portal(imap_url=mailbox.url()))
    mailbox.deliver(mailbox.delivered(subject="NEED", body=LAO_NEED))

    (receipt,) = running.mail(1)
    local = mailbox.login.partition("@")[0]
    assert receipt["From"].addresses[0].addr_spec == mailbox.login
    assert re.fullmatch(rf"{local}\+r1-[0-9a-z-]+@ministry\.example", receipt["Reply-To"])
    running.settled()

    message, _ = reply(receipt, "vong@nra.example", "Amount: 300000 USD")
    mailbox.deliver(
        f"Return-Path: <vong@nra.example>\r\nDelivered-To: {receipt['Reply-To']}\r\n".encode()
        + message.as_bytes().replace(b"\n", b"\r\n")
    )
    update = running.mail(2)[1]
    running.settled()
    assert update["Subject"] == (
        f"Updated: N-{YEAR}-0001 Technical survey teams for two districts of Savannakhet"
    )
    assert [item.outcome for item in items(running.portal)] == [
        f"need N-{YEAR}-0001 created",
        f"N-{YEAR}-0001 updated (amount)",
    ]
