"""The portal's state for `portal status`, /healthz and /metrics, and what makes it unhealthy.

Unhealthy (HTTP 503), as GitLab's readiness check: the portal cannot do its work now —
  * the database does not answer, or is not at the code's revision (`portal init` not run);
  * an inbox item has waited more than STUCK (15 min) to be handled: the processors are down;
  * an outbox item has been due for more than STUCK: delivery is down or cannot keep up;
  * Telegram polling has failed without a break for more than STUCK;
  * the mailbox reader (PORTAL_IMAP_URL) has failed without a good pass for more than STUCK.
Needing attention, shown but still healthy (200): inbox items failed or quarantined, outbox
items that failed for good, bouncing addresses. A person looks at those; nothing is stuck.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.operations import mailbox_state
from bot.operations.backup import latest_backup, portal_version
from bot.operations.polling_state import PollingState
from bot.operations.polling_state import read as read_polling
from digests.period import trigger
from store import migrate, people
from store.queues import Queues, last_digest_run, queues

log = logging.getLogger(__name__)

STUCK = timedelta(minutes=15)


@dataclass(frozen=True)
class Status:
    now: datetime
    version: str
    database: str  # its URL, without a password
    database_error: str | None  # None: it answered
    revision: str | None
    head: str | None
    queues: Queues | None
    last_digest_period: str | None
    last_digest_at: datetime | None
    next_digest_at: datetime | None
    telegram: str  # "off" | "webhook" | "polling"
    polling: PollingState | None
    bouncing_addresses: int | None  # None: the database did not answer
    last_backup_at: datetime | None
    mailbox: PollingState | None = None  # the mailbox reader's, when PORTAL_IMAP_URL is set

    @property
    def problems(self) -> list[str]:
        """What makes the portal unhealthy now (empty: healthy)."""
        found: list[str] = []
        if self.database_error is not None:
            return ["the database does not answer"]  # the driver names hosts, users: logged
        if self.revision != self.head:
            at = self.revision or "none (not initialised)"
            found.append(f"the database is at revision {at}, not {self.head}")
        if self.queues is not None:
            waiting = self.queues.inbox_oldest_waiting
            if waiting is not None and self.now - waiting > STUCK:
                found.append(f"an inbox item has waited since {waiting:%Y-%m-%d %H:%M} UTC")
            due = self.queues.outbox_oldest_due
            if due is not None and self.now - due > STUCK:
                found.append(f"an outbox item has been due since {due:%Y-%m-%d %H:%M} UTC")
        failing = self.polling.failing_from() if self.polling else None
        if self.telegram == "polling" and failing and self.now - failing > STUCK:
            found.append(f"Telegram polling has failed since {failing:%Y-%m-%d %H:%M} UTC")
        failing = self.mailbox.failing_from() if self.mailbox else None
        if failing and self.now - failing > STUCK:
            found.append(f"the mailbox cannot be read since {failing:%Y-%m-%d %H:%M} UTC")
        return found

    @property
    def attention(self) -> list[str]:
        """What a person should look at, though nothing is stuck."""
        found: list[str] = []
        if self.queues is not None:
            for state in ("failed", "quarantined"):
                if self.queues.inbox[state]:
                    found.append(f"{self.queues.inbox[state]} inbox item(s) {state}")
            if self.queues.outbox["failed"]:
                found.append(f"{self.queues.outbox['failed']} outbox item(s) failed")
        if self.bouncing_addresses:
            found.append(f"{self.bouncing_addresses} bouncing address(es)")
        return found


def bouncing_addresses(session: Session) -> int | None:
    """How many addresses are marked bouncing (bot.people.bounces)."""
    return len(people.bouncing_addresses(session))


def gather(settings: Settings, engine: Engine, now: datetime | None = None) -> Status:
    """Read every fact; a database that does not answer is a fact too, never an exception."""
    now = now or datetime.now(UTC)
    url = make_url(settings.effective_database_url).render_as_string(hide_password=True)
    error: str | None = None
    revision = None
    found: Queues | None = None
    last_period: str | None = None
    last_at: datetime | None = None
    bouncing: int | None = None
    try:
        revision = None if _no_sqlite_file(engine) else migrate.current_revision(engine)
        if revision is not None:
            with Session(engine) as session:
                found = queues(session)
                run = last_digest_run(session)
                last_period, last_at = (run.period, run.finished_at) if run else (None, None)
                bouncing = bouncing_addresses(session)
    except SQLAlchemyError as exc:
        error = masked(str(getattr(exc, "orig", None) or exc).splitlines()[0], settings)
        log.warning("status: the database does not answer: %s", error)
    backup = latest_backup(settings.backups)
    telegram = "off"
    if settings.telegram_token:
        telegram = "webhook" if settings.telegram_webhook_url else "polling"
    return Status(
        now=now,
        version=portal_version(),
        database=url,
        database_error=error,
        revision=revision,
        head=migrate.head_revision(),
        queues=found,
        last_digest_period=last_period,
        last_digest_at=last_at,
        next_digest_at=_next_digest(settings, now),
        telegram=telegram,
        polling=read_polling(settings.home) if telegram == "polling" else None,
        bouncing_addresses=bouncing,
        last_backup_at=(
            datetime.fromtimestamp(backup.stat().st_mtime, UTC) if backup is not None else None
        ),
        mailbox=mailbox_state.read(settings.home) if settings.imap_url else None,
    )


def masked(text: str, settings: Settings) -> str:
    """A driver's error text without the database's password (given in the URL or as a
    password= parameter)."""
    url = make_url(settings.effective_database_url)
    given = url.query.get("password")
    known = [url.password, *(given if isinstance(given, tuple) else [given])]
    for secret in filter(None, known):
        text = text.replace(str(secret), "***").replace(quote(str(secret), safe=""), "***")
    return re.sub(r"(password\s*=\s*)('[^']*'|[^\s',;)]+)", r"\1***", text, flags=re.IGNORECASE)


def _no_sqlite_file(engine: Engine) -> bool:
    """Connecting would create an empty file (which `portal restore` then refuses)."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    return bool(path) and path != ":memory:" and not Path(str(path)).exists()


def _next_digest(settings: Settings, now: datetime) -> datetime | None:
    fire = trigger(settings.digest_schedule, settings.timezone).get_next_fire_time(None, now)
    return fire.astimezone(UTC) if fire is not None else None


def as_json(status: Status) -> dict[str, object]:
    """The facts of /healthz."""

    def when(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment is not None else None

    q = status.queues
    return {
        "healthy": not status.problems,
        "problems": status.problems,
        "attention": status.attention,
        "version": status.version,
        "database": {
            "answers": status.database_error is None,
            "revision": status.revision,
            "head": status.head,
        },
        "inbox": {
            "waiting": q.inbox["new"] + q.inbox["processing"],
            "failed": q.inbox["failed"],
            "quarantined": q.inbox["quarantined"],
            "oldest_waiting": when(q.inbox_oldest_waiting),
        }
        if q
        else None,
        "outbox": {
            "waiting": q.outbox["pending"] + q.outbox["sending"],
            "failed": q.outbox["failed"],
            "oldest_due": when(q.outbox_oldest_due),
        }
        if q
        else None,
        "digests": {
            "last_period": status.last_digest_period,
            "last_finished": when(status.last_digest_at),
            "next": when(status.next_digest_at),
        },
        "telegram": {
            "mode": status.telegram,
            "last_poll_ok": status.polling.ok_at if status.polling else None,
            "failing_since": status.polling.failing_since if status.polling else None,
            "error": status.polling.error if status.polling else None,
        },
        "bouncing_addresses": status.bouncing_addresses,
        "last_backup": when(status.last_backup_at),
        "mailbox": {
            "last_pass_ok": status.mailbox.ok_at,
            "failing_since": status.mailbox.failing_since,
            "error": status.mailbox.error,
        }
        if status.mailbox
        else None,
    }
