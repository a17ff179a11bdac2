"""Records (needs and offers), their revisions, and their public ids."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from store.actors import Actor
from store.base import Base, utcnow

# The kinds and statuses live apart so that a command can name them without SQLAlchemy;
# most code imports them from here.
from store.record_states import (  # noqa: F401
    ENDORSEMENT,
    EXPIRED,
    FULFILLED,
    NEED,
    OFFER,
    OPEN,
    PENDING,
    PREFIX,
    PUBLISHED,
    REJECTED,
    STATUSES,
    WITHDRAWN,
)

CONTENT_FIELDS = (
    "title",
    "countries",
    "areas",
    "assistance",
    "amount",
    "currency",
    "period_start",
    "period_end",
    "languages",
    "reference",
    "description",
)


class Record(Base):
    """A need or an offer, owned by an actor. Its columns hold the text people see."""

    __tablename__ = "records"
    __table_args__ = (Index("ix_records_kind_status", "kind", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id"), index=True)
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id"), index=True)
    status: Mapped[str] = mapped_column(String(24), default=PENDING)
    title: Mapped[str] = mapped_column(String(300))
    countries: Mapped[list[str]] = mapped_column(default=list)
    areas: Mapped[list[str]] = mapped_column(default=list)
    assistance: Mapped[list[str]] = mapped_column(default=list)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    languages: Mapped[list[str]] = mapped_column(default=list)
    reference: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    renewed_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]  # renewal reminder sent for the current twelve months

    actor: Mapped[Actor] = relationship(foreign_keys=[actor_id])
    on_behalf_of: Mapped[Actor | None] = relationship(foreign_keys=[on_behalf_of_id])
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="record", order_by="Revision.number", cascade="all, delete-orphan"
    )

    def content(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CONTENT_FIELDS}

    def pending_revision(self) -> Revision | None:
        return next((r for r in self.revisions if r.status == PENDING), None)


class Revision(Base):
    """One submitted version of a record's content, waiting for or decided by the secretariat."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("record_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default=PENDING)  # pending/published/rejected
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)  # JSON-ready content fields
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)

    record: Mapped[Record] = relationship(back_populates="revisions")


class RecordCounter(Base):
    """The last number given per kind and year: N-2026-0001, N-2026-0002, ..."""

    __tablename__ = "record_counters"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


_BUMP = (  # built once: every new record asks it
    update(RecordCounter)
    .where(
        RecordCounter.kind == bindparam("counter_kind"),  # not a column's name: those would SET
        RecordCounter.year == bindparam("counter_year"),
    )
    .values(last=RecordCounter.last + 1)
    .returning(RecordCounter.last)
)


def next_public_id(session: Session, kind: str, year: int) -> str:
    """Reserve the next id; the row update serialises concurrent writers."""
    # On the session's connection, as Core: the ORM's bulk UPDATE path adds nothing here.
    which = {"counter_kind": kind, "counter_year": year}
    last = session.connection().execute(_BUMP, which).scalar_one_or_none()
    if last is None:  # the first of its kind this year
        try:
            with session.begin_nested():  # two workers may start the year at once
                session.add(RecordCounter(kind=kind, year=year, last=0))
        except IntegrityError:
            pass
        last = session.connection().execute(_BUMP, which).scalar_one()
    return f"{PREFIX[kind]}-{year}-{last:04d}"


def by_public_id(session: Session, public_id: str) -> Record | None:
    return session.scalars(
        select(Record).where(Record.public_id == public_id.strip().upper())
    ).first()


def list_records(
    session: Session,
    *,
    status: str | None = None,
    kind: str | None = None,
    actor: Actor | None = None,
    actors: list[Actor] | None = None,
    limit: int | None = None,
) -> list[Record]:
    """Records oldest first; `actors` also finds needs sent on behalf of those actors."""
    query = select(Record).order_by(Record.id)
    if status:
        query = query.where(Record.status == status)
    if kind:
        query = query.where(Record.kind == kind)
    if actor is not None:
        query = query.where(Record.actor_id == actor.id)
    if actors is not None:
        ids = [a.id for a in actors]
        query = query.where(Record.actor_id.in_(ids) | Record.on_behalf_of_id.in_(ids))
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))
