"""People: focal points of actors and members of the secretariat, with their addresses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, String, Table, bindparam, select
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, relationship

from store.actors import Actor
from store.base import Base, utcnow

serves = Table(
    "focal_point_actors",
    Base.metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True),
)


class Person(Base):
    """A focal point, a member of the secretariat, or both."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str | None] = mapped_column(String(5))  # None: not told yet
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    telegram_active: Mapped[bool] = mapped_column(default=True)  # false once they block the bot
    is_secretariat: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    emails: Mapped[list[EmailAddress]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="EmailAddress.id"
    )
    actors: Mapped[list[Actor]] = relationship(secondary=serves, order_by=Actor.code)

    @property
    def email(self) -> str | None:
        return self.emails[0].address if self.emails else None

    @property
    def reachable_email(self) -> str | None:
        """Their first address that does not bounce; None when every one does."""
        return next((e.address for e in self.emails if not e.is_bouncing), None)

    @property
    def mail_language(self) -> str:
        """The language of mail that answers nothing they wrote: theirs, else English."""
        return self.language or "en"

    @property
    def is_focal_point(self) -> bool:
        return bool(self.actors)

    def label(self) -> str:
        return self.name or self.email or f"person {self.id}"


class EmailAddress(Base):
    __tablename__ = "email_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-case
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    person: Mapped[Person] = relationship(back_populates="emails")
    # Bounces (bot.people.bounces): the score, the last bounce counted, and since when the
    # address is taken to be dead (no digests or reminders go to it while it is set).
    bounce_score: Mapped[float] = mapped_column(default=0.0, server_default="0")
    last_bounce_at: Mapped[datetime | None]
    bounce_reason: Mapped[str | None] = mapped_column(String(500))
    bouncing_since: Mapped[datetime | None]

    @property
    def is_bouncing(self) -> bool:
        return self.bouncing_since is not None


def normalise_address(address: str) -> str:
    return address.strip().lower()


def person_by_email(session: Session, address: str) -> Person | None:
    """With their addresses and actors, in the same query: every message needs them."""
    found = session.scalars(_BY_EMAIL, {"wanted": normalise_address(address)})
    return found.unique().one_or_none()


def email_address(session: Session, address: str) -> EmailAddress | None:
    return session.scalars(
        select(EmailAddress).where(EmailAddress.address == normalise_address(address))
    ).first()


def bouncing_addresses(session: Session) -> set[str]:
    return set(
        session.scalars(select(EmailAddress.address).where(EmailAddress.bouncing_since.isnot(None)))
    )


def person_by_telegram(session: Session, telegram_id: int) -> Person | None:
    return session.scalars(select(Person).where(Person.telegram_id == telegram_id)).first()


def focal_points(session: Session, actor: Actor | None = None) -> list[Person]:
    query = select(Person).join(serves).distinct().order_by(Person.id)
    if actor is not None:
        query = query.where(serves.c.actor_id == actor.id)
    return list(session.scalars(query))


def secretariat(session: Session) -> list[Person]:
    """With their addresses, in the same query: they are written to."""
    return list(session.scalars(_SECRETARIAT).unique())


# Built once: each message asks them.
_BY_EMAIL = (
    select(Person)
    .join(EmailAddress)
    .where(EmailAddress.address == bindparam("wanted"))
    .options(joinedload(Person.emails), joinedload(Person.actors))
)
_SECRETARIAT = (
    select(Person)
    .where(Person.is_secretariat)
    .order_by(Person.id)
    .options(joinedload(Person.emails))
)
