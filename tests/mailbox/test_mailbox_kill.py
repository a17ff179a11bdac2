"""`portal run` killed with SIGKILL while it reads a full mailbox: every message kept once.

Two kills in one run: the intake part between the commit of a batch and its mark (the
supervisor starts it again), then the whole `portal run` while the new intake part reads.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.app import Portal
from bot.config import Settings
from store.inbox import InboxItem
from tests.faults.conftest import RunPortal
from tests.faults.process import database_counts, prepare_home
from tests.harness import read_maildir
from tests.mailbox.conftest import Mailbox, from_start, wait_for

MESSAGES = 200

# The intake part kills itself as it first marks messages on the server: committed, not marked.
# The marker makes it fire once, whichever process of the run finds it first.
DYING_AT_THE_MARK = """
import os, signal
from pathlib import Path
from bot.channels.email.mailbox import MailboxReader

_mark = MailboxReader.mark

def mark(reader, client, uids):
    marker = Path(os.environ["MARK_KILL_MARKER"])
    if not marker.exists():
        marker.write_text(str(len(uids)))
        os.kill(os.getpid(), signal.SIGKILL)
    _mark(reader, client, uids)

MailboxReader.mark = mark
"""


def stored(home: Settings) -> tuple[int, int]:
    """(inbox items, distinct Message-IDs among them), read by a connection of the test's."""
    portal = Portal.open(home)
    try:
        with portal.sessions() as session:
            return (
                session.scalar(select(func.count()).select_from(InboxItem)) or 0,
                session.scalar(select(func.count(func.distinct(InboxItem.message_id)))) or 0,
            )
    finally:
        portal.close()


def test_killed_while_reading_the_mailbox_every_message_is_kept_and_handled_once(
    sqlite_only: None,
    mailbox: Mailbox,
    run_portal: RunPortal,
    tmp_path: Path,
    sqlite_template: Path,
) -> None:
    home = prepare_home(tmp_path / "var", sqlite_template)
    owner = mailbox.client()
    for n in range(MESSAGES):
        owner.append("INBOX", mailbox.delivered(subject="HELP", body=f"help {n}"))
    owner.logout()
    opened = Portal.open(home)
    try:
        from_start(mailbox)(opened)  # the mail already there is read (`portal mailbox rewind`)
    finally:
        opened.close()

    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(DYING_AT_THE_MARK)
    marker = tmp_path / "killed-at-the-mark"
    portal = run_portal(
        home, PORTAL_IMAP_URL=mailbox.url(), PYTHONPATH=str(hooks), MARK_KILL_MARKER=str(marker)
    )
    # 1. The intake part dies between the commit of its first batch and its mark; the
    # supervisor starts it again, and it reads that batch again.
    wait_for(marker.exists)
    at_part_kill = stored(home)
    portal.wait_for_log(r"intake \(pid \d+\) .*; restarting in")
    # 2. The whole `portal run` is killed as the new intake part reads.
    wait_for(
        lambda: sum("kept from mailbox" in line for line in portal.log) > int(marker.read_text())
    )
    portal.kill()
    at_kill = stored(home)
    marked_at_kill = sum(1 for f in mailbox.flags().values() if "\\Seen" in f)

    restarted = run_portal(home, PORTAL_IMAP_URL=mailbox.url())
    wait_for(lambda: stored(home)[0] == MESSAGES, timeout=60)
    restarted.wait_until_settled(timeout=120)
    restarted.kill()  # settled: nothing is left to stop cleanly

    items, distinct = stored(home)
    counts = database_counts(home)
    on_server = mailbox.flags()
    answers = len(read_maildir(home.maildir))
    print(
        f"\nIMAP kill: delivered {MESSAGES}, stored when the intake part died at its first mark "
        f"{at_part_kill[0]} (batch of {marker.read_text()}), stored at the kill of portal run "
        f"{at_kill[0]} "
        f"(marked on the server {marked_at_kill}), stored {items} items ({distinct} distinct), "
        f"processed {counts.get('done', 0)}, answers {answers}, duplicates {items - distinct}"
    )
    assert (items, distinct, items - distinct) == (MESSAGES, MESSAGES, 0)
    assert counts == {"done": MESSAGES, "records": 0, "waiting": 0}
    assert answers == MESSAGES
    assert on_server == {uid: {"\\Seen", "$PortalKept"} for uid in range(1, MESSAGES + 1)}
