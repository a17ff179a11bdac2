"""Linking a Telegram account to a registered person with a one-time code sent by email."""

from __future__ import annotations

import secrets
from datetime import timedelta

from bot.context import Context
from store.people import Person, person_by_telegram
from store.telegram import LinkCode

CODE_LIFETIME = timedelta(days=1)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_code(ctx: Context, person: Person) -> str:
    code = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    ctx.session.add(
        LinkCode(
            code=code, person_id=person.id, created_at=ctx.now, expires_at=ctx.now + CODE_LIFETIME
        )
    )
    return code


def link(ctx: Context, code: str, telegram_id: int) -> Person | None:
    """Tie the Telegram account to the code's person; None if the code is unknown, used or old."""
    found = ctx.session.get(LinkCode, code.strip().upper())
    if found is None or found.used_at is not None or found.expires_at < ctx.now:
        return None
    other = person_by_telegram(ctx.session, telegram_id)
    if other is not None and other.id != found.person_id:
        other.telegram_id = None  # the account moves to the person the code was made for
        ctx.session.flush()
    person = ctx.session.get_one(Person, found.person_id)
    person.telegram_id, person.telegram_active = telegram_id, True
    found.used_at = ctx.now
    ctx.audit("telegram_linked", after={"person": person.id, "telegram_id": telegram_id})
    return person
