"""Stored matches after refresh(): new ones written in bulk, old ones re-scored or re-opened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import Portal
from bot.matching.refresh import refresh
from store.db import transaction
from store.matches import CLOSED, OPEN, Match, matches_of
from store.records import by_public_id
from tests.digests.test_digests import LAO_NEED, NOR_OFFER
from tests.factories import focal_point, publish

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)


def test_a_new_match_is_stored_and_seen_by_the_same_session(portal: Portal) -> None:
    focal_point(portal, "LAO", "vong@nra.example")
    focal_point(portal, "NOR", "ingrid@mfa.example")
    publish(portal, "vong@nra.example", LAO_NEED, NOW)
    publish(portal, "ingrid@mfa.example", NOR_OFFER, NOW)
    with transaction(portal.sessions) as session:
        need = by_public_id(session, "N-2026-0001")
        assert need is not None
        session.execute(Match.__table__.delete())
        assert refresh(session, need, LATER, keep=25) == (1, 0)
        (found,) = matches_of(session, need)
        assert (found.need.public_id, found.offer.public_id) == ("N-2026-0001", "O-2026-0001")
        assert (found.status, found.created_at, found.updated_at) == (OPEN, LATER, LATER)
        assert found.closed_at is None
        assert found.reasons[:2] == [
            ["areas", ["art4.survey.technical", "art4.clearance"]],
            ["assistance", ["financial"]],
        ]
        assert refresh(session, need, LATER, keep=25) == (0, 0)  # found again: re-scored, not new
    with portal.sessions() as session:
        assert len(session.scalars(select(Match)).all()) == 1


def test_a_match_closed_by_a_revision_is_reopened_by_the_next(portal: Portal) -> None:
    focal_point(portal, "LAO", "vong@nra.example")
    focal_point(portal, "NOR", "ingrid@mfa.example")
    publish(portal, "vong@nra.example", LAO_NEED, NOW)
    publish(portal, "ingrid@mfa.example", NOR_OFFER, NOW)
    with transaction(portal.sessions) as session:
        need = by_public_id(session, "N-2026-0001")
        assert need is not None
        areas = need.areas
        need.areas = ["art5.rehabilitation"]
        assert refresh(session, need, LATER, keep=25) == (0, 1)
        assert [m.status for m in matches_of(session, need, status=None)] == [CLOSED]
        need.areas = areas
        assert refresh(session, need, LATER + timedelta(hours=1), keep=25) == (1, 0)
        (found,) = matches_of(session, need)
        assert (found.created_at, found.closed_at) == (LATER + timedelta(hours=1), None)
