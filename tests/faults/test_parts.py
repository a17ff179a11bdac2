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
    # One processor: the second message waits behind the frozen one until it is set aside.
    portal = run_portal(
        home, PYTHONPATH=str(hooks), PORTAL_PROCESSING_TIMEOUT="5", PORTAL_PROCESSORS="1"
    )
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
    portal = run_portal(home, PORTAL_PROCESSORS="2")
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
        "processor-2 started",
        "delivery started",
        "scheduler started",
    ]


def test_one_processor_per_core_unless_told(home: Settings, run_portal: RunPortal) -> None:
    cores = len(os.sched_getaffinity(0))
    portal = run_portal(home)  # PORTAL_PROCESSORS unset: 0, one per core
    portal.wait_for_log(rf"processor-{cores} started")
    portal.wait_for_log(r"scheduler started")
    started = {found.group(1) for line in portal.log if (found := PROCESSOR_STARTED.search(line))}
    assert started == {str(n) for n in range(1, cores + 1)}


PROCESSOR_STARTED = re.compile(r"processor-(\d+) started")


def test_the_parts_nobody_waits_on_run_nicer_than_intake(
    home: Settings, run_portal: RunPortal
) -> None:
    portal = run_portal(home, PORTAL_PROCESSORS="1")
    base = os.getpriority(os.PRIO_PROCESS, 0)
    expected = {
        "intake": base,
        "processor-1": min(base + 10, 19),
        "delivery": min(base + 10, 19),
        "scheduler": min(base + 10, 19),
    }
    pids = {part: portal.pid_of(part) for part in expected}
    deadline = time.monotonic() + 30  # a part lowers its priority once its imports are done
    while True:
        niceness = {part: os.getpriority(os.PRIO_PROCESS, pid) for part, pid in pids.items()}
        if niceness == expected or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert niceness == expected


def test_intake_answers_250_at_once_while_a_killed_processor_is_restarted(
    home: Settings, run_portal: RunPortal
) -> None:
    """Every message of a burst is taken at its first try (no 4xx, no refused connection) while
    the processors are killed in the middle of it; all are then handled, each answered once."""
    portal = run_portal(home, PORTAL_PROCESSORS="2")
    portal.wait_for_log(r"processor-2 started")
    messages = [need(number) for number in range(40)]
    victims = []
    with smtplib.SMTP("127.0.0.1", portal.port, timeout=30) as client:
        for number, message in enumerate(messages):
            if number in (10, 25):  # one processor, then the other (or its new process)
                victim = portal.pid_of(f"processor-{1 + len(victims)}")
                os.kill(victim, signal.SIGKILL)
                victims.append(victim)
            client.send_message(message)  # raises on anything but 250
    for victim in victims:
        portal.wait_for_log(rf"\(pid {victim}\) was killed by signal 9; restarting")
    portal.wait_until_settled(timeout=60)
    assert portal.stop() == 0
    assert database_counts(home) == {"done": 40, "records": 40, "waiting": 0}
    assert answers(home) == Counter({message["Message-ID"]: 1 for message in messages})


def test_sigterm_stops_the_parts_in_order(home: Settings, run_portal: RunPortal) -> None:
    portal = run_portal(home, PORTAL_PROCESSORS="1")
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
