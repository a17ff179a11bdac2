"""Actors are found by code, by name in English, French or Spanish, and by alias."""

import pytest

from bot.app import Portal
from store.actors import find_actor


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("LAO", "LAO"),
        ("lao", "LAO"),
        ("Lao PDR", "LAO"),
        ("Liban", "LBN"),
        ("líbano", "LBN"),
        ("NORWAY", "NOR"),
        ("Norvège", "NOR"),
        ("norvege", "NOR"),
        ("gichd", "GICHD"),
        ("Norwegian People's Aid", "NPA"),
        ("UNMAS", "UNMAS"),
    ],
)
def test_find_actor(portal: Portal, typed: str, code: str) -> None:
    with portal.sessions() as session:
        actor = find_actor(session, typed)
        assert actor is not None and actor.code == code


def test_unknown_names_find_nothing(portal: Portal) -> None:
    with portal.sessions() as session:
        assert find_actor(session, "Atlantis") is None
        assert find_actor(session, "  ") is None


def test_lithuania_is_no_longer_a_state_party(portal: Portal) -> None:
    with portal.sessions() as session:
        lithuania = find_actor(session, "Lithuania")
        assert lithuania is not None and lithuania.type == "observer_state"
