"""The email conversation: commands, reply tokens, ownership, loops — through real SMTP."""

from __future__ import annotations

from datetime import timedelta

from bot import tokens
from bot.context import Context
from bot.envelope import Inbound
from bot.records.review import confirm
from store.audit import record_history
from store.base import utcnow
from store.db import transaction
from store.records import Record, by_public_id, list_records
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import RunningPortal, email, reply


def submitted(people: RunningPortal, *, publish: bool = False):  # type: ignore[no-untyped-def]
    """Lao PDR's need, received (and published); returns the receipt."""
    people.send(email("vong@nra.example", "NEED", LAO_NEED))
    receipt, _ = people.mail(2)
    if publish:
        with transaction(people.portal.sessions) as session:
            ctx = Context(
                session,
                people.portal.settings,
                Inbound(channel="cli", sender="cli:test", subject="", text=""),
                None,
            )
            assert confirm(ctx, "N-2026-0001").outcome == "published"
        people.mail(3)
    people.settled()
    return receipt


def new_mail(people: RunningPortal, before: int, count: int):  # type: ignore[no-untyped-def]
    people.settled()
    mails = people.mail(before + count)
    assert len(mails) == before + count
    return mails[before:]


def record(people: RunningPortal, public_id: str = "N-2026-0001") -> Record:
    with people.portal.sessions() as session:
        found = by_public_id(session, public_id)
        assert found is not None
        assert found.revisions and found.actor  # loaded before the session ends
        return found


def test_replying_to_the_receipt_corrects_the_same_record(people: RunningPortal) -> None:
    receipt = submitted(people)
    assert receipt["Reply-To"].startswith("reply+r")
    message, rcpt = reply(receipt, "vong@nra.example", "Amount: 300000 USD")
    people.send(message, recipients=rcpt)
    (update_receipt, to_secretariat) = new_mail(people, 2, 2)
    assert update_receipt["Subject"] == (
        "Updated: N-2026-0001 Technical survey teams for two districts of Savannakhet"
    )
    assert "We have recorded your changes to N-2026-0001 (amount)." in update_receipt.get_content()
    assert "Amount: 300,000 USD" in update_receipt.get_content().splitlines()
    assert to_secretariat["To"] == "isu@ccm.example"
    with people.portal.sessions() as session:
        (only,) = list_records(session)
        assert (only.public_id, only.amount, only.status) == ("N-2026-0001", 300000, "pending")


def test_update_of_a_published_record_waits_while_the_published_text_stays(
    people: RunningPortal,
) -> None:
    submitted(people, publish=True)
    people.send(
        email(
            "vong@nra.example",
            "UPDATE N-2026-0001",
            "Period: 2027-03 to 2028-02\nTitle: Survey teams for Savannakhet",
        )
    )
    (answer, to_secretariat) = new_mail(people, 3, 2)
    body = answer.get_content()
    assert "We have recorded your changes to N-2026-0001 (title, period start, period end)." in body
    assert "The published version stays visible until" in body
    assert to_secretariat["Subject"] == (
        "Changed need to check: N-2026-0001 Survey teams for Savannakhet"
    )
    live = record(people)
    assert (live.title, live.status) == (
        "Technical survey teams for two districts of Savannakhet",
        "published",
    )
    assert [r.status for r in live.revisions] == ["published", "pending"]

    people.send(email("vong@nra.example", "SHOW N-2026-0001", ""))
    (shown,) = new_mail(people, 5, 1)
    assert "A change waits for the Implementation Support Unit" in shown.get_content()
    assert (
        "Title: Technical survey teams for two districts of Savannakhet"
        in shown.get_content().splitlines()
    )

    people.send(email("isu@ccm.example", "CONFIRM N-2026-0001", ""))
    new_mail(people, 6, 2)
    live = record(people)
    assert (live.title, str(live.period_start), live.status) == (
        "Survey teams for Savannakhet",
        "2027-03-01",
        "published",
    )
    with people.portal.sessions() as session:
        actions = [e.action for e in record_history(session, live.id)]
    assert actions == ["created", "published", "revised", "published"]


def test_replying_confirm_to_the_secretariat_notice_publishes_that_record(
    people: RunningPortal,
) -> None:
    submitted(people)
    notice = people.mail(2)[1]
    message, rcpt = reply(notice, "isu@ccm.example", "CONFIRM")
    people.send(message, recipients=rcpt)
    subjects = sorted(m["Subject"] for m in new_mail(people, 2, 2))
    assert subjects == [
        "Confirmed: N-2026-0001",
        "Published: N-2026-0001 Technical survey teams for two districts of Savannakhet",
    ]


def test_a_forwarded_an_altered_and_an_expired_reply_address_change_nothing(
    people: RunningPortal,
) -> None:
    receipt = submitted(people)
    forwarded, rcpt = reply(receipt, "rana@lmac.example", "WITHDRAW")
    people.send(forwarded, recipients=rcpt)
    altered_address = receipt["Reply-To"].replace("reply+r1-", "reply+r2-")
    altered = email("vong@nra.example", "WITHDRAW", "", to=altered_address)
    people.send(altered, recipients=[altered_address])
    old = tokens.reply_address(
        people.portal.settings.secret_key.encode(),
        "portal.test",
        "r",
        1,
        "vong@nra.example",
        utcnow() - timedelta(days=400),
    )
    people.send(email("vong@nra.example", "WITHDRAW", "", to=old), recipients=[old])
    answers = new_mail(people, 2, 3)
    assert [(m["To"], m["Subject"]) for m in answers] == [
        ("rana@lmac.example", "Votre réponse n'a pas pu être utilisée"),
        ("vong@nra.example", "Your reply could not be used"),
        ("vong@nra.example", "Your reply could not be used"),
    ]
    assert "sent to someone else" in answers[0].get_content() or "quelqu'un d'autre" in (
        answers[0].get_content()
    )
    assert "changed or damaged" in answers[1].get_content()
    assert "too old" in answers[2].get_content()
    assert record(people).status == "pending"


def test_another_states_record_looks_like_no_record_at_all(people: RunningPortal) -> None:
    submitted(people, publish=True)
    people.send(email("rana@lmac.example", "WITHDRAW N-2026-0001", ""))
    people.send(email("rana@lmac.example", "WITHDRAW N-2026-0042", ""))
    people.send(email("rana@lmac.example", "UPDATE N-2026-0001", "Amount: 1 USD"))
    theirs, missing = new_mail(people, 3, 2)  # the same error again the same day: no reply
    assert theirs["Subject"].replace("0001", "0042") == missing["Subject"]
    assert theirs.get_content().replace("0001", "0042") == missing.get_content()
    live = record(people)
    assert (live.status, live.amount) == ("published", 250000)


def test_withdraw_fulfilled_and_renew(people: RunningPortal) -> None:
    submitted(people, publish=True)
    before = record(people).renewed_at
    people.send(email("vong@nra.example", "RENEW N-2026-0001", ""))
    (renewed,) = new_mail(people, 3, 1)
    assert renewed["Subject"].startswith("Renewed: N-2026-0001")
    assert record(people).renewed_at > before  # type: ignore[operator]
    people.send(email("vong@nra.example", "FULFILLED N-2026-0001 funded by Norway", ""))
    (fulfilled,) = new_mail(people, 4, 1)
    assert 'Your note: "funded by Norway".' in fulfilled.get_content()
    assert record(people).status == "fulfilled"
    people.send(email("vong@nra.example", "WITHDRAW N-2026-0001", ""))
    (refused,) = new_mail(people, 5, 1)
    assert refused["Subject"] == "N-2026-0001 cannot be withdrawn now"
    assert record(people).status == "fulfilled"


def test_list_shows_my_records_only(people: RunningPortal) -> None:
    submitted(people)
    people.send(email("rana@lmac.example", "NEED", LAO_NEED))  # Lebanon's own need
    people.settled()
    people.send(email("vong@nra.example", "LIST", ""))
    (listing,) = new_mail(people, 4, 1)
    lines = listing.get_content().splitlines()
    assert listing["Subject"] == "Your records: 1"
    assert (
        "  N-2026-0001  pending  Technical survey teams for two districts of Savannakhet" in lines
    )
    assert not any("N-2026-0002" in line for line in lines)


def test_an_out_of_office_reply_to_a_receipt_gets_no_answer(people: RunningPortal) -> None:
    receipt = submitted(people)
    message, rcpt = reply(
        receipt,
        "vong@nra.example",
        "I am out of the office until Monday.",
        subject="Automatic reply: " + receipt["Subject"],
        Auto_Submitted="auto-replied",
    )
    people.send(message, recipients=rcpt)
    assert new_mail(people, 2, 0) == []


def test_the_same_message_twice_in_a_day_is_answered_once(people: RunningPortal) -> None:
    """The limit is on identical messages: whoever tries again differently hears back."""
    broken = LAO_NEED.replace("250k USD", "lots")
    people.send(email("vong@nra.example", "NEED", broken))
    people.send(email("vong@nra.example", "NEED", broken))  # the very same, sent again
    people.send(email("vong@nra.example", "NEED", broken + "\n(again)"))
    people.send(email("vong@nra.example", "NEED", broken.replace("2027-01 to 2027-12", "soon")))
    subjects = [m["Subject"] for m in new_mail(people, 0, 3)]
    assert subjects == [
        "Please correct your need: 1 problem found",
        "Please correct your need: 1 problem found",
        "Please correct your need: 2 problems found",
    ]
    people.settled()
    assert len(people.mail(4, timeout=0.5)) == 3


def test_a_focal_point_of_two_actors_must_name_one(people: RunningPortal) -> None:
    from bot.people import registry

    with transaction(people.portal.sessions) as session:
        registry.add_focal_point(session, actor_name="Iraq", email="vong@nra.example")
    people.send(email("vong@nra.example", "NEED", LAO_NEED))
    (answer,) = new_mail(people, 0, 1)
    assert (
        "- Actor: you speak for several actors (IRQ, LAO); say which one this record "
        'belongs to, e.g. "Actor: IRQ".'
    ) in answer.get_content()
    people.send(email("vong@nra.example", "NEED", "Actor: Lao PDR\n" + LAO_NEED))
    receipt, _ = new_mail(people, 1, 2)
    assert receipt["Subject"].startswith("Received: N-2026-0001")
    assert record(people).actor.code == "LAO"


def test_replying_to_the_error_mail_twice_makes_one_record(people: RunningPortal) -> None:
    people.send(email("vong@nra.example", "NEED", LAO_NEED.replace("250k USD", "lots")))
    (error_mail,) = new_mail(people, 0, 1)
    assert "Amount: lots" in error_mail.get_content().splitlines()
    corrected = error_mail.get_content().split("reply to this mail.\n\n", 1)[1]
    first, rcpt = reply(
        error_mail, "vong@nra.example", corrected.replace("Amount: lots", "Amount: 250000 USD")
    )
    people.send(first, recipients=rcpt)
    receipt, _ = new_mail(people, 1, 2)
    assert receipt["Subject"].startswith("Received: N-2026-0001 ")
    second, rcpt = reply(error_mail, "vong@nra.example", "Amount: 275000 USD")
    people.send(second, recipients=rcpt)
    update, _ = new_mail(people, 3, 2)
    assert update["Subject"].startswith("Updated: N-2026-0001 ")
    with people.portal.sessions() as session:
        (only,) = list_records(session)
        assert (only.public_id, only.amount) == ("N-2026-0001", 275000)


def test_contact_reaches_the_owners_without_showing_their_address(people: RunningPortal) -> None:
    submitted(people, publish=True)
    people.send(
        email(
            "donor@ministry.example",
            "CONTACT N-2026-0001",
            "We could fund two of the six teams. Who should we talk to?",
        )
    )
    sent, forwarded = sorted(new_mail(people, 3, 2), key=lambda m: m["To"])
    assert sent["To"] == "donor@ministry.example"
    assert sent["Subject"] == "Sent to the owners of N-2026-0001"
    assert "vong@nra.example" not in sent.get_content()
    assert forwarded["To"] == "vong@nra.example"
    assert forwarded["Subject"] == "About your N-2026-0001: a message from donor@ministry.example"
    assert "We could fund two of the six teams." in forwarded.get_content()
    people.send(email("donor@ministry.example", "CONTACT N-2026-0001", "Again?"))
    assert new_mail(people, 5, 0) == []  # once a day per sender and record
