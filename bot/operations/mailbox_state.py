"""How the mailbox reader is doing, in a small file in PORTAL_HOME (as Telegram polling's)."""

from __future__ import annotations

from pathlib import Path

from bot.operations import polling_state
from bot.operations.polling_state import PollingReporter, PollingState


def state_file(home: Path) -> Path:
    return home / "state" / "imap-mailbox.json"


def read(home: Path) -> PollingState | None:
    """The last state written (ok_at: the last good pass), or None when no reader ever ran."""
    return polling_state.read(home, state_file(home))


def reporter(home: Path) -> PollingReporter:
    """Called by the reader after each pass: None when it went well, else what went wrong."""
    return PollingReporter(home, state_file(home))
