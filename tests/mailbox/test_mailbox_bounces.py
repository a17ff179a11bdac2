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
    comes back to portal@…, and the Message-ID it returns says which mail it was."""
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
