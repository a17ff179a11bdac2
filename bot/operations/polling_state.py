"""How Telegram polling is going, in a small file in PORTAL_HOME that other processes read."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from store.base import utcnow

log = logging.getLogger(__name__)

REWRITE_AFTER = timedelta(seconds=10)  # a run of good polls rewrites the file this often


@dataclass(frozen=True)
class PollingState:
    ok_at: str | None = None  # ISO time of the last poll that answered
    failing_since: str | None = None  # ISO time of the first failure of the current run
    error: str | None = None  # what the last failure said (no token: PTB's message only)

    def last_ok(self) -> datetime | None:
        return datetime.fromisoformat(self.ok_at) if self.ok_at else None

    def failing_from(self) -> datetime | None:
        return datetime.fromisoformat(self.failing_since) if self.failing_since else None


def state_file(home: Path) -> Path:
    return home / "state" / "telegram-polling.json"


def read(home: Path, path: Path | None = None) -> PollingState | None:
    """The last state written, or None when no poller ever ran in this home."""
    try:
        return PollingState(**json.loads((path or state_file(home)).read_text()))
    except (OSError, ValueError, TypeError):
        return None


class PollingReporter:
    """Called by the poller after each poll: None when it answered, else what went wrong."""

    def __init__(self, home: Path, path: Path | None = None) -> None:
        self.path = path or state_file(home)  # another part's file (bot.operations.mailbox_state)
        self.state = read(home, self.path) or PollingState()
        self.written_at: datetime | None = None

    def __call__(self, error: str | None) -> None:
        now = utcnow()
        if error is None:
            changed = self.state.failing_since is not None
            if not changed and self.written_at and now - self.written_at < REWRITE_AFTER:
                return
            self._write(PollingState(ok_at=now.isoformat()), now)
        else:
            since = self.state.failing_since or now.isoformat()
            self._write(PollingState(self.state.ok_at, since, error[:300]), now)

    def _write(self, state: PollingState, now: datetime) -> None:
        self.state = state
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".part")
            partial.write_text(json.dumps(asdict(state)))
            os.replace(partial, self.path)
            self.written_at = now
        except OSError as exc:  # a full disk must not stop polling
            log.warning("could not write %s: %s", self.path, exc)
