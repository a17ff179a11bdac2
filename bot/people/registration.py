"""Asking to become a focal point: REGISTER, then the secretariat's APPROVE or DECLINE."""

from __future__ import annotations

import re

from bot.context import Context
from bot.errors import UserError
from bot.parsing.parser import clean_text
from bot.people import registry
from store.actors import find_actor
from store.people import secretariat
from store.registrations import APPROVED, DECLINED, RegistrationRequest, pending_request_from

_FIELD = re.compile(
    r"^\s*(name|nom|nombre|actor|acteur|country|pays|pa[ií]s|organi[sz]ation|organisme|"
    r"organizaci[oó]n|language|langue|idioma)\s*:\s*(.*)$",
    re.IGNORECASE,
)
_KEYS = {
    "nom": "name",
    "nombre": "name",
    "acteur": "actor",
    "country": "actor",
    "pays": "actor",
    "pais": "actor",
    "país": "actor",
    "organisation": "actor",
    "organization": "actor",
    "organisme": "actor",
    "organizacion": "actor",
    "organización": "actor",
    "langue": "language",
    "idioma": "language",
}
_LANGUAGES = {
    "english": "en",
    "anglais": "en",
    "inglés": "en",
    "ingles": "en",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "francés": "fr",
    "frances": "fr",
    "spanish": "es",
    "espagnol": "es",
    "español": "es",
    "espanol": "es",
}


def _fields(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _FIELD.match(line)
        if match:
            key = match.group(1).lower()
            found.setdefault(_KEYS.get(key, key), " ".join(clean_text(match.group(2)).split()))
    return found


def language_asked(ctx: Context) -> str | None:
    """The language of the message's `Language:` line (en, fr or es), if it has one."""
    said = _fields(ctx.inbound.text).get("language", "").strip().lower()
    code = _LANGUAGES.get(said, said)
    return code if code in registry.LANGUAGES else None


def request(ctx: Context) -> RegistrationRequest:
    """Keep the request (the secretariat is told by tell_secretariat)."""
    fields = _fields(ctx.inbound.text)
    actor_text = fields.get("actor", "")
    item = RegistrationRequest(
        email=ctx.inbound.sender.lower(),
        name=fields.get("name", ""),
        actor_text=actor_text,
        actor=find_actor(ctx.session, actor_text) if actor_text else None,
        language=language_asked(ctx) or ctx.inbound.language,
        message=ctx.inbound.text.strip()[:4000],
        created_at=ctx.now,
    )
    ctx.session.add(item)
    ctx.session.flush()
    return item


def tell_secretariat(ctx: Context, item: RegistrationRequest) -> None:
    for member in secretariat(ctx.session):
        ctx.notify(member, "registration_for_secretariat", about=("g", item.id), request=item)


def already_waiting(ctx: Context) -> RegistrationRequest | None:
    return pending_request_from(ctx.session, ctx.inbound.sender)


def approve(ctx: Context, item: RegistrationRequest, actor_name: str) -> None:
    """Register the person as a focal point of the actor named (or the one they asked for)."""
    actor = find_actor(ctx.session, actor_name) if actor_name else item.actor
    if actor is None:
        raise UserError("name the actor: APPROVE " + item.public_id + " LAO")
    person = registry.add_focal_point(
        ctx.session,
        actor_name=actor.code,
        email=item.email,
        name=item.name,
        language=item.language,
        by=ctx.who,
        now=ctx.now,
    )
    item.status, item.actor, item.decided_at = APPROVED, actor, ctx.now
    item.decided_by = ctx.person.id if ctx.person else None
    ctx.notify(person, "registration_approved", actor=actor.display_name(person.mail_language))


def decline(ctx: Context, item: RegistrationRequest, reason: str) -> None:
    item.status, item.reason, item.decided_at = DECLINED, reason, ctx.now
    item.decided_by = ctx.person.id if ctx.person else None
