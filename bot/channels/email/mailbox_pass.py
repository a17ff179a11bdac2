"""One pass over a mailbox's folder: the messages above the position kept, then marked there.

A message is fetched with BODY.PEEK[] (still unread), committed to the inbox, and only then marked
(\\Seen and $PortalKept, or moved to PORTAL_IMAP_PROCESSED); \\Seen alone is no mark, so a message
a person opened first is read all the same. A crash before the mark reads the message again, and
the inbox's de-duplication keeps it once. What the inbox cannot take stays there: one message holds
the position and is tried at each look; the database down ends the pass (NotKept). A message the
server left out of its FETCH answer is tried again unless a search says it is gone; one over
PORTAL_MAX_MESSAGE_SIZE is not fetched, left unread for a person, logged once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date, datetime
from typing import Any, Protocol

from imapclient import IMAPClient
from sqlalchemy.exc import InterfaceError, OperationalError

from bot.channels.email.delivered import envelope_of
from bot.channels.email.imap import MailboxUrl
from bot.config import Settings

log = logging.getLogger(__name__)

KEPT = b"$PortalKept"  # the keyword of a message the portal kept (when the server has keywords)
BATCH = 50  # messages fetched, kept and marked together
BATCH_BYTES = 32 * 1024 * 1024  # and at most this many bytes of them (one is never refused)
DATABASE_ERRORS = (OperationalError, InterfaceError, TimeoutError)  # the inbox itself is down

# keep(sender, recipients, message_id, raw, meta) -> the inbox item id, once committed.
Keep = Callable[[str, list[str], str | None, bytes, dict[str, Any]], Future[int]]


class Positions(Protocol):
    """Where the portal left off in each mailbox (store.mailboxes behind it)."""

    def get(self, mailbox: str) -> tuple[int, int] | None: ...
    def put(self, mailbox: str, uidvalidity: int, last_uid: int) -> None: ...
    def kept_at(self, mailbox: str) -> datetime | None: ...


class NotSent(Exception):
    """The server's FETCH answer left a message out, and a search says it is still there."""


class NotKept(Exception):
    """The inbox could not take a message; it stays on the server for the next pass."""


class FolderPass:
    """Passes over the folder selected (bot.channels.email.mailbox chooses it and when)."""

    def __init__(
        self,
        mailbox: MailboxUrl,
        settings: Settings,
        keep: Keep,
        positions: Positions,
        on_stored: Callable[[], None] = lambda: None,
    ) -> None:
        self.mailbox = mailbox
        self.settings = settings
        self.keep = keep
        self.positions = positions
        self.on_stored = on_stored
        self.processed = settings.imap_processed
        self.timeout = settings.smtp_store_timeout
        self.keywords = False  # may the server keep $PortalKept? (told when selecting)
        self.uidvalidity = 0  # of the folder selected
        self.last = 0  # every message up to this UID is kept (or deliberately left)
        self.since: date | None = None  # only mail received since (a new UIDVALIDITY's pass)

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
        if self.since is not None:
            criteria += ["SINCE", self.since]
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
