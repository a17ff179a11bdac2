"""`portal run` as separate processes: a part that freezes or dies holds nothing else up."""

from __future__ import annotations

import os
import re
import signal
import smtplib
import subprocess
import threading
import time
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import pytest

from bot.app import Portal
from bot.config import Settings
from store import inbox
from tests.faults.conftest import RunPortal
from tests.faults.process import PORTAL, PortalProcess, database_counts, prepare_home
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import email, read_maildir

# Loaded by every process of the portal through PYTHONPATH: handling a message whose subject
# says FREEZE runs a regular expression that backtracks for hours, holding the interpreter the
# way a pathological input once did.
FREEZING = """
import re
import bot.pipeline.handle

_handle = bot.pipeline.handle.handle

def handle(session, settings, item, *, inbound):
    if "FREEZE" in inbound.subject:
        re.match(r"(x+x+)+y", "x" * 64)
    return _handle(session, settings, item, inbound=inbound)

bot.pipeline.handle.handle = handle
"""


@pytest.fixture
def home(tmp_path: Path, sqlite_template: Path) -> Settings:
    return prepare_home(tmp_path / "var", sqlite_template)


def need(number: int) -> EmailMessage:
    return email(
        "vong@nra.example", "NEED", LAO_NEED.replace("two districts", f"district {number}")
    )


def send(port: int, message: EmailMessage, deadline: float) -> None:
    """As a sending mail server does: on a refused connection, a dropped one or a 4xx, try the
    same message (same Message-ID) again a little later."""
    while True:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                client.send_message(message)
            return
        except (OSError, smtplib.SMTPException):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def answers(settings: Settings) -> Counter[str]:
    """How many mails the portal wrote in answer to each Message-ID."""
    return Counter(str(mail["In-Reply-To"]) for mail in read_maildir(settings.maildir))


def test_a_message_that_holds_a_processor_past_its_time_is_set_aside_and_nothing_waits(
    home: Settings, run_portal: RunPortal, tmp_path: Path
) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(FREEZING)
    portal = run_portal(home, PYTHONPATH=str(hooks), PORTAL_PROCESSING_TIMEOUT="5")
    frozen = email("vong@nra.example", "NEED FREEZE", LAO_NEED)
    with smtplib.SMTP("127.0.0.1", portal.port, timeout=10) as client:
        assert client.send_message(frozen) == {}
    # While the processor is stuck on the first message, a second one is accepted at once.
    deadline = time.monotonic() + 30
    while database_counts(home).get("processing", 0) != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    second = need(2)
    with smtplib.SMTP("127.0.0.1", portal.port, timeout=10) as client:
        assert client.send_message(second) == {}
    assert database_counts(home)["processing"] == 1  # the first is still being handled

    portal.wait_for_log(r"processor-1 \(pid \d+\) held inbox item 1 for more than 5 s")
    portal.wait_until_settled(timeout=30)
    assert portal.stop() == 0
    counts = database_counts(home)
    assert (counts["quarantined"], counts["done"], counts["records"]) == (1, 1, 1)
    opened = Portal.open(home)
    with opened.sessions() as session:
        item = session.get_one(inbox.InboxItem, 1)
        assert (item.status, item.error) == ("quarantined", "handling it took longer than 5 s")
    opened.close()
    replies = {
        str(mail["In-Reply-To"]): str(mail["Subject"]) for mail in read_maildir(home.maildir)
    }
    assert replies == {
        frozen["Message-ID"]: "We could not process your message",
        second["Message-ID"]: replies[second["Message-ID"]],
    }
    assert replies[second["Message-ID"]].startswith("Received: N-")
    assert answers(home) == Counter({frozen["Message-ID"]: 1, second["Message-ID"]: 1})


@pytest.mark.parametrize("part", ["intake", "processor-1", "delivery", "scheduler"])
def test_a_part_killed_during_a_burst_is_restarted_and_every_message_is_answered_once(
    home: Settings, run_portal: RunPortal, part: str
) -> None:
    portal = run_portal(home)
    messages = [need(number) for number in range(30)]
    deadline = time.monotonic() + 60
    sent: list[str] = []

    def burst() -> None:
        for message in messages:
            send(portal.port, message, deadline)
            sent.append(message["Message-ID"])

    sender = threading.Thread(target=burst)
    sender.start()
    while len(sent) < 10 and sender.is_alive():
        time.sleep(0.01)
    victim = portal.pid_of(part)
    os.kill(victim, signal.SIGKILL)
    sender.join(90)
    assert len(sent) == 30
    portal.wait_for_log(rf"{part} \(pid {victim}\) was killed by signal 9; restarting")
    portal.wait_for_log(rf"{part} started \(pid (?!{victim}\))\d+\)")
    portal.wait_until_settled(timeout=30)  # nothing waits for a lease to run out
    assert portal.stop() == 0
    assert database_counts(home) == {"done": 30, "records": 30, "waiting": 0}
    assert answers(home) == Counter({message_id: 1 for message_id in sent})


def test_intake_starts_alone_and_the_others_once_smtp_greets(
    home: Settings, run_portal: RunPortal
) -> None:
    """So that SMTP greets sooner after `portal run` (issue 19): the other parts would import
    and open their database on the same cores at the same time."""
    portal = run_portal(home)
    portal.wait_for_log(r"scheduler started")
    events = [
        found.group(0)
        for line in portal.log
        if (found := re.search(r"(\S+) started \(pid|SMTP listening", line))
    ]
    assert [event.removesuffix(" (pid") for event in events] == [
        "intake started",
        "SMTP listening",
        "processor-1 started",
        "delivery started",
        "scheduler started",
    ]


def test_sigterm_stops_the_parts_in_order(home: Settings, run_portal: RunPortal) -> None:
    portal = run_portal(home)
    portal.wait_for_log(r"scheduler started")
    assert portal.process is not None
    portal.process.send_signal(signal.SIGTERM)
    assert portal.process.wait(30) == 0
    said = [
        line.split("bot.supervisor: ")[1].strip() for line in portal.log if "bot.supervisor" in line
    ]
    assert [line for line in said if line.endswith(" stopped")] == [
        "intake stopped",
        "processor-1 stopped",
        "delivery stopped",
        "scheduler stopped",
        "portal stopped",
    ]


def test_the_parts_die_with_a_killed_supervisor(home: Settings, run_portal: RunPortal) -> None:
    portal = run_portal(home)
    portal.wait_for_log(r"scheduler started")
    parts = [portal.pid_of(name) for name in ("intake", "processor-1", "delivery", "scheduler")]
    portal.kill()
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in parts) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in parts if running(pid)] == []


def running(pid: int) -> bool:
    """Whether a process runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_restarted_intake_keeps_its_port(home: Settings, run_portal: RunPortal) -> None:
    portal: PortalProcess = run_portal(home)
    intake = portal.pid_of("intake")
    os.kill(intake, signal.SIGKILL)
    portal.wait_for_log(rf"intake \(pid {intake}\) was killed by signal 9")
    message = need(1)
    send(portal.port, message, time.monotonic() + 30)
    portal.wait_until_settled(timeout=30)
    assert portal.stop() == 0
    assert answers(home) == Counter({message["Message-ID"]: 1})


def test_a_second_portal_on_the_same_home_is_refused(home: Settings, run_portal: RunPortal) -> None:
    first = run_portal(home)
    second = subprocess.run(
        [PORTAL, "run"], env=first.env, capture_output=True, text=True, timeout=60
    )
    assert second.returncode == 1
    assert second.stderr.splitlines()[-1] == (
        f"Error: another `portal run` is using {home.home.resolve()}: stop it first "
        "(one portal per PORTAL_HOME)"
    )
    assert first.process is not None and first.process.poll() is None
