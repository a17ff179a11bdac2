"""SMTP greets before intake's database is open; a message sent meanwhile is answered 250 once
it is committed, never before (bot.pipeline.opening)."""

from __future__ import annotations

import asyncio
import smtplib
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from email.message import EmailMessage

from sqlalchemy import func, select

from bot.app import Portal
from bot.config import Settings
from bot.pipeline.opening import OpeningIntake
from bot.runner import smtp_service
from bot.services import Shared, run_services
from store.inbox import InboxItem
from tests.harness import free_port


def message() -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "vong@nra.example", "submit@portal.test", "HELP"
    mail["Message-ID"] = "<opening-1@nra.example>"
    mail.set_content("HELP")
    return mail


def kept(portal: Portal) -> int:
    with portal.sessions() as session:
        return session.scalar(select(func.count()).select_from(InboxItem)) or 0


def test_smtp_greets_before_the_database_opens_and_keeps_what_came_meanwhile(
    settings: Settings,
) -> None:
    portal = Portal.open(settings.with_changes(smtp_listen=f"127.0.0.1:{free_port()}"))
    host, port = portal.settings.smtp_host_port
    told = threading.Event()
    shared = Shared(listening=told.set)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    portal._opening.acquire()  # the database cannot open until the test lets it
    serving = threading.Thread(
        target=loop.run_until_complete, args=(run_services(portal, [smtp_service], stop, shared),)
    )
    serving.start()
    try:
        client = None
        for _ in range(200):
            try:
                client = smtplib.SMTP(host, port, timeout=30)
                break
            except OSError:
                threading.Event().wait(0.05)
        assert client is not None  # greeted 220 (smtplib raises otherwise)
        with ThreadPoolExecutor(1) as pool:
            sending = pool.submit(client.send_message, message())
            assert not told.wait(0.5)  # intake does not say it takes mail: its database is shut
            assert not sending.done()  # no 250 before the message is committed
            portal._opening.release()
            assert sending.result(timeout=30) == {}  # 250, every recipient taken
        client.quit()
        assert told.is_set()
        assert kept(portal) == 1
    finally:
        if portal._opening.locked():
            portal._opening.release()
        loop.call_soon_threadsafe(stop.set)
        serving.join(30)
        loop.close()
        portal.close()


class Intake:
    """A real intake's answer, given at once: the item id is the number of messages so far."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[str, list[str], str | None, bytes]] = []

    def submit(
        self, sender: str, recipients: list[str], message_id: str | None, raw: bytes
    ) -> Future[int]:
        self.arrivals.append((sender, recipients, message_id, raw))
        done: Future[int] = Future()
        done.set_result(len(self.arrivals))
        return done


def test_what_waited_goes_to_the_intake_in_order_then_what_comes_next() -> None:
    opening = OpeningIntake()
    first = opening.submit("a@x.example", ["submit@portal.test"], "<1@x>", b"one")
    second = opening.submit("b@x.example", ["submit@portal.test"], "<2@x>", b"two")
    assert (first.done(), second.done()) == (False, False)
    intake = Intake()
    opening.opened(intake)
    third = opening.submit("c@x.example", ["submit@portal.test"], "<3@x>", b"three")
    assert [first.result(0), second.result(0), third.result(0)] == [1, 2, 3]
    assert [raw for *_, raw in intake.arrivals] == [b"one", b"two", b"three"]


def test_a_database_that_cannot_open_fails_those_waiting_and_those_to_come() -> None:
    opening = OpeningIntake()
    waiting = opening.submit("a@x.example", ["submit@portal.test"], "<1@x>", b"one")
    opening.failed(RuntimeError("the database cannot be used"))
    later = opening.submit("b@x.example", ["submit@portal.test"], "<2@x>", b"two")
    for future in (waiting, later):
        assert str(future.exception(0)) == "the database cannot be used"
