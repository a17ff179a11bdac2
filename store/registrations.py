"""Registration requests: people who ask to become focal points, held for the secretariat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from store.actors import Actor
from store.base import Base, utcnow

PENDING, APPROVED, DECLINED = "pending", "approved", "declined"


class RegistrationRequest(Base):
    __tablename__ = "registration_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    actor_text: Mapped[str] = mapped_column(String(200), default="")  # as they wrote it
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id"))
    language: Mapped[str | None] = mapped_column(String(5))  # None: not told
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[Actor | None] = relationship()

    @property
    def public_id(self) -> str:
        return f"R-{self.id}"


def pending_requests(session: Session) -> list[RegistrationRequest]:
    return list(
        session.scalars(
            select(RegistrationRequest)
            .where(RegistrationRequest.status == PENDING)
            .order_by(RegistrationRequest.id)
        )
    )


def pending_request_from(session: Session, email: str) -> RegistrationRequest | None:
    return session.scalars(
        select(RegistrationRequest).where(
            RegistrationRequest.email == email.lower(), RegistrationRequest.status == PENDING
        )
    ).first()
