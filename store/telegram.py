"""Telegram: one-time link codes, and guided forms whose state survives a restart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.base import Base, utcnow


class LinkCode(Base):
    """A code sent by email (LINK) that ties a Telegram account to a person, once."""

    __tablename__ = "telegram_link_codes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Conversation(Base):
    """Where a Telegram user is in a guided form (or waiting to give a reason)."""

    __tablename__ = "telegram_conversations"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # need / offer / reject
    step: Mapped[str] = mapped_column(String(24))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def conversation_of(session: Session, user_id: int) -> Conversation | None:
    return session.scalars(select(Conversation).where(Conversation.user_id == user_id)).first()
