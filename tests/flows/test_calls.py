"""Calls for information: one mail per focal point, answers counted, reminders, resumable sends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.calls import campaign as calls_module
from bot.records.review import confirm
from store.base import utcnow
from store.calls import CallRecipient
from store.db import transaction
from store.outbox import OutboxItem
from store.records import list_records
from tests.factories import context
from tests.flows.test_conversation import new_mail
from tests.flows.test_need_by_email import LAO_NEED, run_cli
from tests.harness import RunningPortal, email, reply

SECOND_NEED = LAO_NEED.replace(
    "Technical survey teams for two districts of Savannakhet", "Victim assistance in Xieng Khouang"
).replace("technical survey, clearance", "victim assistance")
THIRD_NEED = LAO_NEED.replace(
    "Technical survey teams for two districts of Savannakhet", "Risk education in schools"
).replace("technical survey, clearance", "risk education")


@pytest.fixture
def called(people: RunningPortal, monkeypatch: pytest.MonkeyPatch) -> RunningPortal:
    """Lao PDR has a published need; a call goes to Lao PDR, Lebanon and NPA."""
    monkeypatch.setenv("PORTAL_CALL_RATE", "6000")  # pacing has its own test
    people.send(email("vong@nra.example", "NEED", LAO_NEED))
    new_mail(people, 0, 2)
    with transaction(people.portal.sessions) as session:
        assert confirm(context(session, people.portal, utcnow()), "N-2026-0001").outcome
    new_mail(people, 2, 1)
    created = run_cli(
        people,
        monkeypatch,
        "call",
        "create",
        "--title",
        "Needs and offers before the 15th Meeting of States Parties",
        "--deadline",
        "2027-08-01",
        "--actor",
        "LAO",
        "--actor",
        "Liban",
        "--actor",
        "NPA",
    )
    assert created == "call 1 created for 3 actor(s)\n"
    assert run_cli(people, monkeypatch, "call", "send", "1") == (
        "call 1: 3 mail(s) queued, 0 already sent, 0 actor(s) without a focal point\n"
    )
    return people


def test_one_mail_per_focal_point_in_their_language(called: RunningPortal) -> None:
    mails = {m["To"]: m for m in new_mail(called, 3, 3)}
    assert sorted(mails) == ["kari@npaid.example", "rana@lmac.example", "vong@nra.example"]
    lao = mails["vong@nra.example"]
    assert lao["Subject"] == "Needs and offers before the 15th Meeting of States Parties"
    assert lao["Reply-To"].startswith("reply+c")
    body = lao.get_content()
    assert "Record: N-2026-0001" in body.splitlines()
    assert "by 2027-08-01" in body
    assert body.count("Title: \n") == 2  # a blank need and a blank offer
    assert "N-2026-0001" not in mails["kari@npaid.example"].get_content()
    assert "Fiche :" not in mails["rana@lmac.example"].get_content()  # Lebanon has no records
    assert mails["rana@lmac.example"].get_content() != body
    assert mails["rana@lmac.example"].get_content().startswith("Bonjour Rana Haddad,\n")


def test_answers_are_counted_and_reminders_go_to_the_silent(
    called: RunningPortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    mails = {m["To"]: m for m in new_mail(called, 3, 3)}
    answer, rcpt = reply(
        mails["vong@nra.example"],
        "vong@nra.example",
        f"RENEW N-2026-0001\n\n{SECOND_NEED}\n{THIRD_NEED}",
    )
    called.send(answer, recipients=rcpt)
    receipt = new_mail(called, 6, 3)  # the receipt, and the secretariat told of two needs
    lao_receipt = next(m for m in receipt if m["To"] == "vong@nra.example")
    body = lao_receipt.get_content()
    assert "N-2026-0002" in body and "N-2026-0003" in body
    assert "N-2026-0001  renewed" in body
    with called.portal.sessions() as session:
        titles = sorted(r.title for r in list_records(session))
    assert titles == [
        "Risk education in schools",
        "Technical survey teams for two districts of Savannakhet",
        "Victim assistance in Xieng Khouang",
    ]

    no_change, rcpt = reply(mails["rana@lmac.example"], "rana@lmac.example", "PAS DE CHANGEMENT")
    called.send(no_change, recipients=rcpt)
    new_mail(called, 9, 1)

    status = run_cli(called, monkeypatch, "call", "status", "1").splitlines()
    assert [line.split()[:3] for line in status[2:5]] == [
        ["NPA", "kari@npaid.example", "silent"],
        ["LAO", "vong@nra.example", "updated"],
        ["LBN", "rana@lmac.example", "no"],  # "no change"
    ]
    assert status[5] == "2 of 3 answered"
    assert run_cli(called, monkeypatch, "call", "remind", "1") == (
        "call 1: 0 reminder(s) queued, 3 not due\n"
    )  # not within a week of the call

    later = utcnow() + timedelta(days=8)
    report = calls_module.send(
        called.portal.sessions, called.portal.settings, 1, later, remind=True
    )
    assert (report.queued, report.already) == (1, 2)
    with called.portal.sessions() as session:  # due in eight days, so still in the outbox
        (reminder,) = session.scalars(
            select(OutboxItem).where(OutboxItem.subject.startswith("Reminder:"))
        ).all()
    assert (reminder.recipient, reminder.subject) == (
        "kari@npaid.example",
        "Reminder: Needs and offers before the 15th Meeting of States Parties",
    )
    again = calls_module.send(
        called.portal.sessions, called.portal.settings, 1, later + timedelta(days=1), remind=True
    )
    assert again.queued == 0  # at most once a week


def test_the_email_status_for_the_secretariat(called: RunningPortal) -> None:
    new_mail(called, 3, 3)
    called.send(email("isu@ccm.example", "CALL STATUS 1", ""))
    (status,) = new_mail(called, 6, 1)
    assert status["Subject"] == "Call 1: 0 of 3 answered"
    assert "  NPA      kari@npaid.example" in status.get_content()


def test_an_answer_from_a_colleague_waits_for_the_focal_point(called: RunningPortal) -> None:
    mails = {m["To"]: m for m in new_mail(called, 3, 3)}
    forwarded, rcpt = reply(mails["vong@nra.example"], "deputy@nra.example", SECOND_NEED)
    called.send(forwarded, recipients=rcpt)
    held, asked = sorted(new_mail(called, 6, 2), key=lambda m: m["To"])
    assert held["To"] == "deputy@nra.example"
    assert asked["To"] == "vong@nra.example"
    with called.portal.sessions() as session:
        assert len(list_records(session)) == 1  # nothing changed yet
    confirmation, rcpt = reply(asked, "vong@nra.example", "OK")
    called.send(confirmation, recipients=rcpt)
    new_mail(called, 8, 2)  # the receipt and the secretariat's notice
    with called.portal.sessions() as session:
        titles = [r.title for r in list_records(session)]
        row = session.scalars(
            select(CallRecipient).where(CallRecipient.address == "vong@nra.example")
        ).one()
    assert titles[-1] == "Victim assistance in Xieng Khouang"
    assert row.answer == "updated"


def test_a_send_killed_half_way_mails_each_remaining_one_once(
    people: RunningPortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_CALL_RATE", "6000")
    run_cli(
        people,
        monkeypatch,
        "call",
        "create",
        "--title",
        "Call",
        "--actor",
        "LAO",
        "--actor",
        "LBN",
        "--actor",
        "NPA",
    )
    real = calls_module._queue_one
    calls_seen: list[int] = []

    def dies_on_the_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls_seen.append(1)
        if len(calls_seen) == 2:
            raise SystemExit("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(calls_module, "_queue_one", dies_on_the_second)
    with pytest.raises(SystemExit):
        calls_module.send(people.portal.sessions, people.portal.settings, 1, utcnow())
    assert [m["To"] for m in new_mail(people, 0, 1)] == ["kari@npaid.example"]  # NGOs sort first
    monkeypatch.setattr(calls_module, "_queue_one", real)
    assert run_cli(people, monkeypatch, "call", "send", "1") == (
        "call 1: 2 mail(s) queued, 1 already sent, 0 actor(s) without a focal point\n"
    )
    assert sorted(m["To"] for m in new_mail(people, 1, 2)) == [
        "rana@lmac.example",
        "vong@nra.example",
    ]


def test_a_reminder_goes_in_the_language_learned_since_the_call(called: RunningPortal) -> None:
    """NPA's focal point, registered without a language, got the call in English; since then
    they wrote in Spanish: the reminder is in Spanish."""
    mails = {m["To"]: m for m in new_mail(called, 3, 3)}
    assert mails["kari@npaid.example"].get_content().startswith("Dear Kari Nordmann,\n")
    called.send(email("kari@npaid.example", "Lista", "Hola, ¿nos pueden enviar la lista? Gracias"))
    new_mail(called, 6, 1)
    later = utcnow() + timedelta(days=8)
    report = calls_module.send(
        called.portal.sessions, called.portal.settings, 1, later, remind=True
    )
    assert report.queued == 3  # nobody has answered
    with called.portal.sessions() as session:
        calls = session.scalars(
            select(OutboxItem).where(OutboxItem.kind == "call").order_by(OutboxItem.id)
        ).all()
        reminders = {item.recipient: item.subject for item in calls[3:]}
    title = "Needs and offers before the 15th Meeting of States Parties"
    assert reminders == {
        "kari@npaid.example": f"Recordatorio: {title}",
        "rana@lmac.example": f"Rappel : {title}",
        "vong@nra.example": f"Reminder: {title}",
    }
