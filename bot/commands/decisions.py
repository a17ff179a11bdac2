"""APPROVE, DECLINE and ENDORSE: answers to a registration request or to an endorsement."""

from __future__ import annotations

import re

from bot.commands.base import Command
from bot.context import Context
from bot.errors import UserError
from bot.people import registration
from bot.records import endorsement
from bot.records.ownership import RECORD_ID, named_or_replied_to, no_such_record
from store.registrations import PENDING, RegistrationRequest

_REQUEST_ID = re.compile(r"\bR-(\d+)\b", re.IGNORECASE)


def _request(ctx: Context, args: str) -> RegistrationRequest | None:
    found = _REQUEST_ID.search(args)
    if found:
        return ctx.session.get(RegistrationRequest, int(found.group(1)))
    if ctx.about is not None and ctx.about.kind == "g":
        return ctx.session.get(RegistrationRequest, ctx.about.id)
    return None


def _rest(args: str) -> str:
    return RECORD_ID.sub("", _REQUEST_ID.sub("", args, count=1), count=1).strip(" :-–")


def approve(ctx: Context, args: str) -> str:
    item = _request(ctx, args)
    if item is None or item.status != PENDING:
        ctx.reply("registration_result", outcome="not_found", request=item)
        return "approve: no pending request"
    try:
        registration.approve(ctx, item, _rest(args))
    except UserError as exc:
        ctx.reply("registration_result", outcome="needs_actor", request=item, detail=str(exc))
        return f"approve {item.public_id}: {exc}"
    ctx.reply("registration_result", outcome="approved", request=item)
    return f"approve {item.public_id}: {item.email} registered"


def decline(ctx: Context, args: str) -> str:
    """DECLINE a need sent on behalf of my state, or (secretariat) a registration request."""
    if RECORD_ID.search(args) or (ctx.about is not None and ctx.about.kind == "r"):
        record, public_id = named_or_replied_to(ctx, args)
        if record is None or not endorsement.may_endorse(ctx, record):
            return no_such_record(ctx, public_id)
        endorsement.decline(ctx, record, _rest(args))
        ctx.reply("endorse_result", outcome="declined", public_id=record.public_id)
        return f"decline {record.public_id}"
    if not ctx.is_secretariat:
        return no_such_record(ctx, "")
    item = _request(ctx, args)
    if item is None or item.status != PENDING:
        ctx.reply("registration_result", outcome="not_found", request=item)
        return "decline: no pending request"
    registration.decline(ctx, item, _rest(args))
    ctx.reply("registration_result", outcome="declined", request=item)
    return f"decline {item.public_id}"


def endorse(ctx: Context, args: str) -> str:
    record, public_id = named_or_replied_to(ctx, args)
    if record is None or not endorsement.may_endorse(ctx, record):
        return no_such_record(ctx, public_id)
    endorsement.endorse(ctx, record)
    ctx.reply("endorse_result", outcome="endorsed", public_id=record.public_id)
    return f"endorse {record.public_id}"


APPROVE = Command(
    name="APPROVE",
    words=("APPROVE", "APPROUVER", "APROBAR"),
    usage="APPROVE R-n [actor]",
    summary="register the person who asked (secretariat)",
    action=approve,
    secretariat_only=True,
)
DECLINE = Command(
    name="DECLINE",
    words=("DECLINE", "REFUSER", "DECLINAR"),
    usage="DECLINE id [reason]",
    summary="refuse a need sent on behalf of your state (or a registration request)",
    action=decline,
)
ENDORSE = Command(
    name="ENDORSE",
    words=("ENDORSE", "APPUYER", "ENDOSSER", "RESPALDAR", "AVALAR"),
    usage="ENDORSE id",
    summary="agree to a need sent on behalf of your state",
    action=endorse,
)
