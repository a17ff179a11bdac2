"""The channels' fronts the wiring gave the core (bot.app), found by channel name."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.envelope import Front

log = logging.getLogger(__name__)

_FRONTS: dict[str, Front] = {}
_MAKERS: dict[str, Callable[[], Front]] = {}  # made at first use: a command reading no message
# never imports the channel (issue 19)


def register(channel: str, front: Front | Callable[[], Front]) -> None:
    """Give the core this channel's front, or what makes it at its first use (the wiring does,
    once per process; again replaces)."""
    _FRONTS.pop(channel, None)
    _MAKERS.pop(channel, None)
    if callable(front):
        _MAKERS[channel] = front
    else:
        _FRONTS[channel] = front


def front_of(channel: str) -> Front:
    if channel in _MAKERS:
        _FRONTS[channel] = _MAKERS.pop(channel)()
    try:
        return _FRONTS[channel]
    except KeyError:
        raise LookupError(
            f"no front for channel {channel!r}: the wiring (bot.app.wire_channels) registers "
            f"them; registered: {sorted(_FRONTS)}"
        ) from None


def registered() -> list[str]:
    return sorted({*_FRONTS, *_MAKERS})


def make_all() -> None:
    """Make every registered front now (a processor at its start, not at its first message)."""
    for channel in registered():
        front_of(channel)
