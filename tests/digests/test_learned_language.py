"""A focal point registered without a language gets digests in English until it is known, then in
theirs: a digest answers nothing they wrote."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import Portal
from bot.people import registry
from digests.gather import recipients
from store.db import transaction
from store.people import person_by_email
from tests.factories import focal_point

NOW = datetime(2026, 11, 30, 6, tzinfo=UTC)


def test_the_digest_language_follows_the_language_learned(portal: Portal) -> None:
    focal_point(portal, "LAO", "vong@nra.example", language=None)
    focal_point(portal, "LBN", "rana@lmac.example", language="fr")
    with portal.sessions() as session:
        languages = {r.address: r.language for r in recipients(session, "2026-W48", NOW)}
    assert languages == {"vong@nra.example": "en", "rana@lmac.example": "fr"}
    with transaction(portal.sessions) as session:
        person = person_by_email(session, "vong@nra.example")
        assert person is not None and registry.learn_language(person, "es")
        assert not registry.learn_language(person, "fr")  # once known, it stays
    with portal.sessions() as session:
        languages = {r.address: r.language for r in recipients(session, "2026-W48", NOW)}
    assert languages == {"vong@nra.example": "es", "rana@lmac.example": "fr"}
