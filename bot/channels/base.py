"""What the core asks of a channel: deliver an outbox item, or raise DeliveryError."""

from typing import Protocol

from store.outbox import OutboxItem


class Sender(Protocol):
    async def deliver(self, item: OutboxItem) -> None:
        """Deliver the item; raise bot.errors.DeliveryError to have it retried later."""
