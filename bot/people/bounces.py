"""Bounces: a delivery report linked to the mail it answers, scored, and what follows a dead
address (no more digests or reminders, the secretariat and the actor's colleagues told)."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import addresses, verp
from bot.config import Settings
from bot.context import ERROR_REPLY_INTERVAL, Context
from bot.envelope import Bounce, Failure, Inbound
from store.bounces import PERMANENT, POLICY, TEMPORARY, BounceEvent, weight_counted_since
from store.outbox import SENT, OutboxItem, error_reply_sent_since
from store.people import (
    EmailAddress,
    email_address,
    focal_points,
    normalise_address,
    secretariat,
)
from store.subscriptions import unsubscribe_address

log = logging.getLogger(__name__)

WEIGHTS = {PERMANENT: 1.0, TEMPORARY: 0.5}  # delayed warnings and policy refusals: nothing
RECENT = timedelta(days=30)  # a bounce naming only an address: we must have written to it since
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")


def addressed_to_bounces(settings: Settings, recipients: tuple[str, ...]) -> bool:
    """Mail to our bounce addresses: never read as a person's message."""
    local, separator, domain = _parts(settings)
    return any(
        verp.looks_like_bounce_address(r, domain=domain, local=local, separator=separator)
        for r in recipients
    )


def envelope_sender(settings: Settings, outbox_id: int) -> str | None:
    """Our signed bounce address for this mail; None (the mailbox's own address is used)
    when sending through Microsoft 365, which refuses any other envelope sender (5.7.60)."""
    if settings.mail_provider == "microsoft":
        return None
    local, separator, domain = _parts(settings)
    key = settings.secret_key.encode()
    return verp.bounce_address(key, outbox_id, domain=domain, local=local, separator=separator)


def read(ctx: Context) -> str:
    """Link the report to the mail it answers and count it; returns the inbox outcome.

    The mail is found (a) by our signed envelope sender it came back to, else (b) by the
    Message-ID of the returned original, else (c), when running from a mailbox (whose
    provider rewrites the envelope sender), by the failed address, if we wrote to it lately.
    Anyone who knows our Message-ID or an address we write to can forge (b) and (c): they
    count only when the channel vouches for the report's From (ctx.vouched: authenticated by
    the checks configured, or none configured); else the event is kept with weight 0.
    """
    inbound, bounce = ctx.inbound, ctx.inbound.bounce
    if bounce is None:
        return f"ignored: {inbound.automatic or 'not a delivery report'} (to the bounce address)"
    item, how = _sent_item(ctx, inbound, bounce)
    if how == "forged":
        log.warning("inbox item %s: a bounce to a bounce address with a wrong signature",
                    ctx.inbox_item_id)  # fmt: skip
        return "ignored: bounce address not ours (wrong signature)"
    if item is None or item.channel != "email":
        return "ignored: bounce for no mail of ours"
    failure, unmatched = _failure_of(bounce, item.recipient, by_envelope=how == "verp")
    if failure is None:
        return f"ignored: bounce reports no failure (outbox item {item.id})"
    if how != "verp" and not ctx.vouched:
        why: str | None = "the report is not authenticated"
    else:
        why = "the report names another address" if unmatched else None
    return count(ctx, item.recipient, failure, item.id, source="bounce", not_counted=why)


def refused_at_hand_off(ctx: Context, item: OutboxItem, error: str) -> str:
    """The relay refused the recipient for good (5xx at RCPT): counted as a bounce."""
    found = _STATUS.search(error)
    status = found.group(1) if found else "5.0.0"
    kind = POLICY if status.startswith("5.7.") else PERMANENT
    failure = Failure(item.recipient.lower(), kind, status, " ".join(error.split())[:500])
    return count(ctx, item.recipient, failure, item.id, source="relay")


def count(
    ctx: Context,
    recipient: str,
    failure: Failure,
    outbox_id: int,
    *,
    source: str,
    not_counted: str | None = None,
) -> str:
    """Add the failure to the address's score (once a day at most, as Mailman does); mark the
    address and tell who must know when the score reaches the threshold. An address no person
    has (a subscriber's) is scored from its recent bounces, and unsubscribed at the threshold.
    With `not_counted` (why), the event is only kept, with weight 0, and nothing follows."""
    address = recipient.strip().lower()
    if not_counted is not None:
        log.info("inbox item %s: bounce for %s not counted: %s", ctx.inbox_item_id,
                 _redact(address), not_counted)  # fmt: skip
        _keep_event(ctx, address, failure, 0.0, outbox_id, source)
        return f"bounce: not counted, {not_counted}"
    row = email_address(ctx.session, address)
    forget = timedelta(days=ctx.settings.bounce_forget_days)
    today = ctx.now.replace(hour=0, minute=0, second=0, microsecond=0)
    weight = WEIGHTS.get(failure.kind, 0.0)
    added = max(0.0, weight - weight_counted_since(ctx.session, address, today))
    if row is not None and weight:
        if row.last_bounce_at is not None and ctx.now - row.last_bounce_at > forget:
            row.bounce_score = 0.0
        row.bounce_score += added
        row.last_bounce_at = ctx.now
        row.bounce_reason = _reason(failure)[:500]
    score = (
        row.bounce_score
        if row is not None
        else weight_counted_since(ctx.session, address, ctx.now - forget) + added
    )
    _keep_event(ctx, address, failure, added, outbox_id, source)
    if failure.kind == POLICY:
        _tell_sending_refused(ctx, address, failure)
        return f"bounce: refused by policy ({failure.status}), not counted"
    outcome = f"bounce: {failure.kind} {failure.status or '-'}, score {score:g}"
    if score < ctx.settings.bounce_threshold:
        return outcome
    if row is None:
        ended = unsubscribe_address(ctx.session, "email", address, ctx.now)
        return outcome + (", unsubscribed" if ended else "")
    if not row.is_bouncing:
        _mark_bouncing(ctx, row)
        outcome += ", now bouncing"
    return outcome


def _keep_event(
    ctx: Context, address: str, failure: Failure, weight: float, outbox_id: int, source: str
) -> None:
    ctx.session.add(
        BounceEvent(
            address=address,
            kind=failure.kind,
            status=failure.status,
            reason=failure.reason,
            weight=weight,
            outbox_item_id=outbox_id,
            inbox_item_id=ctx.inbox_item_id,
            source=source,
            at=ctx.now,
        )
    )


def heard_from(ctx: Context) -> None:
    """A person whose address was bouncing wrote in from it: it works again. Only mail the
    channel vouches for tells (anyone can write a From; HELP is answered unauthenticated)."""
    if ctx.person is None or ctx.inbound.channel != "email" or not ctx.vouched:
        return
    address = normalise_address(ctx.inbound.sender)
    # The sender's row is among the addresses loaded with them (store.people.person_by_email).
    row = next((e for e in ctx.person.emails if e.address == address), None)
    if row is not None and (row.is_bouncing or row.bounce_score):
        log.info("inbox item %s: %s writes in again; no longer bouncing", ctx.inbox_item_id,
                 ctx.person.id)  # fmt: skip
        enable(row)
        ctx.audit("bounce_cleared", note=f"{row.address} wrote in")


def enable(row: EmailAddress) -> None:
    row.bouncing_since = None
    row.bounce_score = 0.0
    row.last_bounce_at = None


def _sent_item(ctx: Context, inbound: Inbound, bounce: Bounce) -> tuple[OutboxItem | None, str]:
    settings, session = ctx.settings, ctx.session
    local, separator, domain = _parts(settings)
    key = settings.secret_key.encode()
    for recipient in inbound.recipients:
        if not verp.looks_like_bounce_address(
            recipient, domain=domain, local=local, separator=separator
        ):
            continue
        outbox_id = verp.outbox_id_of(
            key, recipient, domain=domain, local=local, separator=separator
        )
        item = session.get(OutboxItem, outbox_id) if outbox_id is not None else None
        return (item, "verp") if item is not None else (None, "forged")
    for message_id in bounce.message_ids:
        found = session.scalars(select(OutboxItem).where(OutboxItem.message_id == message_id))
        item = found.first()
        if item is not None:
            return item, "message-id"
    if settings.imap_url:  # the mailbox's provider rewrote our envelope sender
        for failure in bounce.failures:
            item = _last_sent_to(session, failure.address, ctx.now - RECENT)
            if item is not None:
                return item, "address"
    return None, "none"


def _last_sent_to(session: Session, address: str, since: datetime) -> OutboxItem | None:
    if email_address(session, address) is None:
        return None
    return session.scalars(
        select(OutboxItem)
        .where(
            OutboxItem.channel == "email",
            OutboxItem.recipient == address,
            OutboxItem.status == SENT,
            OutboxItem.created_at >= since,
        )
        .order_by(OutboxItem.id.desc())
    ).first()


def _failure_of(
    bounce: Bounce, recipient: str, *, by_envelope: bool
) -> tuple[Failure | None, bool]:
    """The failure of the address we wrote to (as the report's final or original recipient),
    and False; else the report's only failure when it came back to our signed envelope sender,
    which was for that one recipient (the mail was forwarded on), and False; else its first
    failure and True: it names another address (an alias's member), which counts for nobody."""
    failures = [f for f in bounce.failures if f.kind]
    address = recipient.strip().lower()
    mine = [f for f in failures if address in (f.address, f.original)]
    if mine:
        return mine[0], False
    if not failures:
        return None, False
    return failures[0], not (by_envelope and len(failures) == 1)


def _mark_bouncing(ctx: Context, row: EmailAddress) -> None:
    """Once: no more digests or reminders to it; the secretariat and the colleagues told."""
    row.bouncing_since = ctx.now
    person = row.person
    log.warning("person %d: %s is bouncing (score %g)", person.id, _redact(row.address),
                row.bounce_score)  # fmt: skip
    ctx.audit("bouncing", note=f"{row.address}: {row.bounce_reason}")
    for member in secretariat(ctx.session):
        if member.id != person.id:
            ctx.notify(
                member,
                "address_bouncing",
                colleague=person,
                address=row.address,
                actors=[a.display_name(member.mail_language) for a in person.actors],
                reason=row.bounce_reason or "",
            )
    told = {person.id}
    for actor in person.actors:
        for colleague in focal_points(ctx.session, actor):
            if colleague.id in told:
                continue
            told.add(colleague.id)
            ctx.notify(
                colleague,
                "colleague_bouncing",
                colleague=person,
                address=row.address,
                actor=actor.display_name(colleague.mail_language),
            )


def _tell_sending_refused(ctx: Context, address: str, failure: Failure) -> None:
    """Our own sending has a problem (DMARC, reputation): the secretariat hears, once a day."""
    log.warning("mail to %s refused by policy: %s", _redact(address), failure.reason[:200])
    for member in secretariat(ctx.session):
        to = member.reachable_email
        if to and error_reply_sent_since(
            ctx.session, to, "sending_refused", ctx.now - ERROR_REPLY_INTERVAL
        ):
            continue
        notice = ctx.notify(
            member,
            "sending_refused",
            by_email=True,
            address=address,
            status=failure.status,
            reason=failure.reason,
        )
        if notice is not None:
            notice.error_key = "sending_refused"


def system(
    session: Session, settings: Settings, now: datetime, inbox_item_id: int | None
) -> Context:
    inbound = Inbound(channel="system", sender="system", subject="", text="")
    return Context(session, settings, inbound, None, inbox_item_id=inbox_item_id, now=now)


def _reason(failure: Failure) -> str:
    return " ".join(f"{failure.status} {failure.reason}".split())


def _parts(settings: Settings) -> tuple[str, str, str]:
    return verp.parts(settings.domain, addresses.own_address(settings), settings.address_separator)


def _redact(address: str) -> str:
    local, at, domain = address.partition("@")
    return f"{local[:2]}…{at}{domain}"
