"""Delivery SIGKILLed in a burst, as it records a delivered receipt: each answered once."""

from __future__ import annotations

import os
import signal
import smtplib
from collections import Counter
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

from bot.app import Portal
from bot.config import Settings
from store.base import utcnow
from store.outbox import OutboxItem
from tests.digests.test_digests import LAO_NEED as DIGEST_NEED
from tests.digests.test_digests import NOR_OFFER as DIGEST_OFFER
from tests.factories import focal_point, publish, subscribe
from tests.faults.conftest import RunPortal
from tests.faults.process import database_counts
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import email, read_maildir

BURST = 30
KILL_AT = 5  # the fifth receipt: its file is written, "sent" is not committed
HOOKS = Path(__file__).parent / "hooks"  # sitecustomize arms kill_hook in the child only


def send_until_refused(port: int, messages: list[EmailMessage]) -> list[EmailMessage]:
    """Send one after another, as a sending server does; returns those not answered 250
    (the one cut off and those after it), which that server would send again later."""
    for number, message in enumerate(messages):
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                client.send_message(message)
        except (OSError, smtplib.SMTPException):
            return messages[number:]
    return []


def outbox_states(settings: Settings) -> dict[int, str]:
    portal = Portal.open(settings)
    try:
        with portal.sessions() as session:
            return dict(session.execute(select(OutboxItem.id, OutboxItem.status)).all())
    finally:
        portal.close()


def test_delivery_killed_during_a_burst_every_message_is_answered_once(
    settings: Settings, portal: Portal, run_portal: RunPortal, tmp_path: Path
) -> None:
    """The delivery part dies between writing a receipt's file and committing it sent; the
    supervisor starts it again, which gives back its claims at once and writes that file
    again in place: one file per receipt, none waiting for the 10-minute lease."""
    focal_point(portal, "LAO", "vong@nra.example")
    database = {"PORTAL_DATABASE_URL": settings.database_url}
    paths = [str(HOOKS), *filter(None, [os.environ.get("PYTHONPATH")])]
    marker = tmp_path / "killed"
    messages = [
        email("vong@nra.example", "NEED", LAO_NEED.replace("two districts", f"district {n}"))
        for n in range(BURST)
    ]

    running = run_portal(
        settings,
        PYTHONPATH=os.pathsep.join(paths),
        KILL_AT_SENT=str(KILL_AT),
        KILL_MARKER=str(marker),
        **database,
    )
    delivery = running.pid_of("delivery")
    assert send_until_refused(running.port, messages) == []  # intake never noticed
    running.wait_for_log(rf"delivery \(pid {delivery}\) was killed by signal {signal.SIGKILL}")
    running.wait_until_settled(timeout=30)  # far less than the 10-minute lease
    assert running.stop() == 0
    assert marker.read_text().isdigit()  # the hook did fire, once

    receipts = read_maildir(settings.maildir)
    assert len(receipts) == BURST
    assert set(Counter(m["Message-ID"] for m in receipts).values()) == {1}
    assert sorted(m["In-Reply-To"] for m in receipts) == sorted(m["Message-ID"] for m in messages)
    assert database_counts(settings) == {"done": BURST, "records": BURST, "waiting": 0}
    assert list(outbox_states(settings).values()) == ["sent"] * BURST


def test_delivery_killed_while_sending_digests_each_subscriber_gets_one(
    settings: Settings, portal: Portal, run_portal: RunPortal, tmp_path: Path
) -> None:
    """The weekly digests caught up at start, delivery killed as it records the second one
    sent: after its restart each subscriber has exactly one digest (one once had two)."""
    now = utcnow()
    focal_point(portal, "LAO", "vong@nra.example")
    focal_point(portal, "NOR", "ingrid@mfa.example")
    publish(portal, "vong@nra.example", DIGEST_NEED, now - timedelta(days=1))
    publish(portal, "ingrid@mfa.example", DIGEST_OFFER, now - timedelta(hours=20))
    readers = [f"reader{n}@watch.example" for n in range(6)]
    for reader in readers:
        subscribe(portal, reader, now - timedelta(days=30))
    paths = [str(HOOKS), *filter(None, [os.environ.get("PYTHONPATH")])]
    marker = tmp_path / "killed"

    running = run_portal(
        settings,
        PYTHONPATH=os.pathsep.join(paths),
        KILL_AT_SENT="4",  # the two "published" notices, then the second digest
        KILL_MARKER=str(marker),
        PORTAL_DATABASE_URL=settings.database_url,
    )
    delivery = running.pid_of("delivery")
    running.wait_for_log(rf"delivery \(pid {delivery}\) was killed by signal {signal.SIGKILL}")
    running.wait_until_settled(timeout=30)
    assert running.stop() == 0

    mails = read_maildir(settings.maildir)
    digests = [mail for mail in mails if mail["To"] in readers]
    assert sorted(str(mail["To"]) for mail in digests) == sorted(readers)
    assert set(Counter(mail["Message-ID"] for mail in mails).values()) == {1}
    assert len(mails) == len(readers) + 4  # and the two notices and two digests of the owners
