"""APPROVE R-n [actor]: the secretariat registers the person who asked."""

from __future__ import annotations

from bot.commands.base import ID_AND_TEXT, Command
from bot.commands.decisions import registration_request, rest_of
from bot.context import Context
from bot.errors import UserError
from bot.people import registration
from store.registrations import PENDING


def approve(ctx: Context, args: str) -> str:
    item = registration_request(ctx, args)
    if item is None or item.status != PENDING:
        ctx.reply("registration_result", outcome="not_found", request=item)
        return "approve: no pending request"
    try:
        registration.approve(ctx, item, rest_of(args))
    except UserError as exc:
        ctx.reply("registration_result", outcome="needs_actor", request=item, detail=str(exc))
        return f"approve {item.public_id}: {exc}"
    ctx.reply("registration_result", outcome="approved", request=item)
    return f"approve {item.public_id}: {item.email} registered"


COMMAND = Command("APPROVE", approve, takes=ID_AND_TEXT)
