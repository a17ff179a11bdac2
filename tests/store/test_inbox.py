"""The inbox keeps each message once and hands items out oldest first."""

from bot.app import Portal
from store import inbox
from store.base import utcnow
from store.db import transaction
from tests.factories import keep_in_inbox


def keep(portal: Portal, message_id: str | None, raw: bytes = b"body", sender: str = "a@x.example"):
    return keep_in_inbox(portal, raw, sender=sender, message_id=message_id)


def test_same_sender_and_message_id_is_stored_once(portal: Portal) -> None:
    first = keep(portal, "<m1@x.example>", b"one")
    again = keep(portal, "<m1@x.example>", b"one, delivered again")
    other_sender = keep(portal, "<m1@x.example>", b"one", sender="b@y.example")
    assert first[1] is True
    assert again == (first[0], False)
    assert other_sender[1] is True and other_sender[0] != first[0]


def test_without_message_id_identical_bytes_are_one_message(portal: Portal) -> None:
    assert keep(portal, None, b"same")[1] is True
    assert keep(portal, None, b"same")[1] is False
    assert keep(portal, None, b"different")[1] is True


def test_claim_oldest_first_then_nothing(portal: Portal) -> None:
    ids = [keep(portal, f"<m{n}@x.example>")[0] for n in range(3)]
    claimed = []
    for _ in range(4):
        with transaction(portal.sessions) as session:
            item = inbox.claim_next(session, "host:processor-1")
            claimed.append(item.id if item else None)
            if item:
                assert item.status == inbox.PROCESSING and item.attempts == 1
    assert claimed == [*ids, None]


def test_failed_item_is_listed_and_retried(portal: Portal) -> None:
    item_id, _ = keep(portal, "<bad@x.example>")
    with transaction(portal.sessions) as session:
        inbox.claim_next(session, "host:processor-1")
    with transaction(portal.sessions) as session:
        inbox.fail(session, item_id, "ValueError: boom")
    with transaction(portal.sessions) as session:
        failed = inbox.list_items(session, failed_only=True)
        assert [(i.id, i.status, i.error) for i in failed] == [
            (item_id, "failed", "ValueError: boom")
        ]
        inbox.retry(session, item_id)
    with transaction(portal.sessions) as session:
        again = inbox.claim_next(session, "host:processor-1")
        assert again is not None and again.id == item_id and again.error is None


def test_released_claims_go_back_to_new_with_their_attempts(portal: Portal) -> None:
    ids = [keep(portal, f"<m{n}@x.example>")[0] for n in range(3)]
    with transaction(portal.sessions) as session:
        inbox.claim_next(session, "host:processor-1")
    between = utcnow()
    with transaction(portal.sessions) as session:
        inbox.claim_next(session, "host:processor-2")
        assert inbox.release_claims(session, worker="host:processor-3") == 0
        assert inbox.release_claims(session, worker="host:processor-2", before=between) == 0
        assert inbox.release_claims(session, before=between) == 1  # processor-1's, older
    with portal.sessions() as session:
        items = [session.get_one(inbox.InboxItem, item_id) for item_id in ids]
        assert [(i.status, i.attempts, i.claimed_by) for i in items] == [
            ("new", 1, "host:processor-1"),
            ("processing", 1, "host:processor-2"),
            ("new", 0, None),
        ]
    with transaction(portal.sessions) as session:
        assert inbox.release_claims(session, worker="host:processor-2") == 1
        again = inbox.claim_next(session, "host:processor-2")
        assert again is not None and (again.id, again.attempts) == (ids[0], 2)
