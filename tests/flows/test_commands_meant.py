"""Commands only where a command was meant, through real SMTP: a filled template is a submission
whatever its subject, a reply's subject is no command, a secretariat word from anyone else is
read as content, and an organisation's need without a country is asked for it."""

from __future__ import annotations

from sqlalchemy import select

from store.outbox import OutboxItem
from store.records import Record, list_records
from tests.flows.test_conversation import new_mail
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import RunningPortal, email, reply

NPA_NEED = LAO_NEED.replace("Type: need", "Type: need\nCountry:")


def kinds(people: RunningPortal) -> list[str]:
    with people.portal.sessions() as session:
        return list(session.scalars(select(OutboxItem.kind).order_by(OutboxItem.id)))


def test_a_filled_template_is_a_submission_whatever_its_subject(people: RunningPortal) -> None:
    people.send(email("vong@nra.example", "HELP", LAO_NEED))
    people.send(email("vong@nra.example", "RE: Cooperation Portal - template", LAO_NEED))
    people.send(email("vong@nra.example", "Liste des besoins", LAO_NEED))
    receipts = new_mail(people, 0, 6)[::2]  # each receipt, then the secretariat's notice
    assert [m["Subject"][:21] for m in receipts] == [
        "Received: N-2026-0001",
        "Received: N-2026-0002",
        "Received: N-2026-0003",
    ]
    with people.portal.sessions() as session:
        assert [r.kind for r in list_records(session)] == ["need", "need", "need"]


def test_a_replys_subject_is_no_command(people: RunningPortal) -> None:
    people.send(email("vong@nra.example", "RE: LIST", "Thanks for your message."))
    people.send(email("vong@nra.example", "LIST", ""))
    first, second = new_mail(people, 0, 2)
    assert not first["Subject"].startswith("Your records")
    assert second["Subject"] == "Your records: 0"
    first_kind, second_kind = kinds(people)
    assert (first_kind != "list", second_kind) == (True, "list")


def test_a_secretariat_word_from_a_focal_point_is_read_as_content(people: RunningPortal) -> None:
    people.send(email("vong@nra.example", "CONFIRM", LAO_NEED))
    receipt, _ = new_mail(people, 0, 2)
    assert receipt["Subject"].startswith("Received: N-2026-0001")
    people.send(email("vong@nra.example", "CONFIRM N-2026-0001", "Please publish it."))
    (answer,) = new_mail(people, 2, 1)
    assert "published" not in answer["Subject"].lower()
    with people.portal.sessions() as session:
        (only,) = session.scalars(select(Record)).all()
        assert only.status == "pending"


def test_an_organisations_need_without_a_country_is_asked_for_it(people: RunningPortal) -> None:
    people.send(email("kari@npaid.example", "NEED", NPA_NEED))
    (asked,) = new_mail(people, 0, 1)
    assert asked["Subject"] == "Please correct your need: 1 problem found"
    problems = [line for line in asked.get_content().splitlines() if line.startswith("- ")]
    assert problems == ["- Country: this field is required."]
    people.send(email("kari@npaid.example", "NEED", NPA_NEED.replace("Country:", "Country: Laos")))
    receipt, _ = new_mail(people, 1, 2)
    assert receipt["Subject"].startswith("Received: N-2026-0001")
    with people.portal.sessions() as session:
        (only,) = session.scalars(select(Record)).all()
        assert (only.actor.code, only.countries) == ("NPA", ["LAO"])


def test_answering_the_question_alone_completes_the_need(people: RunningPortal) -> None:
    """Asked for the country, the focal point replies with the country and nothing else."""
    people.send(email("kari@npaid.example", "NEED", NPA_NEED))
    (asked,) = new_mail(people, 0, 1)
    answer, rcpt = reply(asked, "kari@npaid.example", "Country: Lao PDR\n\nBest regards,\nKari")
    people.send(answer, recipients=rcpt)
    receipt, _ = new_mail(people, 1, 2)
    assert receipt["Subject"].startswith("Received: N-2026-0001")
    with people.portal.sessions() as session:
        (only,) = session.scalars(select(Record)).all()
        assert (only.kind, only.actor.code, only.countries, only.title) == (
            "need",
            "NPA",
            ["LAO"],
            "Technical survey teams for two districts of Savannakhet",
        )
        assert only.amount == 250000 and only.areas == [
            "art4.survey.technical",
            "art4.clearance",
        ]
    answer, rcpt = reply(asked, "kari@npaid.example", "Country: Lao PDR")  # the same, again
    people.send(answer, recipients=rcpt)
    people.settled()
    with people.portal.sessions() as session:
        assert len(session.scalars(select(Record)).all()) == 1
