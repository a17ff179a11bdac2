"""The processor: claims inbox items oldest first and handles each in one transaction."""

from __future__ import annotations

import logging
import traceback

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.context import Context
from bot.envelope import Inbound
from bot.handling import handle
from bot.reading import read_inbound
from store import inbox
from store.db import transaction

log = logging.getLogger(__name__)


class Processor:
    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings

    def process_next(self) -> int | None:
        """Handle the next waiting item; returns its id, or None when nothing waits."""
        with transaction(self.sessions) as session:
            item = inbox.claim_next(session)
            if item is None:
                return None
            item_id = item.id
        try:
            with transaction(self.sessions) as session:
                item = session.get_one(inbox.InboxItem, item_id)
                outcome = handle(session, self.settings, item)
                inbox.finish(item, outcome)
            log.info("inbox item %d: %s", item_id, outcome)
        except Exception as exc:
            log.exception("inbox item %d failed", item_id)
            reason = "".join(traceback.format_exception_only(exc)).strip()[:2000]
            with transaction(self.sessions) as session:
                item = inbox.fail(session, item_id, reason)
                log.warning("inbox item %d is now %s", item_id, item.status)
                if item.status == inbox.QUARANTINED:
                    self._tell_sender_it_is_kept(session, item)
        return item_id

    def _tell_sender_it_is_kept(self, session: Session, item: inbox.InboxItem) -> None:
        """After the last try, the sender hears once that the message is kept for a person."""
        try:
            inbound = read_inbound(item)
        except Exception:  # the very thing that failed may be reading it
            log.info("inbox item %d: unreadable, answering the envelope sender", item.id)
            inbound = Inbound(
                channel=item.channel,
                sender=item.sender,
                subject="",
                text="",
                automatic=None if item.sender else "bounce (null sender)",
            )
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
