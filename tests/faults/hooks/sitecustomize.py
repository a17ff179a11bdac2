"""Run by every Python started with this folder on PYTHONPATH: KILL_AT_SENT arms kill_hook."""

import os
from pathlib import Path

if os.environ.get("KILL_AT_SENT"):
    from kill_hook import die_recording_sent

    die_recording_sent(int(os.environ["KILL_AT_SENT"]), Path(os.environ["KILL_MARKER"]))
