"""The outbox hands out due items, retries with backoff and never drops a failure."""

from datetime import timedelta

from sqlalchemy import select

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


def states(portal: Portal) -> list[tuple[str, str | None, int, bool]]:
    """(status, claimed_by, attempts, due now) of every item, oldest first."""
    with portal.sessions() as session:
        items = session.scalars(select(outbox.OutboxItem).order_by(outbox.OutboxItem.id))
        now = utcnow()
        return [(i.status, i.claimed_by, i.attempts, i.next_attempt_at <= now) for i in items]


def test_a_claim_takes_a_small_batch_and_names_its_worker(portal: Portal) -> None:
    for n in range(outbox.BATCH + 1):
        enqueue(portal, n)
    before = utcnow()
    with transaction(portal.sessions) as session:
        claimed = outbox.claim_due(session, "host:delivery-1")
        assert len(claimed) == outbox.BATCH == 5
        assert {(i.claimed_by, i.claimed_at >= before) for i in claimed} == {
            ("host:delivery-1", True)
        }
    assert states(portal) == [("sending", "host:delivery-1", 1, False)] * 5 + [
        ("pending", None, 0, True)
    ]


def test_released_claims_are_due_at_once_and_only_those_asked_for(portal: Portal) -> None:
    for n in range(3):
        enqueue(portal, n)
    with transaction(portal.sessions) as session:
        outbox.claim_due(session, "host:delivery-1", limit=1)
    between = utcnow()
    with transaction(portal.sessions) as session:
        outbox.claim_due(session, "host:delivery-2", limit=1)
        assert outbox.release_claims(session, worker="host:delivery-3") == 0
        assert outbox.release_claims(session, worker="host:delivery-2", before=between) == 0
        assert outbox.release_claims(session, before=between) == 1  # delivery-1's, older
    assert states(portal) == [
        ("pending", "host:delivery-1", 1, True),
        ("sending", "host:delivery-2", 1, False),
        ("pending", None, 0, True),
    ]
    with transaction(portal.sessions) as session:
        assert outbox.release_claims(session, worker="host:delivery-2") == 1
    assert [state[0] for state in states(portal)] == ["pending"] * 3


def test_only_an_item_whose_hand_off_had_begun_is_released_in_doubt(portal: Portal) -> None:
    first, second = enqueue(portal, 1), enqueue(portal, 2)
    with transaction(portal.sessions) as session:
        handing, waiting = outbox.claim_due(session, "host:delivery-1")
        outbox.mark_handing_off(handing)
    with transaction(portal.sessions) as session:
        assert outbox.release_claims(session, worker="host:delivery-1") == 2
    with portal.sessions() as session:
        doubt = {i: session.get_one(outbox.OutboxItem, i).last_error for i in (first, second)}
    assert doubt == {first: outbox.IN_DOUBT, second: None}
