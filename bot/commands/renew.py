"""RENEW id: the owner keeps a published record for twelve more months."""

from bot.commands.base import ID, Command
from bot.commands.changes import change_record
from bot.context import Context


def run(ctx: Context, args: str) -> str:
    return change_record(ctx, args, "renewed")


COMMAND = Command("RENEW", run, takes=ID)
