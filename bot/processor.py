"""The processor: claims inbox items oldest first and handles each in one transaction."""

from __future__ import annotations

import logging
import traceback

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.handling import handle
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
        return item_id

    def process_all(self) -> int:
        """Handle items until none waits; returns how many were handled."""
        count = 0
        while self.process_next() is not None:
            count += 1
        return count
