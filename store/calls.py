"""Calls for information: what the secretariat asked, of whom, and who answered."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from store.actors import Actor
from store.base import Base, utcnow
from store.people import Person

ANSWERED, UPDATED, NO_CHANGE = "answered", "updated", "no_change"


class Call(Base):
    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date | None]
    actor_types: Mapped[list[str]] = mapped_column(default=list)
    actor_codes: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(320), default="")
    sent_at: Mapped[datetime | None]  # when the last send finished

    recipients: Mapped[list[CallRecipient]] = relationship(
        back_populates="call", order_by="CallRecipient.id"
    )


class CallRecipient(Base):
    """One focal point asked on behalf of one actor: the send ledger and the answer."""

    __tablename__ = "call_recipients"
    __table_args__ = (
        UniqueConstraint("call_id", "person_id", "actor_id"),
        Index("ix_call_recipients_call", "call_id", "actor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id"))
    address: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(5), default="en")
    sent_at: Mapped[datetime | None]
    outbox_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_items.id", ondelete="SET NULL")
    )
    reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(16))  # answered / updated / no_change

    call: Mapped[Call] = relationship(back_populates="recipients")
    actor: Mapped[Actor] = relationship()
    person: Mapped[Person | None] = relationship()


class ForwardedAnswer(Base):
    """An answer to a call sent from an address the call was not sent to, held until the
    registered focal point confirms it."""

    __tablename__ = "forwarded_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_recipient_id: Mapped[int] = mapped_column(
        ForeignKey("call_recipients.id", ondelete="CASCADE")
    )
    inbox_item_id: Mapped[int] = mapped_column(ForeignKey("inbox_items.id", ondelete="CASCADE"))
    sender: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending/confirmed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    call_recipient: Mapped[CallRecipient] = relationship()


def recipients_of(session: Session, call_id: int) -> list[CallRecipient]:
    return list(
        session.scalars(
            select(CallRecipient).where(CallRecipient.call_id == call_id).order_by(CallRecipient.id)
        )
    )
