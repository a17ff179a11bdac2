"""Read an inbox item into a channel-neutral Inbound, whatever channel kept it."""

from __future__ import annotations

from dataclasses import replace

from bot.channels.email.reading import read_email
from bot.channels.telegram.reading import read_update
from bot.envelope import Inbound
from bot.parsing.language import detect_language
from store.inbox import InboxItem


def read_inbound(item: InboxItem) -> Inbound:
    if item.channel == "email":
        inbound = read_email(item.raw, item.sender, item.recipients)
        return replace(inbound, language=detect_language(inbound.subject, inbound.text))
    if item.channel == "telegram":
        return read_update(item.raw)
    raise ValueError(f"inbox item {item.id}: no reader for channel {item.channel!r}")
