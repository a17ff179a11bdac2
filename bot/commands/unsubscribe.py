"""UNSUBSCRIBE: stop every digest sent to the sender."""

from bot.commands.base import NOTHING, Command
from bot.context import Context
from bot.people import subscriptions


def unsubscribe(ctx: Context, args: str) -> str:
    ended = subscriptions.unsubscribe(ctx)
    ctx.reply("unsubscribed", ended=ended, error_key="unsubscribed")
    return f"unsubscribed ({ended} subscription(s))"


COMMAND = Command("UNSUBSCRIBE", unsubscribe, takes=NOTHING)
