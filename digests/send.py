"""Ensure the digests of a period: each recipient gets exactly one, whatever crashes between."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import tokens
from bot.config import Settings
from bot.render import render_text
from bot.views import vocabulary
from digests.build import Entry, Recipient, build
from digests.gather import news, recipients
from digests.render import digest_context
from store.db import transaction
from store.digests import DigestEntry, DigestRun, entry
from store.outbox import OutboxItem
from store.records import Record

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    period: str
    recipients: int = 0
    sent: int = 0
    empty: int = 0
    already: int = 0
    failed: int = 0  # left for the next run, which the ledger makes safe

    def __str__(self) -> str:
        text = (
            f"{self.period}: {self.recipients} recipient(s): {self.sent} digest(s) queued, "
            f"{self.empty} with nothing new, {self.already} already done"
        )
        return text + (f", {self.failed} failed (retried next run)" if self.failed else "")


def ensure_period(
    sessions: sessionmaker[Session],
    settings: Settings,
    period: str,
    now: datetime,
    *,
    dry_run: bool = False,
) -> RunReport:
    """Write every missing digest of `period` to the outbox; safe to run any number of times."""
    report = RunReport(period)
    with sessions() as session:
        people = recipients(session, period, now)
        all_actor_ids = {a for r in people for a in r.actor_ids}
        gathered = news(session, min((r.since for r in people), default=now), now, all_actor_ids)
    if not people:
        _finish(sessions, period, now, dry_run)
        return report
    if not dry_run:
        _open(sessions, period, now)
    region_countries = vocabulary().region_countries
    for recipient in people:
        report.recipients += 1
        entries = build(recipient, gathered, now, region_countries)
        if dry_run:
            with sessions() as session:
                done = entry(session, recipient.channel, recipient.address, period)
            report.already += done is not None
            report.sent += done is None and bool(entries)
            report.empty += done is None and not entries
            continue
        try:
            outcome = _write(sessions, settings, period, recipient, entries, now)
        except Exception:  # one bad record or address must not stop everyone's digest
            log.exception("digest %s for one recipient failed; the others go on", period)
            outcome = "failed"
        setattr(report, outcome, getattr(report, outcome) + 1)
    if report.failed:
        log.warning("digests %s: %d left for the next run", period, report.failed)
        return report  # not finished: the next run (or the catch-up at start) tries them again
    _finish(sessions, period, now, dry_run)
    log.info("digests %s", report)
    return report


def _write(
    sessions: sessionmaker[Session],
    settings: Settings,
    period: str,
    recipient: Recipient,
    entries: list[Entry],
    now: datetime,
) -> str:
    """The ledger row and the digest, in one transaction; "already" if it was there."""
    try:
        with transaction(sessions) as session:
            if entry(session, recipient.channel, recipient.address, period) is not None:
                return "already"
            row = DigestEntry(
                channel=recipient.channel,
                address=recipient.address,
                period=period,
                items=len(entries),
                created_at=now,
            )
            session.add(row)
            session.flush()
            if entries:
                row.outbox_item_id = _queue(session, settings, row, recipient, entries, now).id
            return "sent" if entries else "empty"
    except IntegrityError:  # another worker wrote it first
        return "already"


def _queue(
    session: Session,
    settings: Settings,
    row: DigestEntry,
    recipient: Recipient,
    entries: list[Entry],
    now: datetime,
) -> OutboxItem:
    ids = {e.record_id for e in entries} | {e.other_id for e in entries if e.other_id}
    records = {r.id: r for r in session.scalars(select(Record).where(Record.id.in_(ids)))}
    context = digest_context(settings, recipient, entries, records, row.period)
    text = render_text("digest.txt.j2", recipient.language, **context)
    subject, _, body = text.partition("\n\n")
    item = OutboxItem(
        channel=recipient.channel,
        recipient=recipient.address,
        kind="digest",
        subject=" ".join(subject.split()),
        body=body.strip("\n") + "\n",
        message_id=f"<digest.{row.id}.{uuid.uuid4().hex[:12]}@{settings.domain}>",
        created_at=now,
    )
    if recipient.channel == "telegram":  # a chat message has no subject line of its own
        item.body = f"{item.subject}\n\n{item.body}"
    if recipient.channel == "email":
        item.html = render_text("digest.html.j2", recipient.language, **context)
        item.headers = list_headers(settings, row, recipient.address, now)
    session.add(item)
    session.flush()
    return item


def list_headers(
    settings: Settings, row: DigestEntry, address: str, now: datetime
) -> dict[str, str]:
    """RFC 2369 / 8058 list headers: a reply or the mailto link unsubscribes."""
    reply_to = tokens.reply_address(
        settings.secret_key.encode(), settings.domain, "d", row.id, address, now
    )
    links = [f"<mailto:{reply_to}?subject=unsubscribe>"]
    headers = {
        "List-Id": f"{settings.bot_name} digest <digest.{settings.domain}>",
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
        "Reply-To": reply_to,
    }
    if settings.public_url:
        token = reply_to.split("+", 1)[1].split("@", 1)[0]
        links.insert(0, f"<{settings.public_url.rstrip('/')}/unsubscribe/{token}>")
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    headers["List-Unsubscribe"] = ", ".join(links)
    return headers


def _open(sessions: sessionmaker[Session], period: str, now: datetime) -> None:
    """The run row, once: another worker running the same period may write it first."""
    try:
        with transaction(sessions) as session:
            if session.get(DigestRun, period) is None:
                session.add(DigestRun(period=period, started_at=now))
    except IntegrityError:
        pass  # the other worker's row is the same row


def _finish(sessions: sessionmaker[Session], period: str, now: datetime, dry_run: bool) -> None:
    if dry_run:
        return
    _open(sessions, period, now)
    with transaction(sessions) as session:
        run = session.get(DigestRun, period)
        assert run is not None  # written by _open, and a run row is never deleted
        run.finished_at = now
