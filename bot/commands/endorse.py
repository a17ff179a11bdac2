"""ENDORSE id: a state agrees to a need sent on its behalf."""

from __future__ import annotations

from bot.commands.base import ID, Command
from bot.context import Context
from bot.records import endorsement
from bot.records.ownership import named_or_replied_to, no_such_record


def endorse(ctx: Context, args: str) -> str:
    record, public_id = named_or_replied_to(ctx, args)
    if record is None or not endorsement.may_endorse(ctx, record):
        return no_such_record(ctx, public_id)
    endorsement.endorse(ctx, record)
    ctx.reply("endorse_result", outcome="endorsed", public_id=record.public_id)
    return f"endorse {record.public_id}"


COMMAND = Command("ENDORSE", endorse, takes=ID)
