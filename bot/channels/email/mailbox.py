"""Email in from an existing mailbox: the reader's sessions, its waits for new mail, back-off.

The contract (README, "Run it from your existing mailbox"): the position kept per mailbox
(UIDVALIDITY, the UID up to which all is kept) chooses the work; a pass
(bot.channels.email.mailbox_pass) keeps what is above it. At the first contact the position
starts after the messages already there (`portal mailbox rewind` sets it back); a new
UIDVALIDITY voids it, and the inbox's de-duplication recognises what is read again. A failed
session is tried again with back-off, and each pass's outcome is reported (portal status).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from bot.channels.email.imap import MailboxUrl, connect
from bot.channels.email.mailbox_pass import FolderPass, Keep, NotKept, Positions
from bot.config import Settings

log = logging.getLogger(__name__)

IDLE_RENEW = 25 * 60.0  # seconds; RFC 2177 asks to renew IDLE before 29 minutes
IDLE_SLICE = 1.0  # seconds an IDLE waits before looking at `halt`
FIRST_DELAY, LAST_DELAY = 1.0, 300.0  # back-off after a failure, doubling
CONNECTION_ERRORS = (OSError, IMAPClientError)  # imaplib's error and abort, sockets, TLS


class ConnectionLost(Exception):
    """The server said goodbye (BYE) in the middle of a wait."""


class MailboxReader(FolderPass):
    """Reads one folder until `halt` is set: a pass, then IDLE (or a pause) until new mail."""

    def __init__(
        self,
        mailbox: MailboxUrl,
        settings: Settings,
        keep: Keep,
        positions: Positions,
        on_stored: Callable[[], None] = lambda: None,
        report: Callable[[str | None], None] = lambda error: None,
    ) -> None:
        super().__init__(mailbox, settings, keep, positions, on_stored)
        self.report = report  # after each pass: None when it went well, else what went wrong
        self.outage = False  # the last session failed, and was said to
        self.good = False  # this session has read the folder once

    # ---- the service: sessions, back-off -----------------------------------------------------
    def serve(self, halt: threading.Event) -> None:
        """Connect, read, wait, again; after a failure, try again 1 s later, doubling up to
        5 min (a WARNING once per outage); return promptly once `halt` is set."""
        delay = FIRST_DELAY
        self.outage = False
        while not halt.is_set():
            self.good = False  # a session is good once it has read the folder once
            try:
                client = connect(self.mailbox, self.settings)
                try:
                    self._open(client)
                    self._read(client, halt)
                finally:
                    _close(client)
                return
            except Exception as exc:
                self.report(str(exc) or type(exc).__name__)  # MailboxUrl's repr: no password
                if self.good:  # a good session ended: a new outage, from the first delay
                    self.outage, delay = False, FIRST_DELAY
                if not self.outage:
                    known = isinstance(exc, (*CONNECTION_ERRORS, ConnectionLost))
                    log.warning(
                        "mailbox %s cannot be read (%s); trying again in %g s, then less often",
                        self.mailbox.name,
                        exc or type(exc).__name__,
                        delay,
                        exc_info=not known,  # an error of ours: its traceback
                    )
                else:
                    log.debug("mailbox %s still cannot be read: %r", self.mailbox.name, exc)
                self.outage = True
                halt.wait(delay)
                delay = min(delay * 2, LAST_DELAY)

    def _read(self, client: IMAPClient, halt: threading.Event) -> None:
        """Passes, and waits for new mail between them, until `halt` is set."""
        store_delay = FIRST_DELAY
        while not halt.is_set():
            try:
                self.take_new(client, halt)
                self.report(None)
                store_delay = FIRST_DELAY
                if not self.good and self.outage:
                    log.info("mailbox %s can be read again", self.mailbox.name)
                self.good = True
            except NotKept as exc:
                self.report("the inbox cannot keep mail (the database)")  # no host, no user
                log.warning(
                    "mailbox %s: %s; it stays unread there, tried again in %g s",
                    self.mailbox.name,
                    exc,
                    store_delay,
                )
                halt.wait(store_delay)
                store_delay = min(store_delay * 2, LAST_DELAY)
                continue
            self._wait_for_mail(client, halt)

    def _open(self, client: IMAPClient) -> None:
        """Select the folder (and make the processed folder); where the portal left off in it
        (a new UIDVALIDITY voids the position)."""
        if self.processed and not client.folder_exists(self.processed):
            client.create_folder(self.processed)
            log.info("mailbox %s: folder %s created", self.mailbox.name, self.processed)
        selected = client.select_folder(self.mailbox.folder)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        flags = selected.get(b"PERMANENTFLAGS", ())
        self.keywords = rb"\*" in flags
        known = self.positions.get(self.mailbox.name)
        self.since = None
        self.uidvalidity, self.last = uidvalidity, 0
        if known is not None and known[0] == uidvalidity:
            self.last = known[1]
        elif known is None:  # the first contact: what is there already is left to people
            self.last = _last_uid(client, selected)
            log.info(
                "mailbox %s: starting after the %d messages already in the folder (left "
                "unread; `portal mailbox rewind` has them read)",
                self.mailbox.name,
                int(selected.get(b"EXISTS", 0)),
            )
            self.positions.put(self.mailbox.name, uidvalidity, self.last)
        else:  # renumbered: what came since the position last moved (a day's margin) is read
            moved = self.positions.kept_at(self.mailbox.name)
            self.since = (moved - timedelta(days=1)).date() if moved is not None else None
            log.warning(
                "mailbox %s: UIDVALIDITY changed from %d to %d; its unmarked messages received "
                "since %s are read again (those already kept are recognised)",
                self.mailbox.name,
                known[0],
                uidvalidity,
                self.since,
            )
            self.positions.put(self.mailbox.name, uidvalidity, 0)
        log.info(
            "reading mailbox %s (UIDVALIDITY %d, kept up to UID %d)",
            self.mailbox.name,
            uidvalidity,
            self.last,
        )

    def _wait_for_mail(self, client: IMAPClient, halt: threading.Event) -> None:
        """IDLE until the server says something (renewed before RFC 2177's 29 minutes), or,
        without IDLE, PORTAL_IMAP_POLL seconds."""
        if not client.has_capability("IDLE"):
            halt.wait(self.settings.imap_poll)
            return
        client.idle()
        started = time.monotonic()
        said: list[Any] = []
        while not said and not halt.is_set() and time.monotonic() - started < IDLE_RENEW:
            said = [r for r in client.idle_check(timeout=IDLE_SLICE) if not _still_here(r)]
        if any(isinstance(r, tuple) and r and r[0] == b"BYE" for r in said):
            raise ConnectionLost("the server said BYE")
        client.idle_done()


def _last_uid(client: IMAPClient, selected: dict[bytes, Any]) -> int:
    """The UID of the folder's newest message (UIDNEXT - 1, or a search without UIDNEXT)."""
    if b"UIDNEXT" in selected:
        return int(selected[b"UIDNEXT"]) - 1
    return max(client.search(["ALL"]), default=0)


def _still_here(response: Any) -> bool:
    """A server's "* OK Still here" in IDLE: it keeps the connection, it says nothing new."""
    return isinstance(response, tuple) and bool(response) and response[0] == b"OK"


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # gone already: nothing to say goodbye to
        client.shutdown()
