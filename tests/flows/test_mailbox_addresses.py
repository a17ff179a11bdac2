"""A portal with one address on a domain shared with people (portal@ministry.example): its
receipts ask for replies at portal+TOKEN@, such replies are understood, and a colleague at the
same domain is somebody else. Through the real SMTP server, and as the IMAP intake keeps mail."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot import tokens, verp
from bot.app import Portal
from bot.config import Settings
from store.base import utcnow
from store.inbox import InboxItem
from store.records import list_records
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import RunningPortal, email, reply
from tests.security.conftest import deliver

YEAR = utcnow().year  # records are numbered by the year they are made in

ADDRESS = "portal@ministry.example"


@pytest.fixture(params=["+", "-"])
def separator(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


@pytest.fixture
def settings(settings: Settings, separator: str) -> Settings:
    return settings.with_changes(
        address=ADDRESS, address_separator=separator, domain="ministry.example"
    )


def outcomes(portal: Portal) -> list[str | None]:
    with portal.sessions() as session:
        return list(session.scalars(select(InboxItem.outcome).order_by(InboxItem.id)))


def test_a_reply_to_the_plus_address_corrects_the_record(
    people: RunningPortal, separator: str
) -> None:
    people.send(email("vong@nra.example", "NEED", LAO_NEED, to=ADDRESS))
    receipt, _ = people.mail(2)
    assert receipt["From"].addresses[0].addr_spec == ADDRESS
    sep = re.escape(separator)
    assert re.fullmatch(
        rf"portal{sep}r1-[0-9a-f]+-[a-z2-7]{{6}}-[a-z2-7]{{16}}@ministry\.example",
        receipt["Reply-To"],
    )
    assert re.fullmatch(r"<[0-9a-f]{32}\.portal@ministry\.example>", receipt["Message-ID"])
    people.settled()

    message, rcpt = reply(receipt, "vong@nra.example", "Amount: 300000 USD")
    people.send(message, recipients=rcpt)
    people.settled()
    update_receipt, _ = people.mail(4)[2:]
    assert update_receipt["Subject"] == (
        f"Updated: N-{YEAR}-0001 Technical survey teams for two districts of Savannakhet"
    )
    with people.portal.sessions() as session:
        assert [(r.public_id, r.amount) for r in list_records(session)] == [
            (f"N-{YEAR}-0001", 300000)
        ]
    assert outcomes(people.portal) == [
        f"need N-{YEAR}-0001 created",
        f"N-{YEAR}-0001 updated (amount)",
    ]


def test_the_listener_takes_the_address_and_not_a_colleagues(
    people: RunningPortal, separator: str
) -> None:
    for colleague in ("colleague@ministry.example", f"portal{separator}team@ministry.example"):
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            people.send(email("vong@nra.example", "HELP", ""), recipients=[colleague])
    forged = tokens.make(b"not the portal's key", "r", 1, "vong@nra.example", utcnow())
    people.send(
        email("vong@nra.example", "HELP", ""),
        recipients=[f"PORTAL{separator}{forged.upper()}@ministry.example"],
    )
    people.send(email("vong@nra.example", "HELP", ""), recipients=["submit@ministry.example"])
    people.settled()
    # a token's shape makes it one of our reply addresses; this token is not one of ours
    assert outcomes(people.portal) == ["reply address refused: altered", "help sent"]


def test_a_colleague_is_not_our_own_address(people: RunningPortal, separator: str) -> None:
    bounce = f"portal{separator}bounce-{verp.tag(b'any key', 7)}@ministry.example"
    people.send(email("colleague@ministry.example", "HELP", "", to=ADDRESS))
    people.send(email("Cooperation Portal <portal@ministry.example>", "HELP", "", to=ADDRESS))
    people.send(email(bounce, "HELP", "", to=ADDRESS))
    people.send(email(f"portal{separator}team@ministry.example", "HELP", "", to=ADDRESS))
    people.settled()
    assert outcomes(people.portal) == [
        "help sent",
        "ignored: from our own address",
        "ignored: from our own address",
        "help sent",
    ]
    answers = people.mail(2)
    assert [answer["To"] for answer in answers] == [
        "colleague@ministry.example",
        f"portal{separator}team@ministry.example",
    ]


def test_a_reply_kept_as_the_imap_intake_keeps_it_is_understood(
    portal: Portal, settings: Settings, separator: str
) -> None:
    """Recipients from Delivered-To, To and Cc, in any case; PORTAL_DOMAIN not set."""
    from tests.factories import register_people

    register_people(portal)
    mailbox = settings.with_changes(domain="localhost")
    created = deliver(
        portal, email("vong@nra.example", "NEED", LAO_NEED, to=ADDRESS), settings=mailbox
    )
    reply_to = created.mail[0].headers["Reply-To"]
    assert reply_to.startswith(f"portal{separator}r1-")
    answer = email("vong@nra.example", "Re: Received", "Amount: 300000 USD", to=reply_to.upper())
    recipients = [ADDRESS, reply_to.upper(), "boss@nra.example"]
    done = deliver(portal, answer, recipients=recipients, settings=mailbox)
    assert done.outcome == f"N-{YEAR}-0001 updated (amount)"


def test_a_colleague_in_copy_is_no_reply_address(
    portal: Portal, settings: Settings, separator: str
) -> None:
    """portal-team@ (or portal+team@) Cc'd, as the IMAP intake reads the recipients: the
    message is answered, not refused for an altered reply address."""
    colleague = f"portal{separator}team@ministry.example"
    mailbox = settings.with_changes(domain="localhost")
    message = email("vong@nra.example", "HELP", "", to=ADDRESS, cc=colleague)
    done = deliver(portal, message, recipients=[ADDRESS, colleague], settings=mailbox)
    assert done.outcome == "help sent"


def test_a_portal_with_its_own_domain_still_ignores_the_whole_domain(
    portal: Portal, settings: Settings
) -> None:
    own = settings.with_changes(address="", domain="portal.test")
    mine = deliver(portal, email("anyone@portal.test", "HELP", ""), settings=own)
    theirs = deliver(portal, email("anyone@ministry.example", "HELP", ""), settings=own)
    assert (mine.outcome, theirs.outcome) == ("ignored: from our own address", "help sent")
