"""Inbox claims name their worker: a worker started again takes back its own, and only those."""

from __future__ import annotations

from sqlalchemy import update

from bot.app import Portal
from bot.pipeline.processor import Processor
from store import inbox
from store.base import utcnow
from store.db import transaction
from store.outbox import OutboxItem
from tests.factories import focal_point, keep_in_inbox
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import email


def kept(portal: Portal) -> int:
    """A NEED from Lao PDR's focal point, stored as intake stores it."""
    message = email("vong@nra.example", "NEED", LAO_NEED)
    item_id, _ = keep_in_inbox(
        portal, message.as_bytes(), sender="vong@nra.example", message_id=message["Message-ID"]
    )
    return item_id


def claimed_by_a_worker_that_died(portal: Portal, worker: str) -> int:
    item_id = kept(portal)
    with transaction(portal.sessions) as session:
        claimed = inbox.claim_next(session, worker)
        assert claimed is not None and (claimed.id, claimed.claimed_by) == (item_id, worker)
    return item_id


def state(portal: Portal, item_id: int) -> tuple[str, int, str | None]:
    with portal.sessions() as session:
        item = session.get_one(inbox.InboxItem, item_id)
        return item.status, item.attempts, item.claimed_by


def test_a_processor_started_again_handles_what_it_held_at_once(portal: Portal) -> None:
    focal_point(portal, "LAO", "vong@nra.example")
    item_id = claimed_by_a_worker_that_died(portal, "host:processor-1")
    restarted = Processor(portal.sessions, portal.settings, worker="host:processor-1")
    assert restarted.process_next() == item_id  # the claim is seconds old: nothing to wait for
    assert state(portal, item_id) == ("done", 2, "host:processor-1")
    with portal.sessions() as session:
        (receipt,) = session.query(OutboxItem).all()
        assert receipt.subject.startswith(f"Received: N-{utcnow().year}-0001 ")


def test_another_processor_leaves_a_live_claim_alone(portal: Portal) -> None:
    item_id = claimed_by_a_worker_that_died(portal, "host:processor-1")
    other = Processor(portal.sessions, portal.settings, worker="host:processor-2")
    assert other.release_abandoned() == 0
    assert other.process_next() is None
    assert state(portal, item_id) == ("processing", 1, "host:processor-1")


def test_an_item_that_stopped_its_worker_three_times_is_quarantined_unread(
    portal: Portal,
) -> None:
    """Released claims keep their attempts: the fourth claim shunts it without reading it."""
    item_id = claimed_by_a_worker_that_died(portal, "host:processor-1")
    with transaction(portal.sessions) as session:
        session.execute(
            update(inbox.InboxItem).where(inbox.InboxItem.id == item_id).values(attempts=3)
        )
    restarted = Processor(portal.sessions, portal.settings, worker="host:processor-1")
    assert restarted.release_abandoned() == 1
    assert state(portal, item_id) == ("new", 3, "host:processor-1")
    assert restarted.process_next() == item_id
    with portal.sessions() as session:
        item = session.get_one(inbox.InboxItem, item_id)
        assert (item.status, item.attempts, item.error) == (
            "quarantined",
            4,
            "the worker stopped during its last try (a crash, or it was killed)",
        )
        (notice,) = session.query(OutboxItem).all()
        assert (notice.recipient, notice.kind) == ("vong@nra.example", "processing_failed")
