"""End to end through the real SMTP server: a prose message gets a draft, "OK" makes the record."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage

from sqlalchemy import select

from store.inbox import InboxItem
from store.records import Record, list_records
from tests.harness import RunningPortal, email, reply

LAO_PROSE = """\
Good morning,

We need help with the technical survey of two districts in Attapeu next year: about
USD 180,000 for three teams, vehicles included. The villages there keep finding bomblets
in their fields.

Best regards,
Somphone
"""

NEXT_YEAR = date.today().year + 1


def records(running: RunningPortal) -> list[Record]:
    with running.portal.sessions() as session:
        found = list_records(session)
        session.expunge_all()
        return found


def test_a_prose_message_gets_a_draft_and_ok_makes_the_record(people: RunningPortal) -> None:
    people.send(email("Vong Saysana <vong@nra.example>", "Survey in Attapeu", LAO_PROSE))
    (draft,) = people.mail(1)
    assert draft["Subject"] == "Please check this draft (need): Survey in Attapeu"
    body = draft.get_content().splitlines()
    for line in (
        "Type: need",
        "Title: Survey in Attapeu",
        "Country: Laos",
        "Areas: technical survey",
        "Assistance: financial, equipment",
        "Amount: 180,000 USD",
        f"Period: {NEXT_YEAR}",
        "We need help with the technical survey of two districts in Attapeu next year: about",
    ):
        assert line in body, line
    assert "Best regards," not in body and "Somphone" not in body
    assert not any(line.startswith("Please fill in") for line in body)
    assert records(people) == []

    answer(people, draft, "vong@nra.example", "OK, thanks!")
    receipt, to_secretariat = people.mail(3)[1:]
    assert receipt["Subject"] == "Received: N-2026-0001 Survey in Attapeu"
    assert to_secretariat["To"] == "isu@ccm.example"
    (record,) = records(people)
    assert (record.public_id, record.kind, record.status, record.title) == (
        "N-2026-0001",
        "need",
        "pending",
        "Survey in Attapeu",
    )
    assert (record.countries, record.areas) == (["LAO"], ["art4.survey.technical"])
    assert record.assistance == ["financial", "material_equipment"]
    assert (record.amount, record.currency) == (180000, "USD")
    assert (record.period_start, record.period_end) == (
        date(NEXT_YEAR, 1, 1),
        date(NEXT_YEAR, 12, 31),
    )
    assert record.description is not None
    assert record.description.startswith("We need help with the technical survey")
    assert record.description.endswith("in their fields.")


def test_a_second_ok_to_the_same_draft_makes_nothing(people: RunningPortal) -> None:
    people.send(email("vong@nra.example", "Survey in Attapeu", LAO_PROSE))
    (draft,) = people.mail(1)
    answer(people, draft, "vong@nra.example", "yes")
    people.mail(3)
    answer(people, draft, "vong@nra.example", "OK")
    already = people.mail(4)[3]
    assert already["Subject"] == "Already submitted: N-2026-0001 Survey in Attapeu"
    assert "it is N-2026-0001" in already.get_content()
    assert [r.public_id for r in records(people)] == ["N-2026-0001"]


def test_a_corrected_template_in_reply_to_the_draft_makes_the_corrected_record(
    people: RunningPortal,
) -> None:
    people.send(email("vong@nra.example", "Survey in Attapeu", LAO_PROSE))
    (draft,) = people.mail(1)
    corrected = """\
Type: need
Title: Technical survey in Attapeu
Areas: technical survey
Assistance: financial
Amount: 200,000 USD
Period: 2027-03 to 2027-12
Description:
Three technical survey teams for two districts of Attapeu.
"""
    answer(people, draft, "vong@nra.example", corrected)
    receipt = people.mail(3)[1]
    assert receipt["Subject"] == "Received: N-2026-0001 Technical survey in Attapeu"
    (record,) = records(people)
    assert (record.title, record.assistance, record.amount) == (
        "Technical survey in Attapeu",
        ["financial"],
        200000,
    )
    assert (record.period_start, record.period_end) == (date(2027, 3, 1), date(2027, 12, 31))
    assert record.description == "Three technical survey teams for two districts of Attapeu."

    answer(people, draft, "vong@nra.example", "OK")  # the draft was replaced: nothing new
    assert people.mail(4)[3]["Subject"].startswith("Already submitted: N-2026-0001")
    assert len(records(people)) == 1


def test_a_french_draft_for_need_over_prose(people: RunningPortal) -> None:
    prose = (
        "Bonjour,\n\nLe Liban aurait besoin d'un appui pour le marquage et la dépollution au sud "
        "de Tyr, environ 400 000 dollars, de 2027 à 2028.\n\nCordialement\nRana\n"
    )
    people.send(email("rana@lmac.example", "BESOIN", prose))
    (draft,) = people.mail(1)
    assert draft["Subject"] == (
        "Brouillon à vérifier (besoin) : Le Liban aurait besoin d'un appui pour le marquage et "
        "la dépollution…"
    )
    body = draft.get_content().splitlines()
    for line in (
        "Type : besoin",
        "Pays : Liban",
        "Domaines : marquage et clôture, dépollution",
        "Montant : 400\u202f000 USD",
        "Période : 2027-01 au 2028-12",
    ):
        assert line in body, line
    answer(people, draft, "rana@lmac.example", "Oui, je confirme.")
    receipt = people.mail(3)[1]
    assert receipt["Subject"].startswith("Accusé de réception : N-2026-0001 ")
    (record,) = records(people)
    assert (record.countries, record.amount, record.currency) == (["LBN"], 400000, "USD")


def test_prose_without_a_need_or_an_offer_still_gets_help(people: RunningPortal) -> None:
    people.send(email("vong@nra.example", "Hello", "Hello, how does this portal work?\n"))
    (help_mail,) = people.mail(1)
    assert "draft" not in help_mail["Subject"]
    with people.portal.sessions() as session:
        item = session.scalars(select(InboxItem)).one()
        assert item.outcome == "help sent" and "draft" not in item.meta


def test_an_unregistered_senders_prose_gets_its_draft_and_no_record(people: RunningPortal) -> None:
    """Its draft, with how to register (tests/flows/test_unregistered_draft.py): no record."""
    people.send(email("stranger@elsewhere.example", "Survey in Attapeu", LAO_PROSE))
    (draft,) = people.mail(1)
    assert draft["Subject"] == "Please check this draft (need): Survey in Attapeu"
    assert "Your address, stranger@elsewhere.example, is not registered yet" in draft.get_content()
    with people.portal.sessions() as session:
        item = session.scalars(select(InboxItem)).one()
        assert item.outcome == "draft sent (need) to be registered"
        assert item.meta["draft"]["for"] == "stranger@elsewhere.example"
    assert records(people) == []


def answer(running: RunningPortal, mail: EmailMessage, sender: str, body: str) -> None:
    """Reply to one of the portal's mails as a mail client does, the mail quoted below."""
    message, recipients = reply(mail, sender, body)
    running.send(message, recipients=recipients)
