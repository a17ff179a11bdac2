"""Delivery killed between the hand-off and its commit: delivered again at once, never doubled."""

from __future__ import annotations

import asyncio
import mailbox
import multiprocessing
import signal
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.app import Portal
from bot.channels.email.sending import EmailSender, MaildirSender, RelaySender, maildir_name
from bot.config import Settings
from bot.pipeline.delivery import Delivery
from store import outbox
from store.base import utcnow
from store.db import transaction
from tests.fakes import RecordingRelay
from tests.faults.hooks.kill_hook import die_recording_sent
from tests.harness import read_maildir

MESSAGE_IDS = ["<r1@portal.test>", "<r2@portal.test>", "<r3@portal.test>"]


def enqueue(portal: Portal) -> list[int]:
    with transaction(portal.sessions) as session:
        items = [
            outbox.OutboxItem(
                channel="email",
                recipient=f"fp{n}@state.example",
                kind="receipt",
                subject=f"Received: N-2026-000{n}",
                body="Thank you.\n",
                message_id=message_id,
            )
            for n, message_id in enumerate(MESSAGE_IDS, start=1)
        ]
        session.add_all(items)
        session.flush()
        return [item.id for item in items]


def delivery(portal: Portal, relay_url: str = "") -> Delivery:
    """The delivery worker `portal run` makes on this host: the default worker identity."""
    transport = (
        RelaySender(relay_url, timeout=5) if relay_url else MaildirSender(portal.settings.maildir)
    )
    sender = EmailSender(transport, from_name="Cooperation Portal", from_address="submit@p.test")
    return Delivery(portal.sessions, {"email": sender})


def deliver_until_killed(settings: Settings, relay_url: str, at: int) -> None:
    """In a child process: deliver, SIGKILLed as the `at`-th item is recorded sent."""
    die_recording_sent(at)
    portal = Portal.open(settings)
    asyncio.run(delivery(portal, relay_url).deliver_due())


def killed_while_recording_sent(settings: Settings, *, at: int, relay_url: str = "") -> None:
    child = multiprocessing.get_context("spawn").Process(
        target=deliver_until_killed, args=(settings, relay_url, at)
    )
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL


def lease_runs_out(portal: Portal) -> None:
    """What LEASE later looks like: every claim is due again, for any worker."""
    with transaction(portal.sessions) as session:
        session.execute(
            update(outbox.OutboxItem).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


def statuses(portal: Portal) -> list[tuple[str, str | None]]:
    with portal.sessions() as session:
        items = session.scalars(select(outbox.OutboxItem).order_by(outbox.OutboxItem.id))
        return [(item.status, item.last_error) for item in items]


def outbox_id(portal: Portal, message_id: str) -> int:
    """The outbox item a mail was made from (no internal id goes out in its headers)."""
    with portal.sessions() as session:
        return session.scalars(
            select(outbox.OutboxItem.id).where(outbox.OutboxItem.message_id == message_id)
        ).one()


def files(portal: Portal, folder: str) -> list[str]:
    return sorted(path.name for path in (portal.settings.maildir / folder).iterdir())


def test_killed_before_recording_sent_it_is_delivered_at_the_restart_without_a_second_file(
    portal: Portal,
) -> None:
    ids = enqueue(portal)
    killed_while_recording_sent(portal.settings, at=2)  # the second file is written, not recorded
    assert [status for status, _ in statuses(portal)] == ["sent", "sending", "sending"]
    assert len(read_maildir(portal.settings.maildir)) == 2

    assert asyncio.run(delivery(portal).deliver_due()) == 2  # no lease to wait for
    mails = read_maildir(portal.settings.maildir)
    assert [m["Message-ID"] for m in mails] == MESSAGE_IDS  # one file per message
    assert [outbox_id(portal, m["Message-ID"]) for m in mails] == ids
    with portal.sessions() as session:
        names = [maildir_name(session.get_one(outbox.OutboxItem, item_id)) for item_id in ids]
    assert files(portal, "new") == names
    assert files(portal, "tmp") == []
    assert statuses(portal) == [("sent", None)] * 3


def test_an_item_taken_over_after_its_lease_is_written_over_its_first_file(
    portal: Portal,
) -> None:
    """A worker that never comes back: its lease runs out and the item is delivered again."""
    enqueue(portal)
    killed_while_recording_sent(portal.settings, at=1)
    lease_runs_out(portal)
    other = delivery(portal)
    other.worker = "elsewhere:delivery-1"
    assert asyncio.run(other.deliver_due()) == 3
    assert [m["Message-ID"] for m in read_maildir(portal.settings.maildir)] == MESSAGE_IDS
    assert statuses(portal) == [("sent", None)] * 3


def test_a_message_already_moved_to_cur_by_a_reader_is_not_delivered_twice(
    portal: Portal,
) -> None:
    enqueue(portal)
    killed_while_recording_sent(portal.settings, at=1)
    box = mailbox.Maildir(portal.settings.maildir, create=False)
    (key,) = box.keys()
    read = box[key]
    read.set_subdir("cur")
    read.add_flag("S")
    box[key] = read  # as a mail reader files what it showed
    assert files(portal, "cur") == [f"{key}:2,S"]
    lease_runs_out(portal)  # (not needed here: it makes the test about cur/ alone)

    assert asyncio.run(delivery(portal).deliver_due()) == 3
    assert [m["Message-ID"] for m in read_maildir(portal.settings.maildir)] == MESSAGE_IDS
    assert files(portal, "cur") == [f"{key}:2,S"]
    assert len(files(portal, "new")) == 2
    assert statuses(portal) == [("sent", None)] * 3


def test_a_hand_off_cut_short_is_known_in_doubt_and_sent_again_with_the_same_message_id(
    portal: Portal,
) -> None:
    """The relay took the first mail, then the worker died: only that one can have gone out,
    and the relay gets it again byte for byte (what at-least-once remains, README)."""
    ids = enqueue(portal)
    with RecordingRelay() as relay:
        killed_while_recording_sent(portal.settings, at=1, relay_url=relay.url)
        assert [m["Message-ID"] for _, _, m in relay.messages] == MESSAGE_IDS[:1]
        restarted = delivery(portal, relay.url)
        assert restarted.release_abandoned() == 3
        assert statuses(portal) == [
            ("pending", outbox.IN_DOUBT),
            ("pending", None),
            ("pending", None),
        ]
        assert asyncio.run(restarted.deliver_due()) == 3
    got = [m for _, _, m in relay.messages]
    assert [m["Message-ID"] for m in got] == [MESSAGE_IDS[0], *MESSAGE_IDS]
    assert got[0].as_bytes() == got[1].as_bytes()
    assert [outbox_id(portal, m["Message-ID"]) for m in got] == [ids[0], *ids]
    assert statuses(portal) == [("sent", None)] * 3


@pytest.mark.parametrize("worker", ["host:delivery-1", None])
def test_release_needs_a_worker_or_a_time(portal: Portal, worker: str | None) -> None:
    with transaction(portal.sessions) as session:
        if worker is None:
            with pytest.raises(ValueError, match="needs a worker, a time, or both"):
                outbox.release_claims(session)
        else:
            assert outbox.release_claims(session, worker=worker) == 0
