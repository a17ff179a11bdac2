"""WITHDRAW id [reason]: the owner takes a record off the portal."""

from bot.commands.base import ID_AND_TEXT, Command
from bot.commands.changes import change_record
from bot.context import Context
from store.records import WITHDRAWN


def run(ctx: Context, args: str) -> str:
    return change_record(ctx, args, WITHDRAWN)


COMMAND = Command("WITHDRAW", run, takes=ID_AND_TEXT)
