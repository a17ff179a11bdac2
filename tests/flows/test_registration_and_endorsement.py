"""REGISTER → APPROVE, and a need sent on behalf of a state → ENDORSE → the secretariat."""

from __future__ import annotations

from store.people import person_by_email
from store.records import by_public_id
from store.registrations import RegistrationRequest
from tests.flows.test_conversation import new_mail
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import RunningPortal, email, reply


def test_register_then_the_secretariat_approves_by_replying(people: RunningPortal) -> None:
    people.send(
        email(
            "ana.perez@cancilleria.example",
            "REGISTER",
            "Name: Ana Pérez\nCountry: Colombia\nLanguage: español\n\n"
            "I am the new focal point of Colombia.",
        )
    )
    received, to_secretariat = new_mail(people, 0, 2)
    assert received["To"] == "ana.perez@cancilleria.example"
    assert to_secretariat["Subject"] == (
        "Registration request R-1 from ana.perez@cancilleria.example"
    )
    assert "Actor: COL (Colombia)" in to_secretariat.get_content().splitlines()
    with people.portal.sessions() as session:
        (request,) = session.query(RegistrationRequest).all()
        assert (request.language, request.status, request.actor.code) == ("es", "pending", "COL")

    message, rcpt = reply(to_secretariat, "isu@ccm.example", "APPROVE")
    people.send(message, recipients=rcpt)
    welcome, result = new_mail(people, 2, 2)
    assert welcome["To"] == "ana.perez@cancilleria.example"
    assert result["Subject"] == "Approved: R-1"
    with people.portal.sessions() as session:
        ana = person_by_email(session, "ana.perez@cancilleria.example")
        assert ana is not None
        assert ([a.code for a in ana.actors], ana.language, ana.name) == (
            ["COL"],
            "es",
            "Ana Pérez",
        )


def test_asking_twice_keeps_one_request(people: RunningPortal) -> None:
    for _ in range(2):
        people.send(email("new@ministry.example", "REGISTER", "Name: N. Ew\nActor: Chile"))
    people.settled()
    with people.portal.sessions() as session:
        assert session.query(RegistrationRequest).count() == 1
    assert [m["Subject"] for m in people.mail(3)] == [
        "Received: your request to be registered (R-1)",
        "Registration request R-1 from new@ministry.example",
        "Still waiting: your request to be registered (R-1)",
    ]


def test_an_ngo_need_on_behalf_of_a_state_waits_for_its_endorsement(
    people: RunningPortal,
) -> None:
    need = "On behalf of: Lao PDR\n" + LAO_NEED
    people.send(email("kari@npaid.example", "NEED", need))
    receipt, to_state = new_mail(people, 0, 2)
    assert to_state["To"] == "vong@nra.example"
    assert to_state["Subject"] == (
        "Please endorse or decline: N-2026-0001 Technical survey "
        "teams for two districts of Savannakhet"
    )
    assert "its focal points have been asked to endorse it" in receipt.get_content()
    with people.portal.sessions() as session:
        record = by_public_id(session, "N-2026-0001")
        assert record is not None
        assert (record.status, record.actor.code, record.on_behalf_of.code, record.countries) == (  # type: ignore[union-attr]
            "awaiting_endorsement",
            "NPA",
            "LAO",
            ["LAO"],
        )

    people.send(email("isu@ccm.example", "PENDING", ""))
    (pending,) = new_mail(people, 2, 1)
    assert "Nothing waits." in pending.get_content()

    message, rcpt = reply(to_state, "vong@nra.example", "ENDORSE")
    people.send(message, recipients=rcpt)
    mails = new_mail(people, 3, 3)
    assert sorted((m["To"], m["Subject"].split(":")[0]) for m in mails) == [
        ("isu@ccm.example", "New need to check"),
        ("kari@npaid.example", "Endorsed by Lao People's Democratic Republic"),
        ("vong@nra.example", "Endorsed"),
    ]
    with people.portal.sessions() as session:
        assert by_public_id(session, "N-2026-0001").status == "pending"  # type: ignore[union-attr]


def test_only_the_states_focal_points_can_endorse(people: RunningPortal) -> None:
    people.send(email("kari@npaid.example", "NEED", "On behalf of: Lao PDR\n" + LAO_NEED))
    new_mail(people, 0, 2)
    people.send(email("rana@lmac.example", "ENDORSE N-2026-0001", ""))
    (answer,) = new_mail(people, 2, 1)
    assert answer["To"] == "rana@lmac.example"
    with people.portal.sessions() as session:
        record = by_public_id(session, "N-2026-0001")
        assert record is not None and record.status == "awaiting_endorsement"
