"""`portal run`: each part in its own process, restarted when it dies, stopped in order.

As Mailman 3's master watches its runners, the supervisor starts intake (the SMTP listener, the
Telegram poller, the HTTP side), the processors, delivery and the scheduler as separate
processes (`python -m bot.part`), so that nothing one part does can hold another: a message that
takes a processor minutes never delays a 250. The supervisor itself opens the listening sockets
(a restarted intake serves the same ports, and connections wait in the backlog meanwhile), makes
the doorbells between the parts, and reads from each processor which inbox item it is handling.
A processor that holds one item longer than PORTAL_PROCESSING_TIMEOUT is killed and restarted,
and the item is set aside at once with that reason (never tried again in a loop). On SIGINT or
SIGTERM the parts stop in order: intake first (what it holds is committed), then the processors
(each finishes its item), delivery, and the scheduler.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.doorbell import Doorbell
from bot.errors import ConfigError
from bot.masking import url_without_password
from bot.part import EX_CONFIG
from bot.runner import PARTS, parts_for
from bot.slots import Slot, listening_socket

if TYPE_CHECKING:  # imported once intake is started, to make the database ready (issue 19)
    from bot.app import Portal

log = logging.getLogger(__name__)

STOP_GRACE = 30.0  # seconds a part may take to stop before it is killed
QUICK_DEATH = 10.0  # a part that dies sooner than this after its start is restarted more slowly
LONGEST_PAUSE = 30.0  # the longest wait before a restart
INTAKE_FIRST = 2.0  # at start, the other parts wait for intake's SMTP greeting this long at most


class Supervisor:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sockets: dict[str, socket.socket] = {}
        self.bells = {"inbox": Doorbell.make(), "outbox": Doorbell.make()}
        self.slots = [
            Slot(name)
            for kind in PARTS
            for name in (
                [f"processor-{n}" for n in range(1, settings.processor_count + 1)]
                if kind == "processor"
                else [kind]
            )
        ]
        # The same for every start of `portal run` on this machine and home: a restarted part
        # (or portal) knows the claims it left, and gives them back (bot.pipeline).
        home = hashlib.sha256(str(settings.home.resolve()).encode()).hexdigest()[:8]
        self.identity = f"{socket.gethostname()}:{home}"
        self.selector = selectors.DefaultSelector()
        self.stopping = False
        self.failed = False

    # ---- the loop ---------------------------------------------------------------------------
    def start_intake(self) -> None:
        """Open the listening sockets and start intake; the other parts wait until it takes mail."""
        if self.sockets:
            return
        self.sockets["smtp"] = listening_socket(self.settings.smtp_listen)
        # Intake starts alone, so that SMTP greets sooner: the others import and open their
        # database at the same time on the same cores otherwise (issue 19).
        for slot in self.slots:
            if slot.kind != "intake":
                slot.start_at = time.monotonic() + INTAKE_FIRST
        if self.settings.http_listen:
            self.sockets["http"] = listening_socket(self.settings.http_listen)
        for slot in self.slots:
            if slot.kind == "intake":
                self._start(slot)

    def run(self) -> int:
        """Start every part and watch them until a signal says stop; returns the exit status."""
        self.start_intake()  # unless it was started before the database was made ready
        wakeup_read, wakeup_write = os.pipe()
        os.set_blocking(wakeup_read, False)
        os.set_blocking(wakeup_write, False)
        self.selector.register(wakeup_read, selectors.EVENT_READ)
        signal.set_wakeup_fd(wakeup_write)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._ask_to_stop)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake the loop up
        log.info(
            "portal running (database %s); stop with Ctrl-C",
            url_without_password(self.settings.effective_database_url),
        )
        try:
            while not self.stopping:
                self._start_due()
                for key, _ in self.selector.select(self._pause()):
                    if key.fd == wakeup_read:
                        _drain(wakeup_read)
                    else:
                        self._read_status(key.data)
                self._reap()
                self._stop_overdue()
            self._stop_all()
        finally:
            signal.set_wakeup_fd(-1)
            for sock in self.sockets.values():
                sock.close()
            for bell in self.bells.values():
                bell.close()
        log.info("portal stopped")
        return 1 if self.failed else 0

    def _ask_to_stop(self, signum: int, frame: object) -> None:
        self.stopping = True

    def _pause(self) -> float:
        """How long the loop may sleep: until the next start or the next processing deadline."""
        now = time.monotonic()
        pause = 1.0
        for slot in self.slots:
            if slot.process is None:
                pause = min(pause, max(slot.start_at - now, 0.0))
            if slot.handling is not None:
                deadline = slot.handling[1] + self.settings.processing_timeout
                pause = min(pause, max(deadline - now, 0.0))
        return pause

    # ---- starting and restarting ------------------------------------------------------------
    def _start_due(self) -> None:
        now = time.monotonic()
        if any(slot.kind == "intake" and slot.listening for slot in self.slots):
            for slot in self.slots:
                if slot.process is None and slot.started == 0.0:  # never started yet
                    slot.start_at = min(slot.start_at, now)
        for slot in self.slots:
            if slot.process is None and slot.start_at <= now:
                self._start(slot)

    def _start(self, slot: Slot) -> None:
        status_read, status_write = os.pipe()
        argv = [sys.executable, "-m", "bot.part", slot.name]
        argv += ["--parent", str(os.getpid()), "--status", str(status_write)]
        argv += ["--worker", f"{self.identity}:{slot.name}"]
        fds = [status_write]
        for name, bell in self.bells.items():
            ringer, listener = bell.fds()
            argv += ["--bell", f"{name}={ringer}:{listener}"]
            fds += [ringer, listener]
        if slot.kind == "intake":
            for name, sock in self.sockets.items():
                argv += ["--socket", f"{name}={sock.fileno()}"]
                fds.append(sock.fileno())
        for item_id, reason in slot.verdicts:
            argv += ["--give-up", f"{item_id}:{reason}"]
        try:
            slot.process = subprocess.Popen(argv, pass_fds=fds, start_new_session=True)
        except OSError as exc:  # out of processes or memory: try again, as after a death
            os.close(status_read)
            os.close(status_write)
            slot.start_at = time.monotonic() + LONGEST_PAUSE
            log.error(
                "%s could not be started (%s); trying again in %g s", slot.name, exc, LONGEST_PAUSE
            )
            return
        os.close(status_write)
        os.set_blocking(status_read, False)
        slot.status = status_read
        slot.pending = b""
        slot.handling = None
        slot.started = time.monotonic()
        slot.verdicts = []
        self.selector.register(status_read, selectors.EVENT_READ, slot)
        log.info("%s started (pid %d)", slot.name, slot.process.pid)

    def _reap(self) -> None:
        for slot in self.slots:
            if slot.process is None or slot.process.poll() is None:
                continue
            code = slot.process.returncode
            self._close_status(slot)
            slot.handling = None  # a crash is no verdict on the item: it is tried again
            ran = time.monotonic() - slot.started
            slot.quick_deaths = slot.quick_deaths + 1 if ran < QUICK_DEATH else 0
            pause = min(0.5 * 2 ** max(slot.quick_deaths - 1, 0), LONGEST_PAUSE)
            slot.start_at = time.monotonic() + pause
            how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
            log.error("%s (pid %d) %s; restarting in %g s", slot.name, slot.process.pid, how, pause)
            slot.process = None
            if code == EX_CONFIG:
                log.error("%s cannot run with these settings: stopping", slot.name)
                self.failed = self.stopping = True

    def _close_status(self, slot: Slot) -> None:
        if slot.status is None:
            return
        with contextlib.suppress(OSError):
            self._read_status(slot)
        self.selector.unregister(slot.status)
        os.close(slot.status)
        slot.status = None

    # ---- what the processors are handling ---------------------------------------------------
    def _read_status(self, slot: Slot) -> None:
        assert slot.status is not None
        try:
            slot.heard(os.read(slot.status, 4096))
        except BlockingIOError:
            return

    def _stop_overdue(self) -> None:
        limit = self.settings.processing_timeout
        now = time.monotonic()
        for slot in self.slots:
            if slot.handling is None or now - slot.handling[1] <= limit or not slot.alive:
                continue
            item_id = slot.handling[0]
            assert slot.process is not None
            log.error(
                "%s (pid %d) held inbox item %d for more than %g s: stopping it; the item is "
                "set aside",
                slot.name,
                slot.process.pid,
                item_id,
                limit,
            )
            slot.process.kill()
            slot.process.wait()
            slot.verdicts.append((item_id, f"handling it took longer than {limit:g} s"))
            slot.handling = None
            slot.quick_deaths = 0
            slot.started = 0.0  # not a quick death: the part itself is sound

    # ---- stopping ---------------------------------------------------------------------------
    def _stop_all(self) -> None:
        """Intake first, so nothing new comes in; then each kind of part in turn."""
        for kind in PARTS:
            group = [slot for slot in self.slots if slot.kind == kind and slot.alive]
            for slot in group:
                assert slot.process is not None
                slot.process.terminate()
            deadline = time.monotonic() + STOP_GRACE
            for slot in group:
                assert slot.process is not None
                try:
                    slot.process.wait(max(deadline - time.monotonic(), 0.0))
                except subprocess.TimeoutExpired:
                    log.error("%s did not stop within %g s: killed", slot.name, STOP_GRACE)
                    slot.process.kill()
                    slot.process.wait()
                self._close_status(slot)
                log.info("%s stopped", slot.name)


def release_leases(portal: Portal) -> None:
    """On SQLite one `portal run` owns the file: every claim made before this start was made by
    a process that is gone, and is given back at once instead of when its lease runs out.
    (Intake claims nothing, so it may already run.)"""
    from store import inbox, outbox
    from store.base import utcnow
    from store.db import transaction

    if portal.engine.dialect.name != "sqlite":
        return  # each worker gives back its own claims when it starts (bot.pipeline)
    now = utcnow()
    with transaction(portal.sessions) as session:
        released = inbox.release_claims(session, before=now)
        released += outbox.release_claims(session, before=now)
    if released:
        log.info("%d claim(s) left by a stopped portal given back", released)


def supervise(settings: Settings) -> int:
    """Run the portal's parts until SIGINT or SIGTERM; returns the exit status.

    When a quick read (no SQLAlchemy) finds the database current, intake starts first and
    takes mail while this process imports SQLAlchemy, loads the reference actors and gives back
    the leases; otherwise the database is migrated first, and intake starts after it, so that
    nothing is ever stored in a database behind the code (issue 19)."""
    parts_for(settings)  # a setting no part can run with is said before anything starts
    settings.home.mkdir(parents=True, exist_ok=True)
    with open(settings.home / "portal.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(
                f"another `portal run` is using {settings.home.resolve()}: "
                "stop it first (one portal per PORTAL_HOME)"
            ) from None
        supervisor = Supervisor(settings)
        if _ready_for_intake(settings):
            supervisor.start_intake()
        try:
            _make_ready(settings)
        except BaseException:
            supervisor._stop_all()  # what intake holds is committed before this says why
            raise
        return supervisor.run()


def _ready_for_intake(settings: Settings) -> bool:
    """The database is at the newest migration, and the secret key that intake would otherwise
    make (as this process does in _make_ready) exists; read without SQLAlchemy."""
    from store import listing

    if not settings.secret_key and not (settings.home / "secret_key").is_file():
        return False
    try:
        with listing.open_database(settings.effective_database_url) as database:
            return database is not None and database.is_current()
    except listing.Unusable:
        return False  # said by _make_ready, which opens it the usual way


def _make_ready(settings: Settings) -> None:
    """Back up and migrate a database behind the code, load the reference actors, give back
    the leases, and warn about what still needs doing."""
    from bot.app import Portal
    from bot.operations.backup import backup_before_migration
    from bot.operations.checks import warn_at_start

    portal = Portal.open(settings)
    try:
        backup_before_migration(portal.settings, portal.engine)
        portal.init()
        release_leases(portal)
    finally:
        portal.close()  # the parts open their own connections
    warn_at_start(portal.settings)


def _drain(fd: int) -> None:
    with contextlib.suppress(BlockingIOError):
        while os.read(fd, 512):
            pass
