"""Registering people: focal points of actors and members of the secretariat."""

from __future__ import annotations

from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address

from sqlalchemy.orm import Session

from bot.errors import NotFound, UserError
from bot.parsing.parser import clean_text
from bot.people.subscriptions import follow_own_records
from store.actors import Actor, find_actor
from store.audit import AuditEntry
from store.base import utcnow
from store.people import (
    EmailAddress,
    Person,
    normalise_address,
    person_by_email,
    person_by_telegram,
)

LANGUAGES = ("en", "fr", "es")


def valid_address(text: str) -> str:
    """The address in its stored form, or a UserError saying what is wrong with it."""
    candidate = text.strip()
    try:
        address = Address(addr_spec=candidate)
    except (HeaderParseError, ValueError, IndexError):
        raise UserError(f"not a valid email address: {text!r}") from None
    if not address.username or "." not in address.domain and address.domain != "localhost":
        raise UserError(f"not a valid email address: {text!r}")
    return normalise_address(address.addr_spec)


def actor_named(session: Session, name: str) -> Actor:
    actor = find_actor(session, name)
    if actor is None:
        raise NotFound(f"unknown actor: {name!r} (use a code such as LAO or NPA, or a name)")
    return actor


def _person_for(
    session: Session,
    email: str,
    *,
    name: str,
    language: str | None,
    telegram_id: int | None,
) -> tuple[Person, bool]:
    """The person of `email`, made when new; `language` None: not known (learned later)."""
    if language is not None and language not in LANGUAGES:
        raise UserError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    address = valid_address(email)
    person = person_by_email(session, address)
    created = person is None
    name = " ".join(clean_text(name).split())
    if person is None:
        person = Person(name=name, language=language, emails=[EmailAddress(address=address)])
        session.add(person)
    elif name:
        person.name = name
    if telegram_id is not None:
        other = person_by_telegram(session, telegram_id)
        if other is not None and other is not person:
            raise UserError(f"Telegram id {telegram_id} already belongs to {other.label()}")
        person.telegram_id = telegram_id
    return person, created


def add_focal_point(
    session: Session,
    *,
    actor_name: str,
    email: str,
    name: str = "",
    language: str | None = None,
    telegram_id: int | None = None,
    by: str = "cli",
    now: datetime | None = None,
) -> Person:
    actor = actor_named(session, actor_name)
    person, _ = _person_for(session, email, name=name, language=language, telegram_id=telegram_id)
    if actor in person.actors:
        raise UserError(f"{valid_address(email)} is already a focal point of {actor.code}")
    person.actors.append(actor)
    session.flush()
    follow_own_records(session, person, now or utcnow())
    session.add(
        AuditEntry(
            who=by,
            channel="cli",
            action="focal_point_added",
            person_id=None,
            after={"person": person.id, "email": person.email, "actor": actor.code},
        )
    )
    return person


def remove_focal_point(
    session: Session, *, email: str, actor_name: str | None = None, by: str = "cli"
) -> list[str]:
    """Stop a person serving one actor (or all); returns the codes removed."""
    person = _existing(session, email)
    actors = [actor_named(session, actor_name)] if actor_name else list(person.actors)
    removed = [a.code for a in actors if a in person.actors]
    if not removed:
        raise NotFound(f"{person.email} is not a focal point of {actor_name or 'any actor'}")
    person.actors = [a for a in person.actors if a.code not in removed]
    session.add(
        AuditEntry(
            who=by,
            channel="cli",
            action="focal_point_removed",
            before={"person": person.id, "actors": removed},
        )
    )
    return removed


def add_secretariat(
    session: Session,
    *,
    email: str,
    name: str = "",
    language: str | None = None,
    telegram_id: int | None = None,
    by: str = "cli",
) -> Person:
    person, _ = _person_for(session, email, name=name, language=language, telegram_id=telegram_id)
    if person.is_secretariat:
        raise UserError(f"{person.email} is already a member of the secretariat")
    person.is_secretariat = True
    session.flush()
    session.add(
        AuditEntry(
            who=by,
            channel="cli",
            action="secretariat_added",
            after={"person": person.id, "email": person.email},
        )
    )
    return person


def remove_secretariat(session: Session, *, email: str, by: str = "cli") -> Person:
    person = _existing(session, email)
    if not person.is_secretariat:
        raise NotFound(f"{person.email} is not a member of the secretariat")
    person.is_secretariat = False
    session.add(
        AuditEntry(
            who=by,
            channel="cli",
            action="secretariat_removed",
            before={"person": person.id, "email": person.email},
        )
    )
    return person


def set_language(session: Session, *, email: str, language: str, by: str = "cli") -> Person:
    """The secretariat sets the language a person is written to in."""
    if language not in LANGUAGES:
        raise UserError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    person = _existing(session, email)
    before, person.language = person.language, language
    session.add(
        AuditEntry(
            who=by,
            channel="cli",
            action="language_set",
            before={"person": person.id, "language": before},
            after={"person": person.id, "language": language},
        )
    )
    return person


def learn_language(person: Person, told: str | None) -> bool:
    """A person without a language takes the one their message tells; True when it did.
    Once known, it stays: only they (REGISTER, /language) or the secretariat change it."""
    if person.language is not None or told not in LANGUAGES:
        return False
    person.language = told
    return True


def _existing(session: Session, email: str) -> Person:
    person = person_by_email(session, valid_address(email))
    if person is None:
        raise NotFound(f"nobody is registered with {email.strip()!r}")
    return person
