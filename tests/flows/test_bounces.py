"""Bounces through the real SMTP server: real report formats (tests/data/bounces), scored, and
what follows a dead address; forged reports, policy refusals and auto-replies change nothing."""

from __future__ import annotations

import re
import smtplib
import uuid
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.records.review import confirm
from digests.gather import recipients
from digests.period import period_of
from store.base import utcnow
from store.bounces import BounceEvent
from store.db import transaction
from store.inbox import InboxItem
from store.people import EmailAddress
from tests import factories
from tests.factories import context
from tests.flows.test_conversation import new_mail
from tests.flows.test_need_by_email import LAO_NEED, run_cli
from tests.harness import RunningPortal, email

YEAR = utcnow().year  # records are numbered by the year they are made in

SAMPLES = Path(__file__).parent.parent / "data" / "bounces"


def sample(name: str, mail: EmailMessage, **extra: str) -> bytes:
    """A report from tests/data/bounces about `mail`, one of the portal's own."""
    verp = str(mail["Return-Path"]).strip("<>")
    recipient = str(mail["To"])
    values = {
        "VERP": verp,
        "RECIPIENT": recipient,
        "RECIPIENT_LOCAL": recipient.partition("@")[0],
        "MESSAGE_ID": str(mail["Message-ID"]),
        **extra,
    }
    text = (SAMPLES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    head, blank, body = text.partition("\n\n")  # each report has its own Message-ID
    head = re.sub(r"(?im)^(message-id:\s*<)", rf"\g<1>{uuid.uuid4().hex}.", head)
    return (head + blank + body).replace("\n", "\r\n").encode()


def bounce(
    running: RunningPortal, name: str, mail: EmailMessage, *, to: str | None = None, **extra: str
) -> str:
    """Send the report as a mail server does (null sender, to our bounce address); returns
    the outcome of its inbox item."""
    raw = sample(name, mail, **extra)
    with smtplib.SMTP(running.host, running.port, timeout=30) as client:
        client.sendmail("", [to or str(mail["Return-Path"]).strip("<>")], raw)
    running.settled()
    return outcomes(running)[-1]


def outcomes(running: RunningPortal) -> list[str]:
    with running.portal.sessions() as session:
        return [i.outcome or "" for i in session.scalars(select(InboxItem).order_by(InboxItem.id))]


def address_state(running: RunningPortal, address: str) -> tuple[float, bool]:
    with running.portal.sessions() as session:
        row = session.scalars(select(EmailAddress).where(EmailAddress.address == address)).one()
        return row.bounce_score, row.is_bouncing


def events(running: RunningPortal) -> list[tuple[str, str, str, float, str]]:
    with running.portal.sessions() as session:
        return [
            (e.address, e.kind, e.status, e.weight, e.source)
            for e in session.scalars(select(BounceEvent).order_by(BounceEvent.id))
        ]


def a_day_passes(running: RunningPortal) -> None:
    """What was counted so far happened yesterday (bounces count once a day)."""
    with transaction(running.portal.sessions) as session:
        for event in session.scalars(select(BounceEvent)):
            event.at -= timedelta(days=1)
        for row in session.scalars(select(EmailAddress)):
            if row.last_bounce_at is not None:
                row.last_bounce_at -= timedelta(days=1)


@pytest.fixture
def sent(people: RunningPortal) -> tuple[RunningPortal, list[EmailMessage]]:
    """Lao PDR (two focal points) has a published need: vong got its receipt and the notice
    that it is published, the secretariat the request to confirm it (4 mails, deputy's too)."""
    factories.focal_point(people.portal, "LAO", "deputy@nra.example")
    people.send(email("vong@nra.example", "NEED", LAO_NEED))
    receipt, to_secretariat = new_mail(people, 0, 2)
    with transaction(people.portal.sessions) as session:
        assert confirm(context(session, people.portal, utcnow()), f"N-{YEAR}-0001").outcome
    published = {m["To"]: m for m in new_mail(people, 2, 2)}  # to each of Lao's focal points
    assert sorted(published) == ["deputy@nra.example", "vong@nra.example"]
    assert [receipt["To"], to_secretariat["To"]] == ["vong@nra.example", "isu@ccm.example"]
    return people, [receipt, to_secretariat, published["vong@nra.example"]]


def test_every_mail_has_its_own_signed_envelope_sender_and_no_internal_id(
    sent: tuple[RunningPortal, list[EmailMessage]],
) -> None:
    _, mails = sent
    senders = [str(m["Return-Path"]) for m in mails]
    assert len(set(senders)) == 3
    assert all(s.startswith("<bounce+") and s.endswith("@portal.test>") for s in senders)
    assert [m["Auto-Submitted"] for m in mails] == [
        "auto-replied",  # the receipt answers vong's message
        "auto-generated",  # notices answer nothing
        "auto-generated",
    ]
    assert not [name for m in mails for name in m.keys() if name.startswith("X-Portal")]  # noqa: SIM118


def test_a_dead_address_is_marked_after_two_days_of_bounces_and_everyone_who_must_know_is_told(
    sent: tuple[RunningPortal, list[EmailMessage]], monkeypatch: pytest.MonkeyPatch
) -> None:
    running, (receipt, _, published) = sent
    assert bounce(running, "postfix_user_unknown.eml", receipt) == (
        "bounce: permanent 5.1.1, score 1"
    )
    assert bounce(running, "gmail_account_does_not_exist.eml", published) == (
        "bounce: permanent 5.1.1, score 1"  # the same day: counted once
    )
    assert address_state(running, "vong@nra.example") == (1.0, False)
    assert new_mail(running, 4, 0) == []

    a_day_passes(running)
    assert bounce(running, "exim_user_unknown.eml", published) == (
        "bounce: permanent 5.1.1, score 2, now bouncing"
    )
    told = new_mail(running, 4, 2)
    notices = {m["To"]: m for m in told}
    assert sorted(notices) == ["deputy@nra.example", "isu@ccm.example"]
    secretariat = notices["isu@ccm.example"]
    assert secretariat["Subject"] == "Vong Saysana's address bounces: vong@nra.example"
    assert secretariat["Auto-Submitted"] == "auto-generated"
    body = secretariat.get_content()
    assert "Focal point of: Lao People's Democratic Republic\n" in body
    assert (
        "Last bounce: 5.1.1 550 5.1.1 <vong@nra.example>: Recipient address rejected: "
        "User unknown\n" in body
    )
    assert "    portal focal-point enable vong@nra.example\n" in body
    assert notices["deputy@nra.example"]["Subject"] == (
        "Mail to your colleague Vong Saysana bounces"
    )

    a_day_passes(running)  # Microsoft 365, and to submit@: found by the returned Message-ID
    assert bounce(
        running, "microsoft365_recipient_not_found.eml", receipt, to="submit@portal.test"
    ) == ("bounce: permanent 5.1.10, score 3")
    assert new_mail(running, 6, 0) == []  # the secretariat was told once

    listed = run_cli(running, monkeypatch, "focal-point", "list", "--bouncing").splitlines()
    assert listed[0].split() == ["email", "name", "actors", "since", "score", "last", "bounce"]
    assert listed[1].split()[:5] == [
        "vong@nra.example",
        "Vong",
        "Saysana",
        "LAO",
        f"{utcnow():%Y-%m-%d}",
    ]
    assert listed[-1] == "1 bouncing address(es)"

    with running.portal.sessions() as session:  # each focal point has their own digest
        readers = sorted(
            r.address for r in recipients(session, period_of(utcnow(), "UTC"), utcnow())
        )
    assert readers == ["deputy@nra.example", "kari@npaid.example", "rana@lmac.example"]
    created = run_cli(
        running, monkeypatch, "call", "create", "--title", "Needs before the MSP", "--actor", "LAO"
    )
    assert created == "call 1 created for 1 actor(s)\n"
    monkeypatch.setenv("PORTAL_CALL_RATE", "6000")
    assert run_cli(running, monkeypatch, "call", "send", "1") == (
        "call 1: 1 mail(s) queued, 0 already sent, 0 actor(s) without a focal point, "
        "1 unreachable (address bouncing)\n"
    )
    assert [m["To"] for m in new_mail(running, 6, 1)] == ["deputy@nra.example"]
    status = run_cli(running, monkeypatch, "call", "status", "1").splitlines()
    assert [line.split()[:3] for line in status[2:4]] == [
        ["LAO", "vong@nra.example", "unreachable"],
        ["LAO", "deputy@nra.example", "silent"],
    ]

    running.send(email("vong@nra.example", "HELP", ""))  # they write in again: mail resumes
    (help_,) = new_mail(running, 7, 1)
    assert (help_["To"], help_["Auto-Submitted"]) == ("vong@nra.example", "auto-replied")
    assert address_state(running, "vong@nra.example") == (0.0, False)


def test_a_forged_bounce_changes_nothing(sent: tuple[RunningPortal, list[EmailMessage]]) -> None:
    running, (receipt, _, _) = sent
    outbox_id = str(receipt["Return-Path"]).split("+")[1].split("-")[0]
    forged = f"bounce+{outbox_id}-aaaaaaaaaaaa@portal.test"
    for _ in range(3):
        assert bounce(running, "forged_wrong_mac.eml", receipt, to=forged, OUTBOX_ID=outbox_id) == (
            "ignored: bounce address not ours (wrong signature)"
        )
    assert events(running) == []
    assert address_state(running, "vong@nra.example") == (0.0, False)
    assert new_mail(running, 4, 0) == []


def test_a_dmarc_refusal_marks_nobody_and_reaches_the_secretariat_as_a_sending_problem(
    sent: tuple[RunningPortal, list[EmailMessage]],
) -> None:
    running, (receipt, to_secretariat, published) = sent
    for mail in (receipt, published):
        assert bounce(running, "dmarc_policy_refusal.eml", mail) == (
            "bounce: refused by policy (5.7.1), not counted"
        )
        a_day_passes(running)  # distinct days: it would have counted twice
    assert address_state(running, "vong@nra.example") == (0.0, False)
    assert [e[:4] for e in events(running)] == [("vong@nra.example", "policy", "5.7.1", 0.0)] * 2
    (notice,) = new_mail(running, 4, 1)  # once a day: the second refusal came "a day later"
    assert notice["To"] == "isu@ccm.example"  # but a_day_passes moves bounces, not the outbox
    assert notice["Subject"] == (
        "Our mail is being refused: 5.7.1 (a problem with the portal's sending)"
    )
    assert "DMARC policy" in notice.get_content()


def test_an_auto_reply_to_the_bounce_address_stays_ignored(
    sent: tuple[RunningPortal, list[EmailMessage]],
) -> None:
    running, (receipt, _, _) = sent
    raw = sample("out_of_office.eml", receipt)
    with smtplib.SMTP(running.host, running.port, timeout=30) as client:
        client.sendmail("vong@nra.example", [str(receipt["Return-Path"]).strip("<>")], raw)
    running.settled()
    assert outcomes(running)[-1] == (
        "ignored: auto-submitted: auto-replied (to the bounce address)"
    )
    assert events(running) == []
    assert new_mail(running, 4, 0) == []


def test_a_delay_warning_counts_nothing_and_a_full_mailbox_counts_half(
    sent: tuple[RunningPortal, list[EmailMessage]],
) -> None:
    running, (receipt, _, published) = sent
    assert bounce(running, "postfix_delayed_warning.eml", receipt) == (
        "bounce: delayed 4.4.1, score 0"
    )
    assert bounce(running, "postfix_mailbox_full_temporary.eml", published) == (
        "bounce: temporary 4.2.2, score 0.5"
    )
    assert address_state(running, "vong@nra.example") == (0.5, False)
    assert new_mail(running, 4, 0) == []


def test_a_call_that_bounced_counts_its_focal_point_unreachable_at_once(
    sent: tuple[RunningPortal, list[EmailMessage]], monkeypatch: pytest.MonkeyPatch
) -> None:
    running, _ = sent
    monkeypatch.setenv("PORTAL_CALL_RATE", "6000")
    run_cli(running, monkeypatch, "call", "create", "--title", "Needs", "--actor", "LAO")
    assert run_cli(running, monkeypatch, "call", "send", "1") == (
        "call 1: 2 mail(s) queued, 0 already sent, 0 actor(s) without a focal point\n"
    )
    calls = {m["To"]: m for m in new_mail(running, 4, 2)}
    assert calls["vong@nra.example"]["Auto-Submitted"] == "auto-generated"
    assert bounce(running, "microsoft365_recipient_not_found.eml", calls["vong@nra.example"]) == (
        "bounce: permanent 5.1.10, score 1"  # not yet bouncing, but this call did not arrive
    )
    status = run_cli(running, monkeypatch, "call", "status", "1").splitlines()
    assert [line.split()[:3] for line in status[2:4]] == [
        ["LAO", "vong@nra.example", "unreachable"],
        ["LAO", "deputy@nra.example", "silent"],
    ]
