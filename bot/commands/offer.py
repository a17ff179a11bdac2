"""OFFER: a focal point submits a filled offer template."""

from bot.commands.base import NOTHING, Command
from bot.commands.submit import submit
from bot.context import Context


def run(ctx: Context, args: str) -> str:
    return submit(ctx, "offer")


COMMAND = Command("OFFER", run, takes=NOTHING, reads_text=True)
