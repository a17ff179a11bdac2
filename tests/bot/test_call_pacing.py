"""A call to every State Party is paced: the outbox hands the mails out at PORTAL_CALL_RATE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import Portal
from bot.calls import campaign as calls
from store.db import transaction
from store.outbox import OutboxItem
from tests.factories import focal_point

NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)


def test_mails_are_spaced_by_the_rate_and_the_call_reaches_every_party(portal: Portal) -> None:
    for n, code in enumerate(("LAO", "LBN", "IRQ", "COL")):
        focal_point(portal, code, f"fp{n}@state{n}.example")
    with transaction(portal.sessions) as session:
        call = calls.create(
            session,
            title="Before the 15MSP",
            deadline=None,
            actor_types=["state_party"],
            actor_codes=[],
            message="",
            by="test",
        )
        assert len(calls.actors_of(session, call)) == 112
    settings = portal.settings.with_changes(call_rate=20)  # one every three seconds
    report = calls.send(portal.sessions, settings, call.id, NOW)
    assert (report.queued, report.already, report.without_focal_point) == (4, 0, 108)
    with portal.sessions() as session:
        due = sorted(session.scalars(select(OutboxItem.next_attempt_at)))
    assert [d - NOW for d in due] == [timedelta(seconds=s) for s in (0, 3, 6, 9)]
    dry = calls.send(portal.sessions, settings, call.id, NOW, dry_run=True)
    assert (dry.queued, dry.already) == (0, 4)
