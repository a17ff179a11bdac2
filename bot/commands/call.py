"""CALL STATUS id: the secretariat asks who answered a call for information."""

from bot.calls import campaign as calls
from bot.commands.base import Command
from bot.context import Context
from bot.errors import NotFound

_STATUS = ("STATUS", "STATUT", "ETAT", "ÉTAT", "ESTADO")


def run(ctx: Context, args: str) -> str:
    words = args.split()
    if len(words) != 2 or words[0].upper() not in _STATUS or not words[1].isdigit():
        ctx.reply("review_usage", verb="call status")
        return "call: usage"
    try:
        call = calls.get(ctx.session, int(words[1]))
    except NotFound:
        ctx.reply("call_status", call=None, lines=[], answered=0, asked=0, number=words[1])
        return f"call {words[1]}: no such call"
    lines = calls.status(ctx.session, call.id)
    answered = sum(line.state in calls.ANSWERS for line in lines)
    ctx.reply(
        "call_status",
        call=call,
        lines=lines,
        answered=answered,
        asked=len(lines),
        number=str(call.id),
    )
    return f"call {call.id} status sent"


COMMAND = Command("CALL", run, takes=rf"(?:(?:{'|'.join(_STATUS)})\s+\d+)?")
