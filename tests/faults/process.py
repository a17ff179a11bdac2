"""`portal run` as a real process on a SQLite home, to be killed, restarted and starved."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from bot.app import Portal
from bot.config import Settings
from bot.people import registry
from store.db import transaction
from store.inbox import InboxItem
from store.outbox import OutboxItem
from store.records import Record
from tests.harness import read_maildir

PORTAL = str(Path(sys.executable).parent / "portal")
LISTENING = re.compile(r"SMTP listening on 127\.0\.0\.1:(\d+) ")


def prepare_home(home: Path, template: Path) -> Settings:
    """A migrated SQLite home with the focal point of Lao PDR registered."""
    home.mkdir(parents=True)
    shutil.copy(template, home / "portal.db")
    settings = Settings(home=home, domain="portal.test", secret_key="test-secret-key")
    portal = Portal.open(settings)
    with transaction(portal.sessions) as session:
        registry.add_focal_point(session, actor_name="LAO", email="vong@nra.example")
    portal.close()
    return settings


class PortalProcess:
    """One `portal run`; its log is read in a thread so that the pipe never fills."""

    def __init__(
        self, settings: Settings, preexec_fn: Callable[[], None] | None = None, **env: str
    ) -> None:
        self.settings = settings
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        self.env.update(
            PORTAL_HOME=str(settings.home),
            PORTAL_DOMAIN=settings.domain,
            PORTAL_SECRET_KEY=settings.secret_key,
            PORTAL_SMTP_LISTEN="127.0.0.1:0",
            PORTAL_LOG_LEVEL="INFO",
            **env,
        )
        self.preexec_fn = preexec_fn
        self.log: list[str] = []
        self.port = 0
        self.process: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 30.0) -> PortalProcess:
        self.process = subprocess.Popen(
            [PORTAL, "run"],
            env=self.env,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=self.preexec_fn,  # noqa: PLW1509 (a resource limit for the child only)
        )
        listening, running = threading.Event(), threading.Event()
        threading.Thread(target=self._read_log, args=(listening, running), daemon=True).start()
        # Intake may listen before the supervisor has made the database ready (loaded the
        # actors, given back the leases): the portal runs once both are done.
        if not (listening.wait(timeout) and running.wait(timeout)):
            self.kill()
            raise AssertionError("portal run did not listen:\n" + "".join(self.log))
        return self

    def _read_log(self, listening: threading.Event, running: threading.Event) -> None:
        assert self.process is not None and self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)
            found = LISTENING.search(line)
            if found:
                self.port = int(found.group(1))
                listening.set()
            if "portal running" in line:
                running.set()

    def pid_of(self, part: str, timeout: float = 30.0) -> int:
        """The process id of a part of this `portal run` ("processor-1"), as its log says last;
        waited for, as intake starts first and the other parts once SMTP greets."""
        pattern = rf"\b{re.escape(part)} started \(pid (\d+)\)"
        self.wait_for_log(pattern, timeout)
        for line in reversed(self.log):
            found = re.search(pattern, line)
            if found:
                return int(found.group(1))
        raise AssertionError(f"no {part} started:\n" + "".join(self.log))

    def wait_for_log(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        """The first log line matching `pattern`, waited for."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.log):
                found = re.search(pattern, line)
                if found:
                    return found
            time.sleep(0.05)
        raise AssertionError(f"nothing in the log matches {pattern!r}:\n" + "".join(self.log))

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or closed."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def kill_if_running(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()

    def stop(self) -> int:
        """Ctrl-C, as a person stops it; returns the exit status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(30)

    def wait_until_settled(self, timeout: float = 8.0) -> None:
        """Until nothing waits in the inbox or outbox (read from the database itself)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counts = database_counts(self.settings)
            if counts["waiting"] == 0:
                return
            time.sleep(0.05)
        raise AssertionError(f"the portal did not settle: {counts}\n" + "".join(self.log))


def database_counts(settings: Settings) -> dict[str, int]:
    """Inbox items by status, records, and what still waits, read by a separate connection."""
    portal = Portal.open(settings)
    try:
        with portal.sessions() as session:
            statuses = dict(
                session.execute(
                    select(InboxItem.status, func.count()).group_by(InboxItem.status)
                ).all()
            )
            waiting_out = session.scalar(
                select(func.count())
                .select_from(OutboxItem)
                .where(OutboxItem.status.in_(("pending", "sending")))
            )
            records = session.scalar(select(func.count()).select_from(Record))
    finally:
        portal.close()
    waiting = statuses.get("new", 0) + statuses.get("processing", 0) + (waiting_out or 0)
    return {**statuses, "records": records or 0, "waiting": waiting}


def receipts(settings: Settings) -> list[str]:
    return [str(m["Subject"]) for m in read_maildir(settings.maildir)]
