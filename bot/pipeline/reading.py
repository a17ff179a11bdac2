"""Read an inbox item into a channel-neutral Inbound, by the front of the channel that kept it."""

from __future__ import annotations

from bot.envelope import Inbound
from bot.pipeline.fronts import front_of
from store.inbox import InboxItem


def read_inbound(item: InboxItem) -> Inbound:
    try:
        front = front_of(item.channel)
    except LookupError:
        raise ValueError(f"inbox item {item.id}: no reader for channel {item.channel!r}") from None
    return front.read(item)
