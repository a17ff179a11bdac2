"""Actors: States Parties, signatories, observer states, organisations and NGOs."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.base import Base, utcnow

STATE_TYPES = ("state_party", "signatory", "observer_state")
ACTOR_TYPES = STATE_TYPES + (
    "un_entity",
    "international_organisation",
    "regional_organisation",
    "rcrc_movement",
    "ngo_international",
    "ngo_national",
    "civil_society_coalition",
    "academic_research",
    "private_sector",
)


class Actor(Base):
    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    name_es: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    iso2: Mapped[str | None] = mapped_column(String(2))
    un_region: Mapped[str | None] = mapped_column(String(3))  # M49 code, e.g. "142"
    un_subregion: Mapped[str | None] = mapped_column(String(3))
    un_intermediate_region: Mapped[str | None] = mapped_column(String(3))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_state(self) -> bool:
        return self.type in STATE_TYPES

    def display_name(self, language: str = "en") -> str:
        return {"fr": self.name_fr, "es": self.name_es}.get(language) or self.name

    def names(self) -> list[str]:
        return [self.code, self.name, self.name_fr, self.name_es, *self.aliases]


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name, for lookups."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("’", "'").split())


def find_actor(session: Session, text: str) -> Actor | None:
    """The actor a person named: code, name in en/fr/es or alias; case/accent-insensitive."""
    wanted = fold(text)
    if not wanted:
        return None
    by_code = session.scalars(select(Actor).where(Actor.code == text.strip().upper())).first()
    if by_code is not None:
        return by_code
    for actor in session.scalars(select(Actor)):
        if wanted in {fold(name) for name in actor.names()}:
            return actor
    return None


def upsert_actors(session: Session, rows: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """Insert or refresh reference actors by code; returns (added, changed)."""
    existing = {a.code: a for a in session.scalars(select(Actor))}
    added = changed = 0
    for row in rows:
        values = dict(row)
        actor = existing.get(values["code"])
        if actor is None:
            session.add(Actor(**values))
            added += 1
            continue
        if any(getattr(actor, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(actor, key, value)
            changed += 1
    return added, changed


def list_actors(session: Session, actor_type: str | None = None) -> list[Actor]:
    query = select(Actor).order_by(Actor.type, Actor.code)
    if actor_type:
        query = query.where(Actor.type == actor_type)
    return list(session.scalars(query))
