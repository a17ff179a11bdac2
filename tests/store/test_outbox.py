"""The outbox hands out due items, retries with backoff and never drops a failure."""

from datetime import timedelta

from bot.app import Portal
from store import outbox
from store.base import utcnow
from store.db import transaction


def enqueue(portal: Portal, n: int) -> int:
    with transaction(portal.sessions) as session:
        item = outbox.OutboxItem(
            channel="email",
            recipient="a@x.example",
            kind="receipt",
            subject="s",
            body="b",
            message_id=f"<o{n}@portal.test>",
        )
        session.add(item)
        session.flush()
        return item.id


def test_due_items_are_claimed_once(portal: Portal) -> None:
    first, second = enqueue(portal, 1), enqueue(portal, 2)
    with transaction(portal.sessions) as session:
        assert [i.id for i in outbox.claim_due(session, "host:delivery-1")] == [first, second]
    with transaction(portal.sessions) as session:
        assert outbox.claim_due(session, "host:delivery-1") == []


def test_a_failed_attempt_waits_longer_each_time_then_stays_failed(portal: Portal) -> None:
    item_id = enqueue(portal, 1)
    delays = []
    for _ in range(outbox.MAX_ATTEMPTS):
        with transaction(portal.sessions) as session:
            item = session.get_one(outbox.OutboxItem, item_id)
            item.next_attempt_at = utcnow() - timedelta(seconds=1)
        with transaction(portal.sessions) as session:
            (item,) = outbox.claim_due(session, "host:delivery-1")
            outbox.mark_failed_attempt(item, "relay refused")
            delays.append(item.next_attempt_at - utcnow())
    with transaction(portal.sessions) as session:
        item = session.get_one(outbox.OutboxItem, item_id)
        assert (item.status, item.attempts, item.last_error) == ("failed", 12, "relay refused")
        assert [i.id for i in outbox.list_items(session, status="failed")] == [item_id]
    assert delays[0] < timedelta(minutes=1, seconds=1) < delays[1] < delays[2]
    assert outbox.backoff(20) == timedelta(hours=6)


def test_an_item_held_by_a_crashed_sender_is_claimed_again_after_its_lease(portal: Portal) -> None:
    item_id = enqueue(portal, 1)
    with transaction(portal.sessions) as session:
        outbox.claim_due(session, "host:delivery-1")
    with transaction(portal.sessions) as session:
        assert outbox.claim_due(session, "host:delivery-1") == []
        session.get_one(outbox.OutboxItem, item_id).next_attempt_at = utcnow() - timedelta(1)
    with transaction(portal.sessions) as session:
        assert [i.id for i in outbox.claim_due(session, "host:delivery-1")] == [item_id]
