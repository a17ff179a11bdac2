"""Where the portal left off in each mailbox it reads over IMAP: UIDVALIDITY and last UID."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.base import Base, utcnow


class MailboxPosition(Base):
    """One mailbox ("user@host/FOLDER"): every message up to `last_uid` of the folder as it
    was numbered under `uidvalidity` has been kept (or deliberately left) by the portal."""

    __tablename__ = "mailbox_positions"

    mailbox: Mapped[str] = mapped_column(String(500), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)  # IMAP numbers are 32-bit unsigned
    last_uid: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def position_of(session: Session, mailbox: str) -> tuple[int, int] | None:
    """(uidvalidity, last_uid) remembered for a mailbox, or None when it was never read."""
    row = session.get(MailboxPosition, mailbox)
    return None if row is None else (row.uidvalidity, row.last_uid)


def kept_at(session: Session, mailbox: str) -> datetime | None:
    """When the mailbox's position last moved, or None when it was never read."""
    row = session.get(MailboxPosition, mailbox)
    return None if row is None else row.updated_at


def remember(session: Session, mailbox: str, uidvalidity: int, last_uid: int) -> None:
    """Keep a mailbox's position. Under the same UIDVALIDITY it only moves forward; a new
    UIDVALIDITY replaces the old position whole (the old UIDs mean nothing any more)."""
    row = session.get(MailboxPosition, mailbox, with_for_update=True)
    if row is None:
        session.add(MailboxPosition(mailbox=mailbox, uidvalidity=uidvalidity, last_uid=last_uid))
    elif row.uidvalidity != uidvalidity:
        row.uidvalidity, row.last_uid = uidvalidity, last_uid
    elif last_uid > row.last_uid:
        row.last_uid = last_uid
    session.flush()


def rewind(session: Session, mailbox: str, uidvalidity: int) -> None:
    """Set a mailbox's position back to its start: every message not marked kept is read."""
    row = session.get(MailboxPosition, mailbox, with_for_update=True)
    if row is None:
        session.add(MailboxPosition(mailbox=mailbox, uidvalidity=uidvalidity, last_uid=0))
    else:
        row.uidvalidity, row.last_uid = uidvalidity, 0
    session.flush()
