"""Stored matches follow the records; renewal reminders at eleven months, expiry at twelve."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import Portal
from bot.records import lifecycle
from bot.records.renewal import remind_and_expire
from store.db import transaction
from store.match_keys import MatchKey
from store.matches import Match
from store.outbox import OutboxItem
from store.records import by_public_id
from tests.digests.test_digests import BEFORE, LAO_NEED, NOR_OFFER
from tests.factories import context, focal_point, publish, record


def matches(portal: Portal) -> list[tuple[str, str, str]]:
    with portal.sessions() as session:
        return [
            (m.need.public_id, m.offer.public_id, m.status)
            for m in session.scalars(select(Match).order_by(Match.id))
        ]


def test_publishing_matches_and_withdrawing_closes(portal: Portal) -> None:
    focal_point(portal, "LAO", "vong@nra.example")
    focal_point(portal, "NOR", "ingrid@mfa.example")
    publish(portal, "vong@nra.example", LAO_NEED, BEFORE)
    assert matches(portal) == []
    publish(portal, "ingrid@mfa.example", NOR_OFFER, BEFORE + timedelta(hours=1))
    assert matches(portal) == [("N-2026-0001", "O-2026-0001", "open")]
    with transaction(portal.sessions) as session:
        need = by_public_id(session, "N-2026-0001")
        assert need is not None
        lifecycle.close(context(session, portal, BEFORE + timedelta(days=1)), need, "withdrawn", "")
    assert matches(portal) == [("N-2026-0001", "O-2026-0001", "closed")]
    with portal.sessions() as session:
        keys = session.scalars(select(MatchKey.record_id).distinct()).all()
    assert keys == [record(portal, "O-2026-0001").id]  # a withdrawn record is not searchable


def test_a_record_never_matches_its_own_actor(portal: Portal) -> None:
    focal_point(portal, "LAO", "vong@nra.example")
    publish(portal, "vong@nra.example", LAO_NEED, BEFORE)
    publish(
        portal,
        "vong@nra.example",
        NOR_OFFER.replace("South-eastern Asia, Lebanon", "Lao PDR"),
        BEFORE,
    )
    assert matches(portal) == []


def test_eleven_months_bring_a_reminder_twelve_an_expiry(portal: Portal) -> None:
    focal_point(portal, "LAO", "vong@nra.example")
    focal_point(portal, "NOR", "ingrid@mfa.example")
    publish(portal, "vong@nra.example", LAO_NEED, BEFORE)
    publish(portal, "ingrid@mfa.example", NOR_OFFER, BEFORE + timedelta(days=40))
    settings = portal.settings
    assert remind_and_expire(portal.sessions, settings, BEFORE + timedelta(days=300)) == (0, 0)
    assert remind_and_expire(portal.sessions, settings, BEFORE + timedelta(days=336)) == (1, 0)
    assert remind_and_expire(portal.sessions, settings, BEFORE + timedelta(days=340)) == (0, 0)
    with portal.sessions() as session:
        (reminder,) = session.scalars(
            select(OutboxItem).where(OutboxItem.kind == "renewal_reminder")
        ).all()
    assert reminder.recipient == "vong@nra.example"
    assert reminder.subject == "Still current? N-2026-0001 Technical survey teams for Savannakhet"
    assert reminder.headers["Reply-To"].startswith("reply+r")  # a reply of RENEW renews it
    assert remind_and_expire(portal.sessions, settings, BEFORE + timedelta(days=366)) == (0, 1)
    assert record(portal, "N-2026-0001").status == "expired"
    assert matches(portal) == [("N-2026-0001", "O-2026-0001", "closed")]


def test_renewing_starts_the_twelve_months_again(portal: Portal) -> None:
    focal_point(portal, "LAO", "vong@nra.example")
    publish(portal, "vong@nra.example", LAO_NEED, BEFORE)
    settings = portal.settings
    assert remind_and_expire(portal.sessions, settings, BEFORE + timedelta(days=336)) == (1, 0)
    with transaction(portal.sessions) as session:
        need = by_public_id(session, "N-2026-0001")
        assert need is not None
        lifecycle.renew(context(session, portal, BEFORE + timedelta(days=337)), need)
    assert remind_and_expire(portal.sessions, settings, BEFORE + timedelta(days=400)) == (0, 0)
    assert record(portal, "N-2026-0001").status == "published"
    assert remind_and_expire(portal.sessions, settings, BEFORE + timedelta(days=337 + 336)) == (
        1,
        0,
    )
