"""DECLINE id [reason]: a state refuses a need sent on its behalf, or the secretariat a request."""

from __future__ import annotations

from bot.commands.base import ID_AND_TEXT, Command
from bot.commands.decisions import registration_request, rest_of
from bot.context import Context
from bot.people import registration
from bot.records import endorsement
from bot.records.ownership import RECORD_ID, named_or_replied_to, no_such_record
from store.registrations import PENDING


def decline(ctx: Context, args: str) -> str:
    """DECLINE a need sent on behalf of my state, or (secretariat) a registration request."""
    if RECORD_ID.search(args) or (ctx.about is not None and ctx.about.kind == "r"):
        record, public_id = named_or_replied_to(ctx, args)
        if record is None or not endorsement.may_endorse(ctx, record):
            return no_such_record(ctx, public_id)
        endorsement.decline(ctx, record, rest_of(args))
        ctx.reply("endorse_result", outcome="declined", public_id=record.public_id)
        return f"decline {record.public_id}"
    if not ctx.is_secretariat:
        return no_such_record(ctx, "")
    item = registration_request(ctx, args)
    if item is None or item.status != PENDING:
        ctx.reply("registration_result", outcome="not_found", request=item)
        return "decline: no pending request"
    registration.decline(ctx, item, rest_of(args))
    ctx.reply("registration_result", outcome="declined", request=item)
    return f"decline {item.public_id}"


COMMAND = Command("DECLINE", decline, takes=ID_AND_TEXT)
