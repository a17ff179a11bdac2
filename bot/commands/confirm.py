"""CONFIRM id [id ...]: the secretariat publishes pending records."""

import re

from bot.commands.base import Command
from bot.context import Context
from bot.review import confirm

RECORD_ID = re.compile(r"\b[NO]-\d{4}-\d{4,}\b", re.IGNORECASE)


def run(ctx: Context, args: str) -> str:
    ids = list(dict.fromkeys(i.upper() for i in RECORD_ID.findall(args)))
    if not ids:
        ctx.reply("review_usage", verb="confirm")
        return "confirm without record ids"
    results = [confirm(ctx, public_id) for public_id in ids]
    ctx.reply("review_result", verb="confirmed", results=results)
    return "confirm: " + ", ".join(f"{r.public_id} {r.outcome}" for r in results)


COMMAND = Command(
    name="CONFIRM",
    words=("CONFIRM", "CONFIRMER", "CONFIRMAR"),
    usage="CONFIRM id [id ...]",
    summary="publish pending records (secretariat)",
    action=run,
    secretariat_only=True,
)
