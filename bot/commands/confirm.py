"""CONFIRM id [id ...]: the secretariat publishes pending records."""

from bot.commands.base import IDS, Command
from bot.context import Context
from bot.records.ownership import RECORD_ID, named_or_replied_to
from bot.records.review import confirm


def run(ctx: Context, args: str) -> str:
    ids = list(dict.fromkeys(i.upper() for i in RECORD_ID.findall(args)))
    if not ids:
        _, replied_to = named_or_replied_to(ctx, "")
        ids = [replied_to] if replied_to else []
    if not ids:
        ctx.reply("review_usage", verb="confirm")
        return "confirm without record ids"
    results = [confirm(ctx, public_id) for public_id in ids]
    ctx.reply("review_result", verb="confirmed", results=results)
    return "confirm: " + ", ".join(f"{r.public_id} {r.outcome}" for r in results)


COMMAND = Command("CONFIRM", run, takes=IDS)
