"""The processor: claims inbox items oldest first and handles each in one transaction."""

from __future__ import annotations

import logging
import socket
import traceback
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.context import Context
from bot.envelope import Inbound
from bot.errors import UnreadableMessage
from bot.parsing.template import read_template
from bot.pipeline.handle import handle
from bot.pipeline.reading import read_inbound
from bot.pipeline.unreadable import quarantine_unreadable, unread
from store import inbox
from store.base import utcnow
from store.db import transaction

log = logging.getLogger(__name__)

STALE_AFTER = inbox.STALE_AFTER  # a claim this old: its worker never came back to release it
WORKER = f"{socket.gethostname()}:processor"  # one `portal run` per host, restarted in place


class Processor:
    """Handles inbox items as `worker`, a stable identity: the same string when the process is
    started again (e.g. "host:processor-1"), so that it can take back what it held."""

    def __init__(
        self, sessions: sessionmaker[Session], settings: Settings, worker: str = WORKER
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.worker = worker
        self.started = utcnow()
        self._released = False
        # Told the id of the item being handled, then None: `portal run`'s supervisor stops a
        # processor that holds one item too long (bot.supervisor).
        self.watch: Callable[[int | None], None] | None = None

    def release_abandoned(self) -> int:
        """Put back to `new` what this worker identity held when its process stopped (claims
        made before this Processor was made); returns how many. Called by the first
        process_next if nobody called it before; their attempts are kept, so an item that
        stops the worker at every try is still quarantined after inbox.MAX_ATTEMPTS."""
        with transaction(self.sessions) as session:
            released = inbox.release_claims(session, worker=self.worker, before=self.started)
        self._released = True
        return released

    def process_next(self) -> int | None:
        """Handle the next waiting item; returns its id, or None when nothing waits (or the
        database cannot be reached: the caller tries again after its pause)."""
        try:
            if not self._released:
                self.release_abandoned()
            with transaction(self.sessions) as session:
                claimed = inbox.claim_next(session, self.worker, STALE_AFTER)
                if claimed is None:
                    return None
                item_id, attempts = claimed.id, claimed.attempts
        except DBAPIError:
            log.warning("the inbox cannot be read now; trying again later", exc_info=True)
            return None
        if attempts > inbox.MAX_ATTEMPTS:  # each try ended with the worker itself
            reason = "the worker stopped during its last try (a crash, or it was killed)"
            self._record_failure(item_id, reason, readable=False)
            return item_id
        if self.watch is not None:
            self.watch(item_id)
        try:
            self._handle(claimed)
        finally:
            if self.watch is not None:
                self.watch(None)
        return item_id

    def _handle(self, claimed: inbox.InboxItem) -> None:
        """`claimed` as its claim left it (sessions keep what they loaded after the commit):
        read from it, outside the write lock so that others keep writing, without reading the
        row again; it is then handled on the row in the transaction that writes its outcome."""
        item_id = claimed.id
        try:
            inbound = read_inbound(claimed)
            read_template(inbound.text)  # kept for handle(), read here outside the write lock
            with transaction(self.sessions) as session:
                item = session.get_one(inbox.InboxItem, item_id)
                outcome = handle(session, self.settings, item, inbound=inbound)
                inbox.finish(item, outcome)
            log.info("inbox item %d: %s", item_id, outcome)
        except UnreadableMessage as exc:  # reading it again would fail the same way
            quarantine_unreadable(self.sessions, self.settings, item_id, exc)
        except Exception as exc:
            log.exception("inbox item %d failed", item_id)
            reason = "".join(traceback.format_exception_only(exc)).strip()[:2000]
            self._record_failure(item_id, reason)

    def give_up(self, item_id: int, reason: str) -> None:
        """Quarantine an item at once, without reading it again, and tell its sender it is kept:
        its handling stopped the processor (it ran past its time, or crashed the process)."""
        try:
            with transaction(self.sessions) as session:
                item = inbox.quarantine(session, item_id, reason)
                if item is None:
                    return
                log.warning("inbox item %d is now %s: %s", item_id, item.status, reason)
                self._tell_sender_it_is_kept(session, item, readable=False)
        except DBAPIError:  # still claimed: taken up again later, and counted as a try
            log.exception("inbox item %d: it could not be set aside", item_id)

    def _record_failure(self, item_id: int, reason: str, *, readable: bool = True) -> None:
        try:
            with transaction(self.sessions) as session:
                item = inbox.fail(session, item_id, reason)
                log.warning("inbox item %d is now %s: %s", item_id, item.status, reason[:200])
                if item.status == inbox.QUARANTINED:
                    self._tell_sender_it_is_kept(session, item, readable=readable)
        except DBAPIError:  # it stays claimed, and is taken up again once the claim is stale
            log.exception("inbox item %d: its failure could not be recorded", item_id)

    def _tell_sender_it_is_kept(
        self, session: Session, item: inbox.InboxItem, *, readable: bool = True
    ) -> None:
        """After the last try, the sender hears once that the message is kept for a person.

        Not `readable`: reading it may be what stopped the worker, so it is not read again."""
        inbound = _read_or_none(item) if readable else None
        if inbound is None:
            log.info("inbox item %d: unreadable, answering the envelope sender", item.id)
            inbound = unread(item)
        if inbound.automatic or not inbound.sender:
            return
        ctx = Context(session, self.settings, inbound, person=None, inbox_item_id=item.id)
        ctx.reply("processing_failed", subject=inbound.subject)

    def process_all(self) -> int:
        """Handle items until none waits; returns how many were handled."""
        count = 0
        while self.process_next() is not None:
            count += 1
        return count


def _read_or_none(item: inbox.InboxItem) -> Inbound | None:
    try:
        return read_inbound(item)
    except Exception:  # the very thing that failed may be reading it
        return None
