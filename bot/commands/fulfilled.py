"""FULFILLED id [note]: the owner says a need was met (or an offer taken up)."""

from bot.commands.base import ID_AND_TEXT, Command
from bot.commands.changes import change_record
from bot.context import Context
from store.records import FULFILLED


def run(ctx: Context, args: str) -> str:
    return change_record(ctx, args, FULFILLED)


COMMAND = Command("FULFILLED", run, takes=ID_AND_TEXT)
