"""Drafts through the in-memory channel twin: who gets one, and what a draft asks for."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import Portal
from bot.channels.memory import MemoryChannel
from bot.people import registry
from store.db import transaction
from store.inbox import InboxItem
from store.records import list_records
from tests.factories import register_people

PROSE = "We can offer two mine risk education trainers to Chad in 2027, EUR 80,000 in all.\n"


@pytest.fixture
def twin(portal: Portal) -> MemoryChannel:
    register_people(portal)
    return MemoryChannel(portal.sessions, portal.settings)


def test_a_focal_point_of_two_actors_is_asked_which_one(
    twin: MemoryChannel, portal: Portal
) -> None:
    with transaction(portal.sessions) as session:
        registry.add_focal_point(session, actor_name="NOR", email="kari@npaid.example")
    twin.say("kari@npaid.example", "Trainers for Chad", PROSE)
    (draft,) = twin.settle()
    assert draft.subject == "Please check this draft (offer): Trainers for Chad"
    body = draft.body.splitlines()
    assert "Please fill in: Actor (we could not tell it from your message)." in body
    assert body.index("Actor: ") + 1 == body.index("Type: offer")
    for line in ("Country: Chad", "Areas: risk education", "Amount: 80,000 EUR", "Period: 2027"):
        assert line in body, line
    with portal.sessions() as session:
        item = session.scalars(select(InboxItem)).one()
        assert item.meta["draft"]["fields"]["actor"] == ""
        assert item.meta["draft"]["language"] == "en"


def test_the_secretariat_speaks_for_no_actor_and_gets_help(
    twin: MemoryChannel, portal: Portal
) -> None:
    twin.say("isu@ccm.example", "Trainers for Chad", PROSE)
    (answer,) = twin.settle()
    assert not answer.subject.startswith("Please check this draft")
    with portal.sessions() as session:
        assert session.scalars(select(InboxItem.outcome)).one() == "help sent"
        assert list_records(session) == []


def test_ok_that_answers_no_draft_is_not_a_confirmation(
    twin: MemoryChannel, portal: Portal
) -> None:
    twin.say("vong@nra.example", "", "OK")
    (answer,) = twin.settle()
    assert not answer.subject.startswith(("Received", "Already submitted"))
    with portal.sessions() as session:
        assert list_records(session) == []
