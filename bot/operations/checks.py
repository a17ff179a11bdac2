"""What an operator must still do: `portal run`'s start-up warnings and `portal doctor`'s checks."""

from __future__ import annotations

import logging
import os
import smtplib
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.operations.backup import latest_backup
from store import migrate

log = logging.getLogger(__name__)

RELAY_TIMEOUT = 5.0  # seconds the relay has to answer the doctor
RECENT_BACKUP = timedelta(days=7)
_ON = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Finding:
    problem: str
    remedy: str


def startup_findings(settings: Settings) -> list[Finding]:
    """What `portal run` warns about at start: the portal runs, but not as it should for real."""
    found: list[Finding] = []
    if settings.domain.strip().lower() == "localhost":
        found.append(
            Finding(
                "PORTAL_DOMAIN is localhost: nobody can write to submit@localhost, and reply "
                "addresses point nowhere",
                "set PORTAL_DOMAIN to the domain whose mail comes to this portal",
            )
        )
    if not settings.relay:
        found.append(
            Finding(
                f"outgoing mail only goes to the local maildir ({settings.maildir}): no reply "
                "or digest reaches anyone",
                "set PORTAL_RELAY to your mail server (smtp://host:port)",
            )
        )
    if not (
        settings.trusted_authserv_id.strip()
        or settings.mail_provider.strip()
        or settings.verify_dkim.strip().lower() in _ON
    ):
        found.append(
            Finding(
                "no sender authentication: every From address is believed, so anyone can "
                "write as a focal point",
                "set PORTAL_TRUSTED_AUTHSERV_ID (your mail server's Authentication-Results), "
                "PORTAL_MAIL_PROVIDER, or PORTAL_VERIFY_DKIM=1",
            )
        )
    key = settings.home / "secret_key"
    if key.is_file() and key.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        found.append(
            Finding(
                f"{key} can be read by others: with it anyone can forge reply addresses",
                f"chmod 600 {key}",
            )
        )
    return found


def warn_at_start(settings: Settings) -> list[Finding]:
    """Log each start-up finding once, at WARNING."""
    found = startup_findings(settings)
    for finding in found:
        log.warning("%s; %s", finding.problem, finding.remedy)
    return found


def doctor_findings(
    settings: Settings, engine: Engine, now: datetime | None = None
) -> list[Finding]:
    """Everything `portal doctor` checks; empty when the portal is ready for real use."""
    now = now or datetime.now(UTC)
    found = startup_findings(settings)
    if settings.relay:
        found += _relay(settings.relay)
    found += _database(engine)
    if settings.site_dir:
        found += _writable(Path(settings.site_dir), "the site folder (PORTAL_SITE_DIR)")
    found += _secret_key(settings)
    found += _backups(settings.backups, now)
    return found


def _relay(url: str) -> list[Finding]:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        return [Finding("PORTAL_RELAY is not an smtp:// address", "write it as smtp://host:port")]
    host = parts.hostname
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    kind = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    try:
        with kind(host, port, timeout=RELAY_TIMEOUT) as relay:
            relay.ehlo()
            code, _ = relay.noop()
            if code != 250:
                raise smtplib.SMTPResponseException(code, b"NOOP refused")
    except (OSError, smtplib.SMTPException) as exc:
        return [
            Finding(
                f"the relay {host}:{port} does not answer ({type(exc).__name__}: {exc})",
                "check PORTAL_RELAY, the relay and the firewall between them",
            )
        ]
    return []


def _database(engine: Engine) -> list[Finding]:
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if path and path != ":memory:" and not Path(path).exists():
        return [Finding(f"there is no database at {path}", "run `portal init`")]
    try:
        revision = migrate.current_revision(engine)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return [Finding(f"the database does not answer: {reason}", "check PORTAL_DATABASE_URL")]
    head = migrate.head_revision()
    if revision != head:
        return [
            Finding(
                f"the database is at revision {revision}, the code at {head}",
                "run `portal init` (it backs up first)",
            )
        ]
    return []


def _writable(folder: Path, what: str) -> list[Finding]:
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not (existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)):
        return [Finding(f"{what} {folder} cannot be written", f"make {folder} writable")]
    return []


def _secret_key(settings: Settings) -> list[Finding]:
    key = settings.home / "secret_key"
    if not key.is_file():
        if settings.secret_key:
            return []  # given by PORTAL_SECRET_KEY: nothing to check here
        return [
            Finding(
                f"{key} is missing: every reply address made so far no longer verifies",
                "restore it from a backup (`portal restore`) if you have one",
            )
        ]
    mode = stat.S_IMODE(key.stat().st_mode)
    if mode != 0o600 and not mode & (stat.S_IRWXG | stat.S_IRWXO):
        return [Finding(f"{key} has mode {mode:o}, not 600", f"chmod 600 {key}")]
    return []


def _backups(folder: Path, now: datetime) -> list[Finding]:
    newest = latest_backup(folder)
    if newest is None:
        return [Finding(f"no backup in {folder}", "run `portal backup` (daily, from cron)")]
    made = datetime.fromtimestamp(newest.stat().st_mtime, UTC)
    if now - made > RECENT_BACKUP:
        return [
            Finding(
                f"the newest backup in {folder} is from {made:%Y-%m-%d}",
                "run `portal backup` (daily, from cron)",
            )
        ]
    return []
