"""Delivery reports that come back to the mailbox the portal reads: scored like those by SMTP."""

from __future__ import annotations

import re

from bot.people.bounces import envelope_sender
from store.people import EmailAddress
from tests.faults.conftest import StartPortal
from tests.flows.test_bounces import sample
from tests.flows.test_need_by_email import LAO_NEED
from tests.mailbox.conftest import Mailbox, from_start, items, wait_for


def test_a_report_to_the_mailbox_s_bounce_address_counts_against_the_address(
    start_portal: StartPortal, mailbox: Mailbox
) -> None:
    mailbox.deliver(mailbox.delivered(subject="NEED", body=LAO_NEED))
    running = start_portal(from_start(mailbox), imap_url=mailbox.url())
    (receipt,) = running.mail(1)
    running.settled()
    local = mailbox.login.partition("@")[0]
    verp = str(receipt["Return-Path"]).strip("<>")
    assert re.fullmatch(rf"{local}\+bounce-1-[a-z2-7]+@ministry\.example", verp)
    assert verp == envelope_sender(running.portal.settings, 1)

    report = sample("postfix_user_unknown.eml", receipt)
    mailbox.deliver(f"Delivered-To: {verp}\r\n".encode() + report)
    wait_for(lambda: len(items(running.portal)) == 2)
    running.settled()

    assert [item.outcome for item in items(running.portal)][1:] == [
        "bounce: permanent 5.1.1, score 1"
    ]
    with running.portal.sessions() as session:
        kept = session.query(EmailAddress).filter_by(address="vong@nra.example").one()
        assert (kept.bounce_score, kept.bouncing_since) == (1.0, None)


def test_a_report_whose_envelope_was_rewritten_is_found_by_the_returned_message_id(
    start_portal: StartPortal, mailbox: Mailbox
) -> None:
    """Google's and Microsoft's submission servers send from the mailbox itself: the report
    comes back to portal@…, and the Message-ID it returns says which mail it was. No checks
    are configured here (off): its From is believed, so it counts (with checks: below)."""
    mailbox.deliver(mailbox.delivered(subject="NEED", body=LAO_NEED))
    running = start_portal(from_start(mailbox), imap_url=mailbox.url())
    (receipt,) = running.mail(1)
    running.settled()

    report = sample("microsoft365_recipient_not_found.eml", receipt, VERP=mailbox.login)
    mailbox.deliver(f"Return-Path: <>\r\nDelivered-To: {mailbox.login}\r\n".encode() + report)
    wait_for(lambda: len(items(running.portal)) == 2)
    running.settled()

    assert [item.outcome for item in items(running.portal)][1:] == [
        "bounce: permanent 5.1.10, score 1"
    ]


def test_with_the_provider_s_checks_a_report_found_by_message_id_counts_only_with_its_verdict(
    start_portal: StartPortal, mailbox: Mailbox
) -> None:
    """Whoever saw our Message-ID (the recipient, anyone they copied) can write a report: under
    PORTAL_MAIL_PROVIDER=google only one Google vouches for (dmarc=pass for its From) counts."""
    vong = "mx.google.com; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=nra.example"
    mailbox.deliver(mailbox.delivered(subject="NEED", body=LAO_NEED, Authentication_Results=vong))
    running = start_portal(from_start(mailbox), imap_url=mailbox.url(), mail_provider="google")
    (receipt,) = running.mail(1)
    running.settled()

    delivery = f"Return-Path: <>\r\nDelivered-To: {mailbox.login}\r\n".encode()
    forged = sample("microsoft365_recipient_not_found.eml", receipt, VERP=mailbox.login)
    mailbox.deliver(delivery + forged)
    wait_for(lambda: len(items(running.portal)) == 2)
    running.settled()
    verdict = (
        b"Authentication-Results: mx.google.com;\r\n"
        b"       dkim=pass header.i=@npaid.onmicrosoft.com header.s=selector1;\r\n"
        b"       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=npaid.onmicrosoft.com\r\n"
    )
    genuine = sample("microsoft365_recipient_not_found.eml", receipt, VERP=mailbox.login)
    mailbox.deliver(delivery + verdict + genuine)
    wait_for(lambda: len(items(running.portal)) == 3)
    running.settled()

    assert [item.outcome for item in items(running.portal)][1:] == [
        "bounce: not counted, the report is not authenticated",
        "bounce: permanent 5.1.10, score 1",
    ]
    with running.portal.sessions() as session:
        kept = session.query(EmailAddress).filter_by(address="vong@nra.example").one()
        assert (kept.bounce_score, kept.bouncing_since) == (1.0, None)
