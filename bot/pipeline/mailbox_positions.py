"""Where the mailbox reader left off in each mailbox, kept in the store between runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.mailboxes import kept_at, position_of, remember


class MailboxPositions:
    """The reader's memory (bot.channels.email.mailbox_pass.Positions) on the database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def get(self, mailbox: str) -> tuple[int, int] | None:
        with self.sessions() as session:
            return position_of(session, mailbox)

    def kept_at(self, mailbox: str) -> datetime | None:
        with self.sessions() as session:
            return kept_at(session, mailbox)

    def put(self, mailbox: str, uidvalidity: int, last_uid: int) -> None:
        with transaction(self.sessions, urgent=True) as session:
            remember(session, mailbox, uidvalidity, last_uid)
