"""Whatever another state's focal point sends, a state's records stay as they are (hypothesis).

Drives the handling layer directly: each message is kept in the inbox and handled in one
transaction, as the processor does, without SMTP.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot import tokens
from bot.app import Portal
from bot.records.create import to_json
from store.audit import AuditEntry
from store.base import utcnow
from store.records import Record
from store.registrations import RegistrationRequest
from tests.security.conftest import deliver, message

A, B, NGO, ISU = "vong@nra.example", "rana@lmac.example", "kari@npaid.example", "isu@ccm.example"
STRANGER = "someone@nowhere.example"

B_NEED = """Type: need
Title: Risk education in the South
Areas: risk education
Assistance: training, equipment
Description: Sessions in schools of the South.
"""
B_OFFER = """Type: offer
Title: Victim assistance training by Lebanese experts
Country: any
Areas: victim assistance
Assistance: training
Description: Two-week courses for physiotherapists.
"""
NGO_FOR_B = """Type: need
Title: Clearance of cluster munition remnants near Nabatieh
On behalf of: Lebanon
Areas: clearance
Assistance: financial
Description: Three clearance teams for a year.
"""
HIJACK = "Title: Hijacked\nAmount: 1 USD\nDescription: Changed by someone else."
PROPERTY = hypothesis_settings(
    max_examples=40,
    deadline=None,
    database=None,  # no .hypothesis folder in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(people: Portal) -> dict[str, Any]:
    """Lebanon's records in every state, an NGO's need on its behalf, and a pending request.

    N-2026-0001 pending · N-2026-0002 published with a pending change · N-2026-0003 withdrawn ·
    O-2026-0001 published · N-2026-0004 NPA's, awaiting Lebanon's endorsement · R-1 pending.
    """
    assert deliver(people, message(B, "NEED", B_NEED)).outcome == "need N-2026-0001 created"
    assert deliver(people, message(B, "NEED", B_NEED)).outcome == "need N-2026-0002 created"
    assert deliver(people, message(B, "NEED", B_NEED)).outcome == "need N-2026-0003 created"
    assert deliver(people, message(B, "OFFER", B_OFFER)).outcome == "offer O-2026-0001 created"
    for public_id in ("N-2026-0002", "N-2026-0003", "O-2026-0001"):
        assert deliver(people, message(ISU, f"CONFIRM {public_id}")).outcome.startswith("confirm")
    deliver(people, message(B, "UPDATE N-2026-0002", "Amount: 40000 USD"))
    deliver(people, message(B, "WITHDRAW N-2026-0003"))
    assert deliver(people, message(NGO, "NEED", NGO_FOR_B)).outcome.startswith("need N-2026-0004")
    deliver(people, message(STRANGER, "REGISTER", "Name: Nobody\nActor: Lebanon"))
    with people.sessions() as session:
        ids = {r.public_id: r.id for r in session.scalars(select(Record))}
    assert snapshot_of_b(people)["statuses"] == {
        "N-2026-0001": "pending",
        "N-2026-0002": "published",
        "N-2026-0003": "withdrawn",
        "O-2026-0001": "published",
        "N-2026-0004": "awaiting_endorsement",
    }
    return {"portal": people, "ids": ids}


def snapshot_of_b(portal: Portal) -> dict[str, Any]:
    """Everything that would show a change to a record of Lebanon (or made on its behalf)."""
    with portal.sessions() as session:
        found = [
            r
            for r in session.scalars(select(Record).order_by(Record.id))
            if r.actor.code == "LBN" or (r.on_behalf_of and r.on_behalf_of.code == "LBN")
        ]
        audit = dict(
            session.execute(
                select(AuditEntry.record_id, func.count())
                .where(AuditEntry.record_id.in_([r.id for r in found]))
                .group_by(AuditEntry.record_id)
            ).all()
        )
        return {
            "statuses": {r.public_id: r.status for r in found},
            "records": [
                (
                    r.public_id,
                    r.actor.code,
                    to_json(r.content()),
                    r.updated_at,
                    r.published_at,
                    r.renewed_at,
                    [(v.number, v.status, v.content, v.decided_at, v.reason) for v in r.revisions],
                    audit.get(r.id, 0),
                )
                for r in found
            ],
        }


def snapshot_of_everything(portal: Portal) -> dict[str, Any]:
    with portal.sessions() as session:
        return {
            "records": [
                (r.public_id, r.status, [(v.number, v.status) for v in r.revisions])
                for r in session.scalars(select(Record).order_by(Record.id))
            ],
            "requests": [
                (q.id, q.status, q.decided_by)
                for q in session.scalars(
                    select(RegistrationRequest).order_by(RegistrationRequest.id)
                )
            ],
            "audit": session.scalar(select(func.count()).select_from(AuditEntry)),
        }


B_IDS = ("N-2026-0001", "N-2026-0002", "N-2026-0003", "O-2026-0001", "N-2026-0004")
VERBS = (
    "UPDATE",
    "WITHDRAW",
    "FULFILLED",
    "RENEW",
    "CONFIRM",
    "REJECT",
    "ENDORSE",
    "DECLINE",
    "RETIRER",
    "RENOVAR",
    "APPUYER",
)
TEMPLATES = (
    B_NEED.replace("Type: need", "Type: need\nActor: LBN"),
    B_NEED.replace("Type: need", "Type: need\nCountry: Lebanon"),
    B_OFFER.replace("Type: offer", "Type: offer\nActor: Liban"),
    NGO_FOR_B,
    "Record: N-2026-0001\n" + HIJACK,
)


@st.composite
def command(draw: st.DrawFn) -> dict[str, Any]:
    """One message from state A's focal point aimed at state B's records."""
    public_id = draw(st.sampled_from(B_IDS))
    if draw(st.booleans()):
        public_id = public_id.lower()
    verb = draw(st.sampled_from(VERBS))
    rest = draw(st.sampled_from(["", " reason: mine now", "\n" + HIJACK]))
    line = f"{verb} {public_id}{rest}"
    where = draw(st.sampled_from(["subject", "body", "template", "reply"]))
    if where == "template":
        return {
            "subject": draw(st.sampled_from(["NEED", "OFFER", ""])),
            "body": draw(st.sampled_from(TEMPLATES)),
            "token": None,
        }
    if where == "reply":  # a reply to a mail about B's record that reached A (SHOW) or B
        owner = draw(st.sampled_from([A, B]))
        body = draw(st.sampled_from([verb, HIJACK, f"{verb}\n{HIJACK}", "NO CHANGE"]))
        return {
            "subject": "Re: " + public_id.upper(),
            "body": body,
            "token": (public_id.upper(), owner),
        }
    first, _, more = line.partition("\n")
    subject, body = (first, more) if where == "subject" else ("", line)
    return {"subject": draw(st.sampled_from(["", "Re: "])) + subject, "body": body, "token": None}


def send(world: dict[str, Any], sender: str, cmd: dict[str, Any]) -> str:
    portal: Portal = world["portal"]
    to, recipients = "submit@portal.test", None
    if cmd["token"] is not None:
        public_id, owner = cmd["token"]
        record_id = world["ids"][public_id]
        to = tokens.reply_address(
            b"test-secret-key", "portal.test", "r", record_id, owner, utcnow()
        )
        recipients = [to]
    return deliver(
        portal, message(sender, cmd["subject"], cmd["body"], to=to), recipients=recipients
    ).outcome


def test_another_states_focal_point_changes_nothing_of_ours(world: dict[str, Any]) -> None:
    portal = world["portal"]

    @PROPERTY
    @given(st.lists(command(), min_size=1, max_size=4))
    def property_(commands: list[dict[str, Any]]) -> None:
        before = snapshot_of_b(portal)
        outcomes = [send(world, A, cmd) for cmd in commands]
        assert snapshot_of_b(portal) == before, outcomes

    property_()


SECRETARIAT_ONLY = st.one_of(
    st.builds("CONFIRM {}".format, st.sampled_from(B_IDS)),
    st.builds("CONFIRM {} {}".format, st.sampled_from(B_IDS), st.sampled_from(B_IDS)),
    st.builds("REJECT {} not good".format, st.sampled_from(B_IDS)),
    st.just("APPROVE R-1 LBN"),
    st.just("APPROVE R-1"),
    st.just("DECLINE R-1 no"),
    st.just("PENDING"),
    st.just("CALL STATUS 1"),
    st.just("CONFIRMER N-2026-0001"),
    st.just("RECHAZAR N-2026-0001 no"),
)


def test_secretariat_commands_from_anyone_else_change_nothing(world: dict[str, Any]) -> None:
    portal = world["portal"]

    @PROPERTY
    @given(
        st.lists(
            st.tuples(
                st.sampled_from([A, B, NGO, STRANGER]),
                SECRETARIAT_ONLY,
                st.sampled_from(["subject", "body"]),
            ),
            min_size=1,
            max_size=4,
        )
    )
    def property_(attempts: list[tuple[str, str, str]]) -> None:
        before = snapshot_of_everything(portal)
        for sender, line, where in attempts:
            subject, body = (line, "") if where == "subject" else ("", line)
            deliver(portal, message(sender, subject, body))
        assert snapshot_of_everything(portal) == before

    property_()


def test_the_snapshots_do_see_the_owners_and_the_secretariats_changes(
    world: dict[str, Any],
) -> None:
    """The properties above would notice a change: the same words from the right people act."""
    portal = world["portal"]
    before = snapshot_of_b(portal), snapshot_of_everything(portal)
    withdrawn = deliver(portal, message(B, "WITHDRAW N-2026-0001"))
    assert withdrawn.outcome == "N-2026-0001 withdrawn"
    assert snapshot_of_b(portal)["statuses"]["N-2026-0001"] == "withdrawn"
    confirmed = deliver(portal, message(ISU, "APPROVE R-1 LBN"))
    assert confirmed.outcome.startswith("approve R-1")
    after = snapshot_of_b(portal), snapshot_of_everything(portal)
    assert after[0] != before[0] and after[1]["requests"] != before[1]["requests"]
