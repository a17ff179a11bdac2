"""Email in from an existing mailbox: read over IMAP, kept in the inbox, then marked there.

The contract (README, "Reading an existing mailbox"): a message is fetched with BODY.PEEK[]
(still unread), committed to the inbox, and only then marked (\\Seen and $PortalKept, or moved
to PORTAL_IMAP_PROCESSED). The position kept per mailbox (UIDVALIDITY, the UID up to which all
is kept) chooses the work: the unmarked messages above it. A crash before the mark reads the
message again, and the inbox's de-duplication keeps it once; so does a new UIDVALIDITY, which
voids the position. What the inbox cannot take stays unread, tried again with back-off; a
message over PORTAL_MAX_MESSAGE_SIZE is not fetched, left unread for a person, logged once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Protocol

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlalchemy.exc import InterfaceError, OperationalError

from bot.channels.email.delivered import envelope_of
from bot.channels.email.imap import MailboxUrl, connect
from bot.config import Settings

log = logging.getLogger(__name__)

KEPT = b"$PortalKept"  # the keyword of a message the portal kept (when the server has keywords)
BATCH = 50  # messages fetched, kept and marked together
BATCH_BYTES = 32 * 1024 * 1024  # and at most this many bytes of them (one is never refused)
IDLE_RENEW = 25 * 60.0  # seconds; RFC 2177 asks to renew IDLE before 29 minutes
IDLE_SLICE = 1.0  # seconds an IDLE waits before looking at `halt`
FIRST_DELAY, LAST_DELAY = 1.0, 300.0  # back-off after a failure, doubling
CONNECTION_ERRORS = (OSError, IMAPClientError)  # imaplib's error and abort, sockets, TLS
DATABASE_ERRORS = (OperationalError, InterfaceError, TimeoutError)  # the inbox itself is down

# keep(sender, recipients, message_id, raw, meta) -> the inbox item id, once committed.
Keep = Callable[[str, list[str], str | None, bytes, dict[str, Any]], Future[int]]


class Positions(Protocol):
    """Where the portal left off in each mailbox (store.mailboxes behind it)."""

    def get(self, mailbox: str) -> tuple[int, int] | None: ...
    def put(self, mailbox: str, uidvalidity: int, last_uid: int) -> None: ...


class NotSent(Exception):
    """The server's FETCH answer left a message out, and a search says it is still there."""


class NotKept(Exception):
    """The inbox could not take a message; it stays on the server for the next pass."""


class ConnectionLost(Exception):
    """The server said goodbye (BYE) in the middle of a wait."""


class MailboxReader:
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
        self.mailbox = mailbox
        self.settings = settings
        self.keep = keep
        self.positions = positions
        self.on_stored = on_stored
        self.report = report  # after each pass: None when it went well, else what went wrong
        self.processed = settings.imap_processed
        self.timeout = settings.smtp_store_timeout
        self.keywords = False  # may the server keep $PortalKept? (told when selecting)
        self.uidvalidity = 0  # of the folder selected
        self.last = 0  # every message up to this UID is kept (or deliberately left)
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
                self.report(str(exc))
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
        else:
            log.warning(
                "mailbox %s: UIDVALIDITY changed from %d to %d; its unmarked messages are "
                "read again (those already kept are recognised)",
                self.mailbox.name,
                known[0],
                uidvalidity,
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

    # ---- one pass ----------------------------------------------------------------------------
    def take_new(self, client: IMAPClient, halt: threading.Event | None = None) -> int:
        """Keep every unmarked message above the position, in UID order, in batches (of
        BATCH messages, BATCH_BYTES at most), stopping between batches once `halt` is set;
        returns how many were kept. A message refused holds the position, not the others;
        the database down ends the pass with NotKept, tried again after a pause. \\Seen is
        no mark: a message a person opened first is read all the same."""
        client.noop()  # the server tells of new messages only between commands
        criteria: list[Any] = ["UID", f"{self.last + 1}:*", "NOT", "DELETED"]
        if not self.processed and self.keywords:  # without keywords, the position alone
            criteria += ["UNKEYWORD", KEPT]
        uids = sorted(uid for uid in client.search(criteria) if uid > self.last)  # n:* is 1+
        sizes: dict[int, int] = {}
        for start in range(0, len(uids), 1000):
            found = client.fetch(uids[start : start + 1000], ["RFC822.SIZE"])
            sizes.update((uid, int(data[b"RFC822.SIZE"])) for uid, data in found.items())
        kept = 0
        refused: tuple[int, BaseException] | None = None
        for batch in _batches(uids, sizes):
            if halt is not None and halt.is_set():  # stopping: the rest at the next start
                break
            taken, failed = self._take(client, batch, sizes)
            kept += taken
            if refused is None:  # the position moves up to the first message not kept
                done = [uid for uid in batch if failed is None or uid < failed[0]]
                if done:
                    self.positions.put(self.mailbox.name, self.uidvalidity, done[-1])
                    self.last = done[-1]
            refused = refused or failed
            if failed is not None and isinstance(failed[1], DATABASE_ERRORS):
                raise NotKept(f"message UID {failed[0]} could not be kept ({failed[1]!r})")
        if refused is not None:  # that one message: tried again at each look
            log.warning(
                "mailbox %s: message UID %d could not be kept (%r); it stays unread there",
                self.mailbox.name,
                *refused,
            )
        return kept

    def _take(
        self, client: IMAPClient, uids: list[int], sizes: dict[int, int]
    ) -> tuple[int, tuple[int, BaseException] | None]:
        """Keep a batch, then mark what was kept: how many, and the first refused."""
        small = [u for u in uids if u in sizes and sizes[u] <= self.settings.max_message_size]
        for uid in uids:
            if uid in sizes and uid not in small:
                log.warning(
                    "mailbox %s: message UID %d has %d bytes, over PORTAL_MAX_MESSAGE_SIZE: "
                    "not read, left unread there for a person",
                    self.mailbox.name,
                    uid,
                    sizes[uid],
                )
        bodies = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
        unsent = [u for u in uids if u not in sizes or (u in small and u not in bodies)]
        failures: list[tuple[int, BaseException]] = []
        if unsent:  # gone meanwhile (a person deleted or moved it), or a server's slip?
            there = client.search(["UID", ",".join(map(str, unsent)), "NOT", "DELETED"])
            failures += [(uid, NotSent("the server did not send it")) for uid in there]
        waiting: list[tuple[int, Future[int]]] = []
        for uid in small:
            if uid not in bodies:
                continue
            raw = bytes(bodies[uid][b"BODY[]"])
            sender, recipients, message_id = envelope_of(raw, self.settings.smtp_max_recipients)
            where = {"mailbox": self.mailbox.name, "uidvalidity": self.uidvalidity, "uid": uid}
            waiting.append((uid, self.keep(sender, recipients, message_id, raw, {"imap": where})))
        kept: list[int] = []
        for uid, future in waiting:
            try:
                item_id = future.result(self.timeout)
            except Exception as exc:
                failures.append((uid, exc))
                continue
            log.info("inbox item %d kept from mailbox %s UID %d", item_id, self.mailbox.name, uid)
            kept.append(uid)
        if kept:
            self.on_stored()
            self.mark(client, kept)
        if not failures:
            return len(kept), None
        first = min(failures, key=lambda failure: failure[0])
        down = [failure for failure in failures if isinstance(failure[1], DATABASE_ERRORS)]
        return len(kept), (first[0], down[0][1] if down else first[1])  # the database's first

    def mark(self, client: IMAPClient, uids: list[int]) -> None:
        """Tell the server these are kept: flagged, or moved to the processed folder."""
        if not self.processed:
            client.add_flags(uids, [rb"\Seen", KEPT] if self.keywords else [rb"\Seen"], silent=True)
        elif client.has_capability("MOVE"):
            client.move(uids, self.processed)
        else:
            client.copy(uids, self.processed)
            client.delete_messages(uids, silent=True)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(uids)
            else:  # also expunges what a person deleted: no way to tell them apart
                client.expunge()


def _last_uid(client: IMAPClient, selected: dict[bytes, Any]) -> int:
    """The UID of the folder's newest message (UIDNEXT - 1, or a search without UIDNEXT)."""
    if b"UIDNEXT" in selected:
        return int(selected[b"UIDNEXT"]) - 1
    return max(client.search(["ALL"]), default=0)


def _still_here(response: Any) -> bool:
    """A server's "* OK Still here" in IDLE: it keeps the connection, it says nothing new."""
    return isinstance(response, tuple) and bool(response) and response[0] == b"OK"


def _batches(uids: list[int], sizes: dict[int, int]) -> list[list[int]]:
    """UIDs in runs of BATCH at most, BATCH_BYTES at most (a bigger message alone)."""
    batches: list[list[int]] = []
    batch: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if batch and (len(batch) == BATCH or total + size > BATCH_BYTES):
            batches.append(batch)
            batch, total = [], 0
        batch.append(uid)
        total += size
    if batch:
        batches.append(batch)
    return batches


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # gone already: nothing to say goodbye to
        client.shutdown()
