"""The commands and the secretariat's decisions through the in-memory channel twin: the same
pipeline as email and Telegram (processor, outbox, delivery), no server, no network."""

from __future__ import annotations

import pytest

from bot.app import Portal
from bot.channels.memory import MemoryChannel, Said
from store.inbox import InboxItem
from store.records import Record, by_public_id, list_records
from tests.factories import register_people
from tests.flows.test_need_by_email import LAO_NEED, NPA_OFFER

TITLE = "Technical survey teams for two districts of Savannakhet"


@pytest.fixture
def twin(portal: Portal) -> MemoryChannel:
    """Focal points of Lao PDR, Lebanon and NPA, the secretariat, and the twin they write to."""
    register_people(portal)
    return MemoryChannel(portal.sessions, portal.settings)


def exchange(twin: MemoryChannel, sender: str, subject: str, text: str = "") -> list[Said]:
    twin.say(sender, subject, text)
    return twin.settle()


def submitted(twin: MemoryChannel, *, publish: bool = False) -> Said:
    """Lao PDR's need, received (and published by the secretariat); returns the receipt."""
    receipt, to_secretariat = exchange(twin, "vong@nra.example", "NEED", LAO_NEED)
    assert (receipt.channel, receipt.recipient, receipt.subject) == (
        "memory",
        "vong@nra.example",
        f"Received: N-2026-0001 {TITLE}",
    )
    assert (to_secretariat.channel, to_secretariat.recipient) == ("email", "isu@ccm.example")
    if publish:
        exchange(twin, "isu@ccm.example", "CONFIRM N-2026-0001")
    return receipt


def record(portal: Portal, public_id: str = "N-2026-0001") -> Record:
    with portal.sessions() as session:
        found = by_public_id(session, public_id)
        assert found is not None
        assert found.actor  # loaded before the session ends
        return found


def test_an_offer_from_an_ngo_focal_point(twin: MemoryChannel) -> None:
    receipt, _ = exchange(twin, "kari@npaid.example", "Offer: survey teams", NPA_OFFER)
    assert receipt.subject == (
        "Received: O-2026-0001 Deployable technical survey teams for South-eastern Asia"
    )
    body = receipt.body.splitlines()
    assert "Type: offer" in body
    assert "Country: South-eastern Asia" in body
    assert "Amount: 1,200,000 EUR" in body
    assert "Assistance: technical expertise, training" in body


def test_four_mistakes_are_named_in_one_reply(twin: MemoryChannel, portal: Portal) -> None:
    message = LAO_NEED.replace(f"Title: {TITLE}\n", "").replace(
        "technical survey, clearance", "gardening"
    )
    message = message.replace("250k USD", "lots of money").replace("2027-01 to 2027-12", "soon")
    (reply,) = exchange(twin, "vong@nra.example", "NEED", message)
    assert reply.subject == "Please correct your need: 4 problems found"
    problems = [line for line in reply.body.splitlines() if line.startswith("- ")]
    assert [p.split(":")[0] for p in problems] == ["- Title", "- Areas", "- Amount", "- Period"]
    assert '- Areas: we do not know "gardening".' in reply.body
    assert "Amount: lots of money" in reply.body.splitlines()  # the template, re-filled
    with portal.sessions() as session:
        assert list_records(session) == []


def test_the_secretariat_confirms(twin: MemoryChannel) -> None:
    submitted(twin)
    answers = exchange(twin, "isu@ccm.example", "CONFIRM N-2026-0001 N-2026-0099", "Thanks")
    assert sorted((a.recipient, a.subject) for a in answers) == [
        ("isu@ccm.example", "Confirmed: N-2026-0001, N-2026-0099"),
        ("vong@nra.example", f"Published: N-2026-0001 {TITLE}"),
    ]
    (result,) = [a for a in answers if a.recipient == "isu@ccm.example"]
    assert "- N-2026-0001: published; its focal points have been told." in result.body
    assert "- N-2026-0099: no such record." in result.body


def test_a_focal_point_cannot_confirm(twin: MemoryChannel, portal: Portal) -> None:
    submitted(twin)
    (answer,) = exchange(twin, "vong@nra.example", "CONFIRM N-2026-0001")
    assert answer.subject == "How to use the Cooperation Portal"
    assert record(portal).status == "pending"


def test_the_secretariat_rejects_with_a_reason(twin: MemoryChannel, portal: Portal) -> None:
    submitted(twin)
    reason = "The amount seems to be per district; please say.\n\n-- \nISU"
    answers = exchange(twin, "isu@ccm.example", "REJECT N-2026-0001", reason)
    (rejected,) = [a for a in answers if a.recipient == "vong@nra.example"]
    assert rejected.subject.startswith("Not published: N-2026-0001")
    assert "    The amount seems to be per district; please say." in rejected.body
    assert record(portal).status == "rejected"


def test_an_unregistered_sender_is_told_how_to_register(
    twin: MemoryChannel, portal: Portal
) -> None:
    (reply,) = exchange(twin, "stranger@elsewhere.example", "NEED", LAO_NEED)
    assert (reply.recipient, reply.subject) == (
        "stranger@elsewhere.example",
        "Your address is not registered with the Cooperation Portal",
    )
    with portal.sessions() as session:
        item = session.query(InboxItem).one()
        assert item.outcome == "unregistered sender: kept for the secretariat"
        assert list_records(session) == []


def test_help_returns_the_blank_templates(twin: MemoryChannel) -> None:
    (reply,) = exchange(twin, "someone@elsewhere.example", "help")
    assert reply.subject == "How to use the Cooperation Portal"
    assert reply.body.count("Title: \n") == 2
    assert "Type: need" in reply.body and "Type: offer" in reply.body
    assert "CONFIRM" not in reply.body  # secretariat commands are not shown to others


def test_another_states_record_looks_like_no_record_at_all(
    twin: MemoryChannel, portal: Portal
) -> None:
    submitted(twin, publish=True)
    (theirs,) = exchange(twin, "rana@lmac.example", "WITHDRAW N-2026-0001")
    (missing,) = exchange(twin, "rana@lmac.example", "WITHDRAW N-2026-0042")
    assert exchange(twin, "rana@lmac.example", "UPDATE N-2026-0001", "Amount: 1 USD") == []
    assert theirs.subject.replace("0001", "0042") == missing.subject
    assert theirs.body.replace("0001", "0042") == missing.body
    live = record(portal)
    assert (live.status, live.amount) == ("published", 250000)


def test_withdraw_fulfilled_and_renew(twin: MemoryChannel, portal: Portal) -> None:
    submitted(twin, publish=True)
    before = record(portal).renewed_at
    (renewed,) = exchange(twin, "vong@nra.example", "RENEW N-2026-0001")
    assert renewed.subject.startswith("Renewed: N-2026-0001")
    assert record(portal).renewed_at > before  # type: ignore[operator]
    (fulfilled,) = exchange(twin, "vong@nra.example", "FULFILLED N-2026-0001 funded by Norway")
    assert 'Your note: "funded by Norway".' in fulfilled.body
    assert record(portal).status == "fulfilled"
    (refused,) = exchange(twin, "vong@nra.example", "WITHDRAW N-2026-0001")
    assert refused.subject == "N-2026-0001 cannot be withdrawn now"
    assert record(portal).status == "fulfilled"


def test_list_shows_my_records_only(twin: MemoryChannel) -> None:
    submitted(twin)
    exchange(twin, "rana@lmac.example", "NEED", LAO_NEED)  # Lebanon's own need
    (listing,) = exchange(twin, "vong@nra.example", "LIST")
    assert listing.subject == "Your records: 1"
    assert f"  N-2026-0001  pending  {TITLE}" in listing.body.splitlines()
    assert "N-2026-0002" not in listing.body


def test_the_same_message_twice_in_a_day_is_answered_once(twin: MemoryChannel) -> None:
    broken = LAO_NEED.replace("250k USD", "lots")
    (first,) = exchange(twin, "vong@nra.example", "NEED", broken)
    assert exchange(twin, "vong@nra.example", "NEED", broken) == []
    assert exchange(twin, "vong@nra.example", "Need", broken.replace("\n", " \n")) == []
    (again,) = exchange(twin, "vong@nra.example", "NEED", broken + "\n(again)")
    (second,) = exchange(
        twin, "vong@nra.example", "NEED", broken.replace("2027-01 to 2027-12", "soon")
    )
    assert (first.subject, again.subject, second.subject) == (
        "Please correct your need: 1 problem found",
        "Please correct your need: 1 problem found",  # the same mistake, another message
        "Please correct your need: 2 problems found",
    )
