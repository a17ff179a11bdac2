"""Bounces piece by piece: the VERP address, each sample read, the score over days, relay
refusals at hand-off, and the fallbacks when a mailbox's provider rewrote our envelope sender."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import verp
from bot.app import Portal
from bot.channels.email.bounces import read_bounce
from bot.channels.email.sending import EmailSender, RelaySender
from bot.context import Context
from bot.envelope import Failure, Inbound
from bot.people import bounces
from bot.pipeline.delivery import Delivery
from bot.pipeline.handle import handle
from bot.records.renewal import remind_and_expire, system_context
from store.bounces import BounceEvent
from store.db import transaction
from store.inbox import InboxItem, store_message
from store.outbox import FAILED, OutboxItem
from store.people import email_address, person_by_email
from store.subscriptions import ACTIVE, UNSUBSCRIBED, Subscription
from tests import factories
from tests.digests.test_digests import BEFORE, LAO_NEED
from tests.fakes import RecordingRelay

SAMPLES = Path(__file__).parent.parent / "data" / "bounces"
KEY = b"k" * 32
VERP = "bounce+7-" + verp.tag(KEY, 7).split("-")[1] + "@portal.test"
DAY = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def sample(
    name: str, recipient: str = "vong@nra.example", message_id: str = "<m1@portal.test>"
) -> bytes:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    for key, value in {
        "VERP": VERP,
        "RECIPIENT": recipient,
        "RECIPIENT_LOCAL": recipient.partition("@")[0],
        "MESSAGE_ID": message_id,
        "OUTBOX_ID": "7",
    }.items():
        text = text.replace("{{" + key + "}}", value)
    return text.replace("\n", "\r\n").encode()


# ---- the address -------------------------------------------------------------------------


def test_a_bounce_address_names_its_outbox_item_and_cannot_be_forged() -> None:
    address = verp.bounce_address(KEY, 7, domain="portal.test")
    assert address == VERP
    assert verp.outbox_id_of(KEY, address, domain="portal.test") == 7
    assert verp.outbox_id_of(KEY, address.upper().replace("PORTAL.TEST", "Portal.Test"),
                             domain="portal.test") == 7  # fmt: skip
    assert verp.outbox_id_of(KEY, f"<{address}>", domain="portal.test") == 7
    assert (
        verp.outbox_id_of(KEY, address.replace("bounce+7-", "bounce+8-"), domain="portal.test")
        is None
    )
    assert verp.outbox_id_of(b"other key", address, domain="portal.test") is None
    assert verp.outbox_id_of(KEY, address, domain="elsewhere.test") is None
    assert verp.outbox_id_of(KEY, "bounce+7-aaaaaaaaaaaa@portal.test", domain="portal.test") is None
    assert verp.outbox_id_of(KEY, "reply+7-x@portal.test", domain="portal.test") is None


def test_running_from_a_mailbox_the_bounce_address_is_the_mailbox_s_own() -> None:
    local, separator, domain = verp.parts("portal.test", "portal@ministry.example", "+")
    address = verp.bounce_address(KEY, 7, domain=domain, local=local, separator=separator)
    assert address == f"portal+bounce-{verp.tag(KEY, 7)}@ministry.example"
    assert verp.outbox_id_of(KEY, address, domain=domain, local=local, separator=separator) == 7


# ---- reading each kind of report ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sender", "failure"),
    [
        ("postfix_user_unknown.eml", "", Failure("vong@nra.example", "permanent", "5.1.1")),
        ("exim_user_unknown.eml", "", Failure("vong@nra.example", "permanent", "5.1.1")),
        ("microsoft365_recipient_not_found.eml", "",
         Failure("vong@nra.example", "permanent", "5.1.10")),
        ("gmail_account_does_not_exist.eml", "",
         Failure("vong@nra.example", "permanent", "5.1.1")),
        ("postfix_mailbox_full_temporary.eml", "",
         Failure("vong@nra.example", "temporary", "4.2.2")),
        ("postfix_delayed_warning.eml", "", Failure("vong@nra.example", "delayed", "4.4.1")),
        ("dmarc_policy_refusal.eml", "", Failure("vong@nra.example", "policy", "5.7.1")),
    ],
)  # fmt: skip
def test_each_report_is_read_with_its_status(name: str, sender: str, failure: Failure) -> None:
    found = read_bounce(sample(name), sender)
    assert found is not None
    assert found.message_ids == ("<m1@portal.test>",)
    assert [(f.address, f.kind, f.status) for f in found.failures] == [
        (failure.address, failure.kind, failure.status)
    ]
    assert found.failures[0].reason


def test_the_diagnostic_is_the_remote_server_s_words() -> None:
    found = read_bounce(sample("exim_user_unknown.eml"), "")
    assert found is not None
    assert found.failures[0].reason == (
        "550 5.1.1 <vong@nra.example>: Recipient address rejected: User unknown"
    )


def test_an_auto_reply_is_no_report() -> None:
    assert read_bounce(sample("out_of_office.eml"), "vong@nra.example") is None


# ---- the score ---------------------------------------------------------------------------


def count(portal: Portal, kind: str, now: datetime, status: str = "5.1.1") -> str:
    with transaction(portal.sessions) as session:
        ctx = system_context(session, portal.settings, now)
        failure = Failure("vong@nra.example", kind, status, "550 user unknown")
        return bounces.count(
            ctx, "vong@nra.example", failure, _outbox_item(session), source="bounce"
        )


def _outbox_item(session) -> int:  # type: ignore[no-untyped-def]
    item = OutboxItem(channel="email", recipient="vong@nra.example", kind="digest", body="",
                      message_id=f"<{datetime.now().timestamp()}@portal.test>")  # fmt: skip
    session.add(item)
    session.flush()
    return item.id


def test_permanent_failures_mark_on_the_second_day_and_temporary_ones_count_half(
    portal: Portal,
) -> None:
    factories.register_people(portal)
    assert count(portal, "temporary", DAY, "4.2.2") == "bounce: temporary 4.2.2, score 0.5"
    assert count(portal, "permanent", DAY + timedelta(hours=2)) == (
        "bounce: permanent 5.1.1, score 1"  # the day's first counted 0.5: 0.5 more
    )
    assert count(portal, "permanent", DAY + timedelta(hours=3)) == (
        "bounce: permanent 5.1.1, score 1"
    )
    assert count(portal, "delayed", DAY + timedelta(days=1), "4.4.1") == (
        "bounce: delayed 4.4.1, score 1"
    )
    assert count(portal, "permanent", DAY + timedelta(days=8)) == (
        "bounce: permanent 5.1.1, score 2, now bouncing"
    )
    with portal.sessions() as session:
        assert [(e.kind, e.weight) for e in session.scalars(select(BounceEvent))] == [
            ("temporary", 0.5),
            ("permanent", 0.5),
            ("permanent", 0.0),
            ("delayed", 0.0),
            ("permanent", 1.0),
        ]


def test_a_score_is_forgotten_after_three_weeks_without_bounces(portal: Portal) -> None:
    factories.register_people(portal)
    assert count(portal, "permanent", DAY) == "bounce: permanent 5.1.1, score 1"
    assert count(portal, "permanent", DAY + timedelta(days=22)) == (
        "bounce: permanent 5.1.1, score 1"
    )
    flaky = [DAY + timedelta(days=50 + 30 * n) for n in range(4)]  # a full mailbox each month
    assert [count(portal, "temporary", when, "4.2.2") for when in flaky] == [
        "bounce: temporary 4.2.2, score 0.5"
    ] * 4


def test_a_bouncing_address_gets_no_notice_but_a_second_address_does(portal: Portal) -> None:
    factories.register_people(portal)
    with transaction(portal.sessions) as session:
        row = email_address(session, "vong@nra.example")
        assert row is not None
        row.bouncing_since = DAY
        ctx = system_context(session, portal.settings, DAY)
        vong = person_by_email(session, "vong@nra.example")
        assert vong is not None
        told = {"colleague": vong, "address": "x", "actor": "LAO"}
        assert ctx.notify(vong, "colleague_bouncing", **told) is None
        vong.emails.append(type(row)(address="vong.saysana@nra.example"))
        session.flush()
        assert ctx.notify(vong, "colleague_bouncing", **told) is not None
        assert [i.recipient for i in ctx.sent] == ["vong.saysana@nra.example"]


# ---- where the report is linked from -----------------------------------------------------


def keep(portal: Portal, raw: bytes, recipients: list[str], sender: str = "") -> int:
    with transaction(portal.sessions) as session:
        item, _ = store_message(session, channel="email", sender=sender, recipients=recipients,
                                message_id=None, raw=raw)  # fmt: skip
        return item.id


def handled(portal: Portal, item_id: int, **changes: str) -> str:
    with transaction(portal.sessions) as session:
        item = session.get_one(InboxItem, item_id)
        return handle(session, portal.settings.with_changes(**changes), item)


def sent_to_vong(
    portal: Portal, recipient: str = "vong@nra.example", message_id: str = "<digest-1@portal.test>"
) -> int:
    with transaction(portal.sessions) as session:
        item = OutboxItem(channel="email", recipient=recipient, kind="digest", body="",
                          message_id=message_id, status="sent")  # fmt: skip
        session.add(item)
        session.flush()
        return item.id


def test_without_our_envelope_sender_a_report_is_linked_by_the_returned_message_id(
    portal: Portal,
) -> None:
    factories.register_people(portal)
    outbox_id = sent_to_vong(portal)
    raw = sample("postfix_user_unknown.eml", message_id="<digest-1@portal.test>")
    assert handled(portal, keep(portal, raw, ["submit@portal.test"])) == (
        "bounce: permanent 5.1.1, score 1"
    )
    with portal.sessions() as session:
        assert session.scalars(select(BounceEvent.outbox_item_id)).all() == [outbox_id]


def test_from_a_mailbox_a_report_without_ids_is_linked_by_the_failed_address(
    portal: Portal,
) -> None:
    factories.register_people(portal)
    sent_to_vong(portal)
    raw = sample("forged_wrong_mac.eml").replace(  # no Message-ID, no signed address
        b"To: bounce+7-aaaaaaaaaaaa@portal.test", b"To: submit@portal.test"
    )
    assert handled(portal, keep(portal, raw, ["submit@portal.test"])) == (
        "ignored: bounce for no mail of ours"  # listening for SMTP, VERP is expected
    )
    mailbox = {"imap_url": "imaps://portal@imap.ministry.example/INBOX"}
    assert handled(portal, keep(portal, raw, ["submit@portal.test"]), **mailbox) == (
        "bounce: permanent 5.1.1, score 1"
    )


def test_a_relay_refusal_at_hand_off_counts_as_a_bounce_and_the_relay_sees_our_verp(
    portal: Portal,
) -> None:
    factories.register_people(portal)
    with transaction(portal.sessions) as session:
        ctx = system_context(session, portal.settings, datetime.now(UTC))
        for address in ("kari@npaid.example", "vong@nra.example"):
            person = person_by_email(session, address)
            assert person is not None
            ctx.notify(person, "sending_refused", address="x", status="5.7.1", reason="")
        ids = [item.id for item in ctx.sent]
        session.flush()
        ids = [item.id for item in ctx.sent]
    with RecordingRelay(refuse=("vong@nra.example",)) as relay:
        sender = EmailSender(
            RelaySender(relay.url, timeout=5),
            from_name="Cooperation Portal",
            from_address="submit@portal.test",
            envelope_sender=lambda outbox_id: bounces.envelope_sender(portal.settings, outbox_id),
        )
        delivery = Delivery(portal.sessions, {"email": sender}, settings=portal.settings)
        assert asyncio.run(delivery.deliver_due()) == 1
    ((mail_from, rcpt, _),) = relay.messages
    key = portal.settings.secret_key.encode()
    assert (verp.outbox_id_of(key, mail_from, domain="portal.test"), rcpt) == (
        ids[0],
        ["kari@npaid.example"],
    )
    with portal.sessions() as session:
        refused = session.get_one(OutboxItem, ids[1])
        assert refused.status == FAILED
        assert [(e.address, e.kind, e.status, e.weight, e.source, e.outbox_item_id)
                for e in session.scalars(select(BounceEvent))] == [
            ("vong@nra.example", "permanent", "5.1.1", 1.0, "relay", ids[1])
        ]  # fmt: skip


def test_the_inbound_of_a_system_context_is_not_email() -> None:
    """heard_from only clears an address for a person writing in by email."""
    ctx = Context(None, None, Inbound("system", "system", "", ""), None)  # type: ignore[arg-type]
    bounces.heard_from(ctx)


def test_a_subscriber_who_is_no_person_is_unsubscribed_at_the_threshold(portal: Portal) -> None:
    with transaction(portal.sessions) as session:
        session.add(Subscription(address="watch@donor.example", status=ACTIVE))
    outcomes = []
    for day in range(2):
        with transaction(portal.sessions) as session:
            ctx = system_context(session, portal.settings, DAY + timedelta(days=day))
            failure = Failure("watch@donor.example", "permanent", "5.1.1", "user unknown")
            outcomes.append(
                bounces.count(
                    ctx, "watch@donor.example", failure, _outbox_item(session), source="bounce"
                )  # fmt: skip
            )
    assert outcomes == [
        "bounce: permanent 5.1.1, score 1",
        "bounce: permanent 5.1.1, score 2, unsubscribed",
    ]
    with portal.sessions() as session:
        assert session.scalars(select(Subscription.status)).all() == [UNSUBSCRIBED]


def test_through_microsoft_365_the_mailbox_s_own_address_is_the_envelope_sender(
    portal: Portal,
) -> None:
    settings = portal.settings.with_changes(address="portal@ministry.example")
    assert bounces.envelope_sender(settings, 7) == (
        f"portal+bounce-{verp.tag(settings.secret_key.encode(), 7)}@ministry.example"
    )
    assert bounces.envelope_sender(settings.with_changes(mail_provider="microsoft"), 7) is None


def test_renewal_reminders_go_to_the_colleague_whose_address_works(portal: Portal) -> None:
    factories.focal_point(portal, "LAO", "vong@nra.example")
    factories.focal_point(portal, "LAO", "deputy@nra.example")
    factories.publish(portal, "vong@nra.example", LAO_NEED, BEFORE)
    with transaction(portal.sessions) as session:
        row = email_address(session, "vong@nra.example")
        assert row is not None
        row.bouncing_since = BEFORE + timedelta(days=200)
    later = BEFORE + timedelta(days=336)
    assert remind_and_expire(portal.sessions, portal.settings, later) == (1, 0)
    with portal.sessions() as session:
        reminders = session.scalars(
            select(OutboxItem.recipient).where(OutboxItem.kind == "renewal_reminder")
        ).all()
    assert reminders == ["deputy@nra.example"]


def test_from_a_mailbox_a_report_to_its_signed_bounce_address_is_linked_by_it(
    portal: Portal,
) -> None:
    factories.register_people(portal)
    outbox_id = sent_to_vong(portal)
    mailbox = {"address": "portal@ministry.example"}
    to = bounces.envelope_sender(portal.settings.with_changes(**mailbox), outbox_id)
    assert to is not None and to.startswith("portal+bounce-")
    raw = sample("gmail_account_does_not_exist.eml", message_id="<unknown@portal.test>")
    raw = raw.replace(VERP.encode(), to.encode())
    assert handled(portal, keep(portal, raw, [to]), **mailbox) == (
        "bounce: permanent 5.1.1, score 1"
    )
    forged = to.rsplit("-", 1)[0] + "-aaaaaaaaaaaa@ministry.example"
    raw = raw.replace(to.encode(), forged.encode())
    assert handled(portal, keep(portal, raw, [forged]), **mailbox) == (
        "ignored: bounce address not ours (wrong signature)"
    )


def weights(portal: Portal) -> list[tuple[str, str, float]]:
    with portal.sessions() as session:
        return [(e.address, e.kind, e.weight)
                for e in session.scalars(select(BounceEvent).order_by(BounceEvent.id))]  # fmt: skip


# Google's verdict on a report's From, as mx.google.com writes it on top of what it received
GOOGLE_PASS = (
    "Authentication-Results: mx.google.com;\r\n"
    "       dkim=pass header.i=@{domain} header.s=20230601 header.b=AbCdEf12;\r\n"
    "       spf=pass (google.com: domain of postmaster@{domain} designates 209.85.220.41 as "
    "permitted sender) smtp.mailfrom=postmaster@{domain};\r\n"
    "       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from={domain}\r\n"
)


def test_from_a_mailbox_a_report_linked_by_the_failed_address_counts_only_when_authenticated(
    portal: Portal,
) -> None:
    """Anyone can mail the portal's mailbox a report naming a focal point's address: under
    checks (here Google's), only one the provider vouches for counts."""
    factories.register_people(portal)
    sent_to_vong(portal)
    google = {"imap_url": "imaps://portal@imap.gmail.com/INBOX", "mail_provider": "google",
              "address": "portal@ministry.example"}  # fmt: skip
    forged = sample("forged_wrong_mac.eml").replace(  # From: MAILER-DAEMON@mx.attacker.example
        b"To: bounce+7-aaaaaaaaaaaa@portal.test", b"To: portal@ministry.example"
    )
    for _ in range(2):
        item = keep(portal, forged, ["portal@ministry.example"])
        assert handled(portal, item, **google) == (
            "bounce: not counted, the report is not authenticated"
        )
    assert weights(portal) == [("vong@nra.example", "permanent", 0.0)] * 2
    with portal.sessions() as session:
        row = email_address(session, "vong@nra.example")
        assert row is not None
        assert (row.bounce_score, row.last_bounce_at, row.bouncing_since) == (0.0, None, None)

    vouched = GOOGLE_PASS.format(domain="mx.attacker.example").encode() + forged
    assert handled(portal, keep(portal, vouched, ["portal@ministry.example"]), **google) == (
        "bounce: permanent 5.1.1, score 1"  # its From domain is who it says: it counts
    )
    other = GOOGLE_PASS.format(domain="elsewhere.example").encode() + forged
    assert handled(portal, keep(portal, other, ["portal@ministry.example"]), **google) == (
        "bounce: not counted, the report is not authenticated"  # dmarc passed for another domain
    )


def test_from_gmail_a_genuine_report_linked_by_the_failed_address_counts(portal: Portal) -> None:
    factories.register_people(portal)
    sent_to_vong(portal)
    google = {"imap_url": "imaps://portal@imap.gmail.com/INBOX", "mail_provider": "google",
              "address": "portal@ministry.example"}  # fmt: skip
    report = sample("gmail_account_does_not_exist.eml", message_id="<unknown@portal.test>")
    report = report.replace(VERP.encode(), b"portal@ministry.example")
    assert handled(portal, keep(portal, report, ["portal@ministry.example"]), **google) == (
        "bounce: not counted, the report is not authenticated"  # no verdict of Google's on it
    )
    genuine = GOOGLE_PASS.format(domain="googlemail.com").encode() + report
    assert handled(portal, keep(portal, genuine, ["portal@ministry.example"]), **google) == (
        "bounce: permanent 5.1.1, score 1"
    )
    assert weights(portal) == [
        ("vong@nra.example", "permanent", 0.0),
        ("vong@nra.example", "permanent", 1.0),
    ]


def test_a_report_linked_by_its_message_id_counts_only_when_authenticated(portal: Portal) -> None:
    """Our Message-ID is known to the recipient and to whoever they copied: not proof enough."""
    factories.register_people(portal)
    sent_to_vong(portal)
    raw = sample("postfix_user_unknown.eml", message_id="<digest-1@portal.test>")
    checked = {"trusted_authserv_id": "mx.portal.test"}
    assert handled(portal, keep(portal, raw, ["submit@portal.test"]), **checked) == (
        "bounce: not counted, the report is not authenticated"
    )
    vouched = (
        b"Authentication-Results: mx.portal.test; dmarc=pass header.from=relay.portal.test\r\n"
        + raw
    )
    assert handled(portal, keep(portal, vouched, ["submit@portal.test"]), **checked) == (
        "bounce: permanent 5.1.1, score 1"
    )


def test_a_report_that_names_another_address_counts_against_nobody(portal: Portal) -> None:
    """Mail to an alias whose one member left: the report names the member, not the alias."""
    factories.register_people(portal)
    sent_to_vong(portal, "info@nra.example", "<digest-info@portal.test>")
    raw = sample("postfix_user_unknown.eml", "left@nra.example", "<digest-info@portal.test>")
    assert handled(portal, keep(portal, raw, ["submit@portal.test"])) == (
        "bounce: not counted, the report names another address"
    )
    expanded = raw.replace(  # the server says which address it expanded: the alias
        b"Original-Recipient: rfc822;left@nra.example",
        b"Original-Recipient: rfc822;info@nra.example",
    )
    assert handled(portal, keep(portal, expanded, ["submit@portal.test"])) == (
        "bounce: permanent 5.1.1, score 1"
    )
    assert weights(portal) == [
        ("info@nra.example", "permanent", 0.0),
        ("info@nra.example", "permanent", 1.0),
    ]


def test_a_report_to_our_signed_address_naming_one_other_address_counts_but_two_do_not(
    portal: Portal,
) -> None:
    """Our envelope was for one recipient: a lone failure is theirs (forwarded on); of two
    failures naming others, none can be told to be theirs."""
    factories.register_people(portal)
    outbox_id = sent_to_vong(portal)
    to = bounces.envelope_sender(portal.settings, outbox_id)
    assert to is not None
    raw = sample("postfix_user_unknown.eml", "vong.saysana@forward.example")
    raw = raw.replace(VERP.encode(), to.encode())
    assert handled(portal, keep(portal, raw, [to])) == "bounce: permanent 5.1.1, score 1"
    two = raw.replace(
        b"Final-Recipient:",
        b"Final-Recipient: rfc822; vong.s@forward.example\r\nAction: failed\r\n"
        b"Status: 5.1.1\r\n\r\nFinal-Recipient:",
        1,
    )
    assert handled(portal, keep(portal, two, [to])) == (
        "bounce: not counted, the report names another address"
    )
    assert weights(portal) == [
        ("vong@nra.example", "permanent", 1.0),
        ("vong@nra.example", "permanent", 0.0),
    ]


def help_from_vong(authentication_results: str = "") -> bytes:
    return (
        f"{authentication_results}From: Vong Saysana <vong@nra.example>\r\n"
        "To: submit@portal.test\r\nSubject: HELP\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@nra.example>\r\n\r\nHELP\r\n"
    ).encode()


def test_only_authenticated_mail_clears_a_bouncing_address(portal: Portal) -> None:
    """HELP is answered even unauthenticated (to the registered address): it clears nothing."""
    factories.register_people(portal)
    with transaction(portal.sessions) as session:
        row = email_address(session, "vong@nra.example")
        assert row is not None
        row.bounce_score, row.last_bounce_at, row.bouncing_since = 2.0, DAY, DAY
    checked = {"trusted_authserv_id": "mx.portal.test"}

    def state() -> tuple[float, bool]:
        with portal.sessions() as session:
            row = email_address(session, "vong@nra.example")
            assert row is not None
            return row.bounce_score, row.is_bouncing

    forged = keep(portal, help_from_vong(), ["submit@portal.test"], "vong@nra.example")
    assert handled(portal, forged, **checked) == "help sent"
    assert state() == (2.0, True)
    results = "Authentication-Results: mx.portal.test; dmarc=pass header.from=nra.example\r\n"
    genuine = keep(portal, help_from_vong(results), ["submit@portal.test"], "vong@nra.example")
    assert handled(portal, genuine, **checked) == "help sent"
    assert state() == (0.0, False)
