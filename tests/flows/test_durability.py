"""Nothing accepted is lost: 451 when we cannot store, failed items kept and retried."""

from __future__ import annotations

import smtplib
from email import policy

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from bot.cli import cli
from bot.people import registry
from bot.pipeline import processor as processor_module
from store.db import transaction
from store.inbox import InboxItem
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import RunningPortal, email

REFUSE = {
    "sqlite": [
        "CREATE TRIGGER refuse_inbox BEFORE INSERT ON inbox_items "
        "BEGIN SELECT RAISE(ABORT, 'disk is full'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_inbox() RETURNS trigger AS "
        "$$ BEGIN RAISE EXCEPTION 'disk is full'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_inbox BEFORE INSERT ON inbox_items "
        "FOR EACH ROW EXECUTE FUNCTION refuse_inbox()",
    ],
}
ALLOW = {
    "sqlite": ["DROP TRIGGER refuse_inbox"],
    "postgresql": ["DROP TRIGGER refuse_inbox ON inbox_items", "DROP FUNCTION refuse_inbox()"],
}


def execute(running: RunningPortal, statements: list[str]) -> None:
    with running.portal.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


@pytest.fixture
def focal_point(running: RunningPortal) -> RunningPortal:
    with transaction(running.portal.sessions) as session:
        registry.add_focal_point(session, actor_name="LAO", email="vong@nra.example")
    return running


def test_a_database_that_cannot_be_written_answers_451_then_keeps_the_retry_once(
    focal_point: RunningPortal,
) -> None:
    dialect = focal_point.portal.engine.dialect.name
    message = email("vong@nra.example", "NEED", LAO_NEED)
    execute(focal_point, REFUSE[dialect])
    with pytest.raises(smtplib.SMTPDataError) as refused:
        focal_point.send(message)
    assert refused.value.smtp_code == 451
    assert refused.value.smtp_error == b"4.3.0 Temporary failure, please try again later"
    with focal_point.portal.sessions() as session:
        assert session.query(InboxItem).count() == 0

    execute(focal_point, ALLOW[dialect])
    focal_point.send(message)  # the sending server retries
    focal_point.send(message)  # and, unsure, once more
    focal_point.settled()
    with focal_point.portal.sessions() as session:
        assert session.query(InboxItem).count() == 1
    assert [m["Subject"][:21] for m in focal_point.mail(1)] == ["Received: N-2026-0001"]


def test_a_message_that_makes_the_processor_fail_is_kept_and_retried(
    focal_point: RunningPortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_handle = processor_module.handle

    def handle_with_a_bug(session, settings, item, **options):  # type: ignore[no-untyped-def]
        if b"POISON" in item.raw:
            raise RuntimeError("a bug met this message")
        return real_handle(session, settings, item, **options)

    monkeypatch.setattr(processor_module, "handle", handle_with_a_bug)
    focal_point.send(email("vong@nra.example", "NEED", LAO_NEED + "POISON\n"))
    focal_point.send(email("vong@nra.example", "NEED", LAO_NEED))
    focal_point.settled()
    (receipt,) = focal_point.mail(1)
    assert receipt["Subject"].startswith("Received: N-2026-0001 ")
    with focal_point.portal.sessions() as session:
        first, second = session.query(InboxItem).order_by(InboxItem.id).all()
        assert (first.status, first.error) == ("failed", "RuntimeError: a bug met this message")
        assert (second.status, second.outcome) == ("done", "need N-2026-0001 created")

    settings = focal_point.portal.settings
    monkeypatch.setenv("PORTAL_HOME", str(settings.home))
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url)
    listed = CliRunner().invoke(cli, ["inbox", "list", "--failed"]).output.splitlines()
    assert len(listed) == 3 and listed[-1] == "1 item(s)"
    assert listed[1].split()[0] == str(first.id)
    assert listed[1].split()[-9:] == [
        "vong@nra.example",
        "failed",
        "1",
        "RuntimeError:",
        "a",
        "bug",
        "met",
        "this",
        "message",
    ]
    monkeypatch.setattr(processor_module, "handle", real_handle)  # the bug is fixed
    retried = CliRunner().invoke(cli, ["inbox", "retry", str(first.id)])
    assert retried.output == f"inbox item {first.id} will be processed again\n"
    focal_point.settled()
    assert [m["Subject"][:21] for m in focal_point.mail(2)] == [
        "Received: N-2026-0001",
        "Received: N-2026-0002",
    ]
    with focal_point.portal.sessions() as session:
        assert session.get_one(InboxItem, first.id).status == "done"


def test_recipients_other_than_ours_are_refused(focal_point: RunningPortal) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        focal_point.send(
            email("vong@nra.example", "NEED", LAO_NEED), recipients=["postmaster@portal.test"]
        )
    assert refused.value.recipients["postmaster@portal.test"][0] == 550
    accepted = focal_point.send(
        email("vong@nra.example", "NEED", LAO_NEED),
        recipients=["reply+abc.def@portal.test", "other@elsewhere.example"],
    )
    assert accepted == {"other@elsewhere.example": (550, b"5.1.1 No such recipient here")}


def test_a_message_over_the_size_limit_is_refused_with_552(
    settings,
    portal,  # type: ignore[no-untyped-def]
) -> None:
    from bot.app import Portal
    from tests.harness import RunningPortal, free_port

    small = Portal.open(
        settings.with_changes(smtp_listen=f"127.0.0.1:{free_port()}", max_message_size=2000)
    )
    server = RunningPortal(small).start()
    try:
        with smtplib.SMTP(server.host, server.port) as client:
            client.ehlo()
            assert client.has_extn("size") and client.esmtp_features["size"] == "2000"
        big = email("vong@nra.example", "NEED", LAO_NEED * 10)
        with pytest.raises(smtplib.SMTPSenderRefused) as announced:
            server.send(big)  # smtplib announces SIZE=..., refused at MAIL FROM
        assert announced.value.smtp_code == 552
        with smtplib.SMTP(server.host, server.port) as client:
            client.ehlo()
            client.mail("vong@nra.example")  # no SIZE: refused after DATA
            client.rcpt("submit@portal.test")
            assert client.data(big.as_bytes(policy=policy.SMTP))[0] == 552
        with small.sessions() as session:
            assert session.query(InboxItem).count() == 0
    finally:
        server.stop()
        small.close()
