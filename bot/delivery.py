"""The outbox worker: delivers due items through their channel, retrying with backoff."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import Sender
from bot.errors import DeliveryError, RecipientGone
from store import outbox
from store.base import utcnow
from store.db import transaction
from store.people import person_by_telegram
from store.subscriptions import unsubscribe_address

log = logging.getLogger(__name__)


class Delivery:
    def __init__(self, sessions: sessionmaker[Session], senders: dict[str, Sender]) -> None:
        self.sessions = sessions
        self.senders = senders

    def _claim(self) -> list[outbox.OutboxItem]:
        with transaction(self.sessions) as session:
            return outbox.claim_due(session)

    def _settle(self, item_id: int, error: str | None) -> None:
        with transaction(self.sessions) as session:
            item = session.get_one(outbox.OutboxItem, item_id)
            if error is None:
                outbox.mark_sent(item)
            elif error.startswith("gone: "):
                outbox.mark_undeliverable(item, error)
                stop_writing_to(session, item.channel, item.recipient)
            else:
                outbox.mark_failed_attempt(item, error)
                log.warning(
                    "outbox item %d not delivered (attempt %d, now %s): %s",
                    item.id,
                    item.attempts,
                    item.status,
                    error,
                )

    async def deliver_due(self) -> int:
        """Try every item that is due; returns how many were delivered."""
        delivered = 0
        for item in await asyncio.to_thread(self._claim):
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
            await asyncio.to_thread(self._settle, item.id, error)
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
