"""NEED: a focal point submits a filled need template."""

from bot.commands.base import NOTHING, Command
from bot.commands.submit import submit
from bot.context import Context


def run(ctx: Context, args: str) -> str:
    return submit(ctx, "need")


COMMAND = Command("NEED", run, takes=NOTHING, reads_text=True)
