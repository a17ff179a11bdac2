"""What the mailbox reader reads and when: the first contact, opened mail, refusals, a FETCH
that leaves a message out, a stop in the middle of a backlog, and its state for `portal status`."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from imapclient import IMAPClient

from bot.app import Portal
from bot.channels.email.imap import mailbox_url
from bot.channels.email.mailbox import MailboxReader
from bot.cli.base import cli
from bot.config import Settings
from bot.operations import mailbox_state
from bot.operations.metrics import metrics_page
from bot.operations.status import as_json, gather
from bot.pipeline.intake import GroupCommit
from bot.pipeline.mailbox_positions import MailboxPositions
from store.mailboxes import MailboxPosition
from tests.faults.conftest import StartPortal
from tests.flows.test_need_by_email import run_cli
from tests.mailbox.conftest import Mailbox, first_pass, from_start, items, refuse_poison, wait_for

KEPT = {"\\Seen", "$PortalKept"}


def position(portal: Portal, mailbox: Mailbox) -> tuple[int, int]:
    with portal.sessions() as session:
        found = session.get_one(MailboxPosition, mailbox.name)
        return found.uidvalidity, found.last_uid


def test_at_its_first_contact_the_portal_leaves_the_mail_there_and_rewind_has_it_read(
    sqlite_only: None,
    start_portal: StartPortal,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.email.mailbox")
    old = [mailbox.deliver(mailbox.delivered()), mailbox.deliver(mailbox.delivered())]
    running = first_pass(start_portal(imap_url=mailbox.url()))
    numbering = mailbox.uidvalidity()
    assert position(running.portal, mailbox) == (numbering, old[1])
    told = [r for r in caplog.records if "already in the folder" in r.getMessage()]
    assert [(r.levelname, r.getMessage()) for r in told] == [
        (
            "INFO",
            f"mailbox {mailbox.name}: starting after the 2 messages already in the folder "
            "(left unread; `portal mailbox rewind` has them read)",
        )
    ]
    new = mailbox.deliver(mailbox.delivered(subject="LIST"))
    assert len(running.mail(1)) == 1
    running.settled()
    assert [item.meta["imap"]["uid"] for item in items(running.portal)] == [new]
    assert mailbox.flags() == {old[0]: set(), old[1]: set(), new: KEPT}
    running.stop()

    monkeypatch.setenv("PORTAL_IMAP_URL", mailbox.url())
    assert run_cli(running, monkeypatch, "mailbox", "rewind").splitlines() == [
        f"mailbox {mailbox.name}: position set back to its start; the portal reads those of "
        "its 3 message(s) not marked kept when it next starts"
    ]
    assert position(running.portal, mailbox) == (numbering, 0)
    again = start_portal(imap_url=mailbox.url())
    assert len(again.mail(3)) == 3
    again.settled()
    assert [item.meta["imap"]["uid"] for item in items(again.portal)] == [new, *old]
    assert mailbox.flags() == {old[0]: KEPT, old[1]: KEPT, new: KEPT}
    assert position(again.portal, mailbox) == (numbering, old[1])  # `new` was not read again


def test_a_message_a_person_opened_first_is_read_all_the_same(
    sqlite_only: None, start_portal: StartPortal, mailbox: Mailbox
) -> None:
    opened = mailbox.deliver(mailbox.delivered())
    later = mailbox.deliver(mailbox.delivered(subject="LIST"))
    owner = mailbox.client()
    owner.select_folder("INBOX")
    owner.add_flags([opened], [b"\\Seen"])
    owner.logout()
    running = start_portal(from_start(mailbox), imap_url=mailbox.url())
    assert len(running.mail(2)) == 2
    running.settled()
    assert [item.meta["imap"]["uid"] for item in items(running.portal)] == [opened, later]
    wait_for(lambda: mailbox.flags() == {opened: KEPT, later: KEPT})


def test_a_message_refused_alone_pauses_no_new_mail(
    sqlite_only: None,
    start_portal: StartPortal,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Only the database down pauses the reader (here 10 minutes): one message is not that."""
    monkeypatch.setattr("bot.channels.email.mailbox.FIRST_DELAY", 600.0)
    refuse_poison(monkeypatch)
    running = first_pass(start_portal(imap_url=mailbox.url()))
    poison = mailbox.deliver(mailbox.delivered(subject="LIST", body="POISON"))
    wait_for(lambda: any(f"UID {poison} could not" in r.getMessage() for r in caplog.records))
    later = mailbox.deliver(mailbox.delivered())
    assert len(running.mail(1)) == 1
    running.settled()
    assert [item.meta["imap"]["uid"] for item in items(running.portal)] == [later]
    wait_for(lambda: mailbox.flags() == {poison: set(), later: KEPT})
    assert position(running.portal, mailbox)[1] == poison - 1
    assert not [r for r in caplog.records if "tried again in" in r.getMessage()]


def test_a_message_the_server_left_out_of_its_answer_is_tried_again(
    sqlite_only: None,
    start_portal: StartPortal,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fetching = IMAPClient.fetch
    left_out: list[int] = []

    def fetch(client: IMAPClient, messages: Any, data: Any, *more: Any, **named: Any) -> Any:
        found = fetching(client, messages, data, *more, **named)
        if data == ["BODY.PEEK[]"] and not left_out and len(found) == 3:
            left_out.append(sorted(found)[1])
            del found[left_out[0]]
        return found

    monkeypatch.setattr(IMAPClient, "fetch", fetch)
    first, second, third = (mailbox.deliver(mailbox.delivered()) for _ in range(3))
    running = start_portal(from_start(mailbox), imap_url=mailbox.url())
    assert len(running.mail(2)) == 2
    wait_for(lambda: mailbox.flags() == {first: KEPT, second: set(), third: KEPT})
    assert left_out == [second]
    assert position(running.portal, mailbox)[1] == first
    said = [r.getMessage() for r in caplog.records if "could not be kept" in r.getMessage()]
    assert said == [
        f"mailbox {mailbox.name}: message UID {second} could not be kept "
        "(NotSent('the server did not send it')); it stays unread there"
    ]
    fourth = mailbox.deliver(mailbox.delivered(subject="LIST"))  # the next look
    assert len(running.mail(4)) == 4
    running.settled()
    kept = [item.meta["imap"]["uid"] for item in items(running.portal)]
    assert kept == [first, third, second, fourth]
    wait_for(lambda: mailbox.flags() == dict.fromkeys(kept, KEPT))
    assert position(running.portal, mailbox)[1] == fourth


def test_a_stop_in_the_middle_of_a_backlog_waits_for_one_batch_only(
    sqlite_only: None,
    settings: Settings,
    portal: Portal,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("bot.channels.email.mailbox_pass.BATCH", 1)
    uids = [mailbox.deliver(mailbox.delivered(body=f"help {n}")) for n in range(3)]
    from_start(mailbox)(portal)
    halt = threading.Event()
    intake = GroupCommit(portal.sessions, "email")
    reading = settings.with_changes(imap_url=mailbox.url())
    reader = MailboxReader(
        mailbox_url(reading),
        reading,
        intake.submit,
        MailboxPositions(portal.sessions),
        on_stored=halt.set,  # the stop comes as the first batch is kept
    )
    try:
        reader.serve(halt)
    finally:
        intake.close()
    assert [item.meta["imap"]["uid"] for item in items(portal)] == uids[:1]
    assert mailbox.flags() == {uids[0]: KEPT, uids[1]: set(), uids[2]: set()}
    assert position(portal, mailbox)[1] == uids[0]


def test_a_mailbox_that_cannot_be_read_for_long_is_a_problem_shown_everywhere(
    sqlite_only: None, start_portal: StartPortal, mailbox: Mailbox
) -> None:
    wrong = mailbox.url().replace(":pw@", ":wrong@")
    running = start_portal(imap_url=wrong)
    home = running.portal.settings.home
    wait_for(lambda: getattr(mailbox_state.read(home), "failing_since", None))
    state = mailbox_state.read(home)
    assert state is not None and state.failing_since is not None
    assert (state.ok_at, state.error) == (None, "b'[AUTHENTICATIONFAILED] Authentication failed.'")
    since = state.failing_from()
    assert since is not None
    settings, engine = running.portal.settings, running.portal.engine
    assert gather(settings, engine, since + timedelta(minutes=14)).problems == []
    later = gather(settings, engine, since + timedelta(minutes=16))
    assert later.problems == [f"the mailbox cannot be read since {since:%Y-%m-%d %H:%M} UTC"]
    assert as_json(later)["mailbox"] == {
        "last_pass_ok": None,
        "failing_since": state.failing_since,
        "error": state.error,
    }
    page = metrics_page(lambda: later)().decode()
    assert "portal_mailbox_failing_seconds 960.0" in page.splitlines()
    assert "portal_mailbox_last_pass_timestamp_seconds" not in page
    running.stop()

    env = {
        "PORTAL_HOME": str(home),
        "PORTAL_DATABASE_URL": settings.database_url,
        "PORTAL_CONFIG": "-",
        "PORTAL_IMAP_URL": wrong,
    }
    shown = CliRunner().invoke(cli, ["status"], env=env, catch_exceptions=False).output
    assert shown.splitlines()[-2:] == [
        f"mailbox             FAILING since {state.failing_since} ({state.error})",
        "healthy",  # not yet 15 minutes
    ]
