"""The audit log: one row for every change, with who, how, when, and before/after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.base import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    who: Mapped[str] = mapped_column(String(320))  # "lao.fp@... (person 3)", "cli", "system"
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16))  # email, telegram, cli, system
    action: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("records.id", ondelete="SET NULL"), index=True
    )
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)


def record_history(session: Session, record_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.record_id == record_id).order_by(AuditEntry.id)
        )
    )
