"""The channels' fronts the wiring gave the core (bot.app), found by channel name."""

from __future__ import annotations

import logging

from bot.envelope import Front

log = logging.getLogger(__name__)

_FRONTS: dict[str, Front] = {}


def register(channel: str, front: Front) -> None:
    """Give the core this channel's front (the wiring does, once per process; again replaces)."""
    _FRONTS[channel] = front


def front_of(channel: str) -> Front:
    try:
        return _FRONTS[channel]
    except KeyError:
        raise LookupError(
            f"no front for channel {channel!r}: the wiring (bot.app.wire_channels) registers "
            f"them; registered: {sorted(_FRONTS)}"
        ) from None


def registered() -> list[str]:
    return sorted(_FRONTS)
