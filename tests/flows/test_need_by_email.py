"""End to end through the real SMTP server: a need, an offer, mistakes, and the secretariat."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from bot.cli import cli
from store.inbox import InboxItem
from store.records import Record, list_records
from tests.harness import RunningPortal, email

LAO_NEED = """\
Type: need
Title: Technical survey teams for two districts of Savannakhet
Areas: technical survey, clearance
Assistance: financial, equipment
Amount: 250k USD
Period: 2027-01 to 2027-12
Languages: English, Lao
Reference: National Strategic Plan 2021-2030
Description:
Village-level non-technical survey is complete.
We need 6 technical survey teams for 18 months.
"""

NPA_OFFER = """\
Title: Deployable technical survey teams for South-eastern Asia
Country: South-eastern Asia
Areas: technical survey
Assistance: technical expertise, training
Amount: EUR 1.2m
Description:
NPA can deploy accredited survey teams and train national staff.
"""


def run_cli(running: RunningPortal, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    settings = running.portal.settings
    monkeypatch.setenv("PORTAL_HOME", str(settings.home))
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PORTAL_DOMAIN", settings.domain)
    monkeypatch.setenv("PORTAL_SECRET_KEY", settings.secret_key)
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_need_is_received_confirmed_and_published(
    people: RunningPortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    people.send(email("Vong Saysana <vong@nra.example>", "NEED", LAO_NEED))
    receipt, to_secretariat = people.mail(2)

    assert receipt["To"] == "vong@nra.example"
    assert receipt["Subject"] == (
        "Received: N-2026-0001 Technical survey teams for two districts of Savannakhet"
    )
    assert receipt["Auto-Submitted"] == "auto-replied"
    assert receipt["In-Reply-To"] and receipt["References"] == receipt["In-Reply-To"]
    body = receipt.get_content()
    assert "recorded it as N-2026-0001 for Lao People's Democratic Republic" in body
    for line in (
        "Type: need",
        "Title: Technical survey teams for two districts of Savannakhet",
        "Country: Lao People's Democratic Republic",
        "Areas: technical survey, clearance",
        "Amount: 250,000 USD",
        "Period: 2027-01-01 to 2027-12-31",
        "Languages: English, Lao",
        "Reference: National Strategic Plan 2021-2030",
        "We need 6 technical survey teams for 18 months.",
    ):
        assert line in body.splitlines(), line
    assert to_secretariat["To"] == "isu@ccm.example"
    assert to_secretariat["Subject"].startswith("New need to check: N-2026-0001 ")
    assert "CONFIRM N-2026-0001" in to_secretariat.get_content()

    with people.portal.sessions() as session:
        (record,) = list_records(session)
        assert (record.public_id, record.status, record.actor.code) == (
            "N-2026-0001",
            "pending",
            "LAO",
        )
        assert record.countries == ["LAO"]
        assert record.currency == "USD" and record.amount == 250000

    assert run_cli(people, monkeypatch, "confirm", "N-2026-0001") == "N-2026-0001: published\n"
    published = people.mail(3)[2]
    assert published["To"] == "vong@nra.example"
    assert published["Subject"] == (
        "Published: N-2026-0001 Technical survey teams for two districts of Savannakhet"
    )
    with people.portal.sessions() as session:
        record = session.query(Record).one()
        assert record.status == "published" and record.published_at is not None
        assert [r.status for r in record.revisions] == ["published"]
    history = run_cli(people, monkeypatch, "records", "history", "N-2026-0001")
    assert [line.split()[2] for line in history.splitlines() if "Z  " in line] == [
        "created",
        "published",
    ]


def test_an_offer_from_an_ngo_focal_point(people: RunningPortal) -> None:
    people.send(email("kari@npaid.example", "Offer: survey teams", NPA_OFFER))
    receipt, _ = people.mail(2)
    assert receipt["Subject"] == (
        "Received: O-2026-0001 Deployable technical survey teams for South-eastern Asia"
    )
    body = receipt.get_content().splitlines()
    assert "Type: offer" in body
    assert "Country: South-eastern Asia" in body
    assert "Amount: 1,200,000 EUR" in body
    assert "Assistance: technical expertise, training" in body


def test_four_mistakes_are_named_in_one_reply(people: RunningPortal) -> None:
    message = LAO_NEED.replace(
        "Title: Technical survey teams for two districts of Savannakhet\n", ""
    ).replace("technical survey, clearance", "gardening")
    message = message.replace("250k USD", "lots of money").replace("2027-01 to 2027-12", "soon")
    people.send(email("vong@nra.example", "NEED", message))
    (reply,) = people.mail(1)
    people.settled()
    assert len(people.mail(1)) == 1
    assert reply["Subject"] == "Please correct your need: 4 problems found"
    body = reply.get_content()
    problems = [line for line in body.splitlines() if line.startswith("- ")]
    assert [p.split(":")[0] for p in problems] == ["- Title", "- Areas", "- Amount", "- Period"]
    assert '- Areas: we do not know "gardening".' in body
    assert "Amount: lots of money" in body.splitlines()  # the template, re-filled
    with people.portal.sessions() as session:
        assert list_records(session) == []


def test_the_secretariat_confirms_by_email(people: RunningPortal) -> None:
    people.send(email("vong@nra.example", "NEED", LAO_NEED))
    people.mail(2)
    people.send(email("isu@ccm.example", "CONFIRM N-2026-0001 N-2026-0099", "Thanks"))
    mails = people.mail(4)
    subjects = sorted(m["Subject"] for m in mails[2:])
    assert subjects == [
        "Confirmed: N-2026-0001, N-2026-0099",
        "Published: N-2026-0001 Technical survey teams for two districts of Savannakhet",
    ]
    result = next(m for m in mails[2:] if m["To"] == "isu@ccm.example").get_content()
    assert "- N-2026-0001: published; its focal points have been told." in result
    assert "- N-2026-0099: no such record." in result


def test_a_focal_point_cannot_confirm(people: RunningPortal) -> None:
    people.send(email("vong@nra.example", "NEED", LAO_NEED))
    people.mail(2)
    people.send(email("vong@nra.example", "CONFIRM N-2026-0001", ""))
    mails = people.mail(3)
    assert mails[2]["Subject"] == "How to use the Cooperation Portal"
    with people.portal.sessions() as session:
        assert session.query(Record).one().status == "pending"


def test_the_secretariat_rejects_with_a_reason(people: RunningPortal) -> None:
    people.send(email("vong@nra.example", "NEED", LAO_NEED))
    people.mail(2)
    people.send(
        email(
            "isu@ccm.example",
            "REJECT N-2026-0001",
            "The amount seems to be per district; please say.\n\n-- \nISU",
        )
    )
    mails = people.mail(4)
    rejected = next(m for m in mails[2:] if m["To"] == "vong@nra.example")
    assert rejected["Subject"].startswith("Not published: N-2026-0001")
    assert "    The amount seems to be per district; please say." in rejected.get_content()
    with people.portal.sessions() as session:
        assert session.query(Record).one().status == "rejected"


def test_an_unregistered_sender_is_told_how_to_register(people: RunningPortal) -> None:
    people.send(email("stranger@elsewhere.example", "NEED", LAO_NEED))
    (reply,) = people.mail(1)
    assert reply["To"] == "stranger@elsewhere.example"
    assert reply["Subject"] == "Your address is not registered with the Cooperation Portal"
    people.settled()
    with people.portal.sessions() as session:
        item = session.query(InboxItem).one()
        assert item.outcome == "unregistered sender: kept for the secretariat"
        assert list_records(session) == []


def test_help_returns_the_blank_templates(people: RunningPortal) -> None:
    people.send(email("someone@elsewhere.example", "help", ""))
    (reply,) = people.mail(1)
    body = reply.get_content()
    assert reply["Subject"] == "How to use the Cooperation Portal"
    assert body.count("Title: \n") == 2 and "Type: need" in body and "Type: offer" in body
    assert "CONFIRM" not in body  # secretariat commands are not shown to others


def test_the_same_message_twice_is_kept_and_answered_once(people: RunningPortal) -> None:
    message = email("vong@nra.example", "NEED", LAO_NEED)
    people.send(message)
    people.send(message)
    people.settled()
    assert len(people.mail(2)) == 2  # one receipt, one notice to the secretariat
    with people.portal.sessions() as session:
        assert session.query(InboxItem).count() == 1
        assert len(list_records(session)) == 1


@pytest.mark.parametrize(
    "headers",
    [{"Auto_Submitted": "auto-replied"}, {"Precedence": "bulk"}, {"List_Id": "<x.lists.example>"}],
)
def test_automatic_mail_is_kept_and_never_answered(people: RunningPortal, headers) -> None:  # type: ignore[no-untyped-def]
    people.send(email("vong@nra.example", "Automatic reply: NEED", "I am away.", **headers))
    people.settled()
    assert people.mail(0) == []
    with people.portal.sessions() as session:
        assert session.query(InboxItem).one().outcome.startswith("ignored: ")


def test_a_bounce_is_never_answered(people: RunningPortal) -> None:
    people.send(email("MAILER-DAEMON@relay.example", "Undelivered Mail", "gone"), sender="")
    people.settled()
    assert people.mail(0) == []
    with people.portal.sessions() as session:
        assert session.query(InboxItem).one().outcome == "ignored: bounce for no mail of ours"


def test_the_record_id_counts_up(people: RunningPortal) -> None:
    for n in range(3):
        people.send(email("vong@nra.example", "NEED", LAO_NEED.replace("two", f"{n + 2}")))
    people.settled()
    with people.portal.sessions() as session:
        assert [r.public_id for r in list_records(session)] == [
            "N-2026-0001",
            "N-2026-0002",
            "N-2026-0003",
        ]
    subjects = [m["Subject"] for m in people.mail(6) if m["To"] == "vong@nra.example"]
    assert [re.search(r"N-\d{4}-\d{4}", s).group(0) for s in subjects] == [  # type: ignore[union-attr]
        "N-2026-0001",
        "N-2026-0002",
        "N-2026-0003",
    ]
