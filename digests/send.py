"""Ensure the digests of a period: each recipient gets exactly one, whatever crashes between."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot import addresses, tokens
from bot.config import Settings
from bot.envelope import Outbound, outbox_values
from bot.records.views import vocabulary
from digests.build import Recipient, build
from digests.caps import Digest, shorten
from digests.gather import news, recipients
from digests.render import Letter, Wording, letter
from store.db import transaction
from store.digests import DigestRun, add_entries, link, written
from store.outbox import add_all
from store.records import Record

log = logging.getLogger(__name__)

BATCH = 50  # digests written per transaction
Queued = tuple[Recipient, Digest, "Letter | None"]


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
        done = written(session, period)
        all_actor_ids = {a for r in people for a in r.actor_ids}
        gathered = news(session, min((r.since for r in people), default=now), now, all_actor_ids)
    if not people:
        _finish(sessions, period, now, dry_run)
        return report
    if not dry_run:
        _open(sessions, period, now)
    region_countries = vocabulary().region_countries
    wording = Wording()  # each record and entry is put into words once per language
    built: dict[tuple[object, ...], Digest] = {}  # the same in every language
    queued: list[Queued] = []
    for readers in _alike(people):
        report.recipients += len(readers)
        waiting = [r for r in readers if (r.channel, r.address) not in done]
        report.already += len(readers) - len(waiting)
        if not waiting:
            continue
        digest = built.get(_reads(waiting[0]))
        if digest is None:
            entries = build(waiting[0], gathered, now, region_countries)
            digest = built[_reads(waiting[0])] = shorten(entries, gathered.records)
        if dry_run:
            report.sent += len(waiting) if digest.total else 0
            report.empty += 0 if digest.total else len(waiting)
            continue
        try:
            shown = (
                _letter(sessions, settings, waiting[0].language, digest, wording, period)
                if digest.total
                else None
            )
        except Exception:  # one bad record must not stop everyone's digest
            log.exception("digest %s for %d recipient(s) failed; the others go on", period,
                          len(waiting))  # fmt: skip
            report.failed += len(waiting)
            continue
        for recipient in waiting:
            queued.append((recipient, digest, shown))
            if len(queued) >= BATCH:
                _write_all(sessions, settings, period, queued, now, report)
    _write_all(sessions, settings, period, queued, now, report)
    if report.failed:
        log.warning("digests %s: %d left for the next run", period, report.failed)
        return report  # not finished: the next run (or the catch-up at start) tries them again
    _finish(sessions, period, now, dry_run)
    log.info("digests %s", report)
    return report


def _alike(people: list[Recipient]) -> list[list[Recipient]]:
    """The recipients in groups that get the same digest (what build() reads of a recipient,
    and the language), in the order each group first appears. Everyone who got last week's
    digest has the same `since`, and many follow the same things: a group's digest is built
    and put into words once."""
    groups: dict[tuple[object, ...], list[Recipient]] = {}
    for recipient in people:
        groups.setdefault((*_reads(recipient), recipient.language), []).append(recipient)
    return list(groups.values())


def _reads(recipient: Recipient) -> tuple[object, ...]:
    """What build() reads of a recipient: two recipients alike in these get the same entries."""
    return (recipient.since, recipient.actor_ids, recipient.filters)


def _letter(
    sessions: sessionmaker[Session],
    settings: Settings,
    lang: str,
    digest: Digest,
    wording: Wording,
    period: str,
) -> Letter:
    """The digest in words, reading the records that have no view in `lang` yet."""
    missing = wording.missing(digest.entries, lang)
    if missing:
        with sessions() as session:
            found = session.scalars(
                select(Record).where(Record.id.in_(missing)).options(selectinload(Record.actor))
            )
            wording.add(found, lang)
    return letter(settings, lang, digest, wording, period)


def _write_all(
    sessions: sessionmaker[Session],
    settings: Settings,
    period: str,
    queued: list[Queued],
    now: datetime,
    report: RunReport,
) -> None:
    """Write the queued digests, BATCH to a transaction: each ledger row commits with its
    digest, so exactly-once holds as with one transaction each, for a fraction of the
    commits. A batch that fails (another worker wrote one of its rows, or any error) is
    written again one recipient at a time, so that only the culprit is left out."""
    if not queued:
        return
    try:
        outcomes = _write_batch(sessions, settings, period, queued, now)
    except Exception:
        outcomes = []
        for recipient, digest, shown in queued:
            try:
                outcomes.append(_write(sessions, settings, period, recipient, digest, shown, now))
            except Exception:  # one bad address must not stop everyone's digest
                log.exception("digest %s for one recipient failed; the others go on", period)
                outcomes.append("failed")
    for outcome in outcomes:
        setattr(report, outcome, getattr(report, outcome) + 1)
    queued.clear()


def _write_batch(
    sessions: sessionmaker[Session],
    settings: Settings,
    period: str,
    queued: list[Queued],
    now: datetime,
) -> list[str]:
    """The batch's ledger rows, their digests and the links between them, in one transaction:
    three statements, whatever the batch's size."""
    mail = addresses.of(settings)
    with transaction(sessions) as session:
        entries = add_entries(
            session, [_entry(recipient, digest, period, now) for recipient, digest, _ in queued]
        )
        letters = [
            (entry, recipient, shown)
            for entry, (recipient, _, shown) in zip(entries, queued, strict=True)
            if shown is not None
        ]
        items = add_all(
            session,
            [
                _item(settings, mail, entry, recipient, shown, now)
                for entry, recipient, shown in letters
            ],
        )
        link(session, [(entry, item) for (entry, _, _), item in zip(letters, items, strict=True)])
    return ["empty" if shown is None else "sent" for _, _, shown in queued]


def _write(
    sessions: sessionmaker[Session],
    settings: Settings,
    period: str,
    recipient: Recipient,
    digest: Digest,
    shown: Letter | None,
    now: datetime,
) -> str:
    """The ledger row and the digest (None: nothing new), in one transaction; "already" if
    another worker wrote the row since the run began (its unique key refuses a second one)."""
    try:
        (outcome,) = _write_batch(sessions, settings, period, [(recipient, digest, shown)], now)
    except IntegrityError:  # another worker wrote it first: the ledger insert failed
        return "already"
    return outcome


def _entry(recipient: Recipient, digest: Digest, period: str, now: datetime) -> dict[str, Any]:
    """A ledger row's columns; `items` 0 says nothing was new."""
    return {
        "channel": recipient.channel,
        "address": recipient.address,
        "period": period,
        "items": digest.total,
        "outbox_item_id": None,
        "created_at": now,
    }


def _item(
    settings: Settings,
    mail: addresses.Addresses,
    entry: int,
    recipient: Recipient,
    shown: Letter,
    now: datetime,
) -> dict[str, Any]:
    """The outbox row of one recipient's digest, written with ledger row `entry`."""
    email = recipient.channel == "email"
    digest = Outbound(
        channel=recipient.channel,
        recipient=recipient.address,
        kind="digest",
        subject=shown.subject,
        body=shown.body,
        html=shown.html if email else None,
        headers=list_headers(settings, mail, entry, recipient.address, now) if email else {},
    )
    return outbox_values(digest, message_id=mail.message_id(f"digest.{entry}.", 12), created_at=now)


def list_headers(
    settings: Settings, mail: addresses.Addresses, entry: int, address: str, now: datetime
) -> dict[str, str]:
    """RFC 2369 / 8058 list headers of the digest of ledger row `entry`: a reply or the mailto
    link unsubscribes."""
    token = tokens.make(settings.secret_key.encode(), "d", entry, address, now)
    reply_to = mail.reply(token)
    links = [f"<mailto:{reply_to}?subject=unsubscribe>"]
    headers = {
        "List-Id": f"{settings.bot_name} digest <digest.{mail.message_domain}>",
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
        "Reply-To": reply_to,
    }
    if settings.public_url:
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
