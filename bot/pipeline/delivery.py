"""The outbox worker: delivers due items through their channel, retrying with backoff."""

from __future__ import annotations

import asyncio
import logging
import socket

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.envelope import Sender
from bot.errors import DeliveryError, RecipientGone
from bot.people import bounces
from store import outbox
from store.base import utcnow
from store.db import transaction
from store.people import person_by_telegram
from store.subscriptions import unsubscribe_address

log = logging.getLogger(__name__)


WORKER = f"{socket.gethostname()}:delivery"  # one `portal run` per host, restarted in place


class Delivery:
    """Delivers outbox items as `worker`, a stable identity: the same string when the process
    is started again (e.g. "host:delivery-1"), so that it can take back what it held."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        senders: dict[str, Sender],
        worker: str = WORKER,
        *,
        settings: Settings | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings  # given: a relay's refusal of an address counts as a bounce
        self.senders = senders
        self.worker = worker
        self.started = utcnow()
        self._released = False

    def release_abandoned(self) -> int:
        """Make due again what this worker identity held when its process stopped (claims made
        before this Delivery was made); returns how many. Called by the first deliver_due if
        nobody called it before. An item whose hand-off had begun is sent again as it was (same
        Message-ID, same maildir file name): see outbox.release_claims."""
        with transaction(self.sessions) as session:
            released = outbox.release_claims(session, worker=self.worker, before=self.started)
        self._released = True
        return released

    def _claim(self) -> list[outbox.OutboxItem]:
        """A batch, the first item marked as being handed off (in the same commit)."""
        if not self._released:
            self.release_abandoned()
        with transaction(self.sessions) as session:
            items = outbox.claim_due(session, self.worker)
            if items:
                outbox.mark_handing_off(items[0])
            return items

    def _settle(self, item_id: int, error: str | None, following: int | None) -> None:
        """Record how the item went and, in the same commit, mark the `following` one as being
        handed off: a crash between the two hand-offs leaves exactly one item in doubt."""
        with transaction(self.sessions) as session:
            item = session.get_one(outbox.OutboxItem, item_id)
            if error is None:
                outbox.mark_sent(item)
            elif error.startswith("gone: "):
                outbox.mark_undeliverable(item, error)
                stop_writing_to(session, item.channel, item.recipient)
                if item.channel == "email" and self.settings is not None:
                    ctx = bounces.system(session, self.settings, utcnow(), None)
                    log.info("outbox item %d: %s", item.id,
                             bounces.refused_at_hand_off(ctx, item, error))  # fmt: skip
            else:
                outbox.mark_failed_attempt(item, error)
                log.warning(
                    "outbox item %d not delivered (attempt %d, now %s): %s",
                    item.id,
                    item.attempts,
                    item.status,
                    error,
                )
            if following is not None:
                outbox.mark_handing_off(session.get_one(outbox.OutboxItem, following))

    async def deliver_due(self) -> int:
        """Try a batch of the items due (outbox.BATCH), each settled in its own commit right
        after its hand-off; returns how many were delivered. The first call releases what
        this worker held before (release_abandoned) unless that was done already."""
        delivered = 0
        items = await asyncio.to_thread(self._claim)
        for number, item in enumerate(items):
            error: str | None = None
            sender = self.senders.get(item.channel)
            try:
                if sender is None:
                    raise DeliveryError(f"no {item.channel} channel is configured")
                await sender.deliver(item)
                delivered += 1
            except RecipientGone as exc:
                error = f"gone: {exc}"
            except DeliveryError as exc:
                error = str(exc)
            except Exception as exc:  # a bug in a channel must not lose the item
                log.exception("outbox item %d: unexpected delivery failure", item.id)
                error = f"{type(exc).__name__}: {exc}"
            following = items[number + 1].id if number + 1 < len(items) else None
            await asyncio.to_thread(self._settle, item.id, error, following)
        return delivered


def stop_writing_to(session: Session, channel: str, recipient: str) -> None:
    """Someone unreachable for good: their Telegram link is marked inactive and the digests to
    that chat stop, so nothing else is queued for them."""
    if channel != "telegram" or not recipient.lstrip("-").isdigit():
        return
    person = person_by_telegram(session, int(recipient))
    if person is not None:
        person.telegram_active = False
    unsubscribe_address(session, channel, recipient, utcnow())
