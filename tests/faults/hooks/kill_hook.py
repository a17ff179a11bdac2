"""Kill this process with SIGKILL as it records an outbox item sent: delivered, not committed."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from store import outbox


def die_recording_sent(at: int, marker: Path | None = None) -> None:
    """From now on, the `at`-th outbox.mark_sent in this process kills it, before the commit
    that would record it (the maildir file is written, the relay has accepted the mail).

    With a `marker`: the kill writes the item's id there first, and a process that finds the
    marker does not kill itself, so the hook fires once, even across restarts."""
    record = outbox.mark_sent
    calls = 0

    def mark_sent(item: outbox.OutboxItem) -> None:
        nonlocal calls
        calls += 1
        if calls == at and not (marker is not None and marker.exists()):
            if marker is not None:
                marker.write_text(str(item.id))
            os.kill(os.getpid(), signal.SIGKILL)
        record(item)

    outbox.mark_sent = mark_sent
