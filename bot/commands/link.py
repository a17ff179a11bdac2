"""LINK: a registered person asks, by email, for a code that links their Telegram account."""

from bot.commands.base import NOTHING, Command
from bot.context import Context
from bot.people.linking import new_code


def run(ctx: Context, args: str) -> str:
    if ctx.person is None or ctx.inbound.channel != "email":
        ctx.reply("unregistered", sender=ctx.inbound.sender, problems=[], error_key="unregistered")
        return "link: not a registered email address"
    code = new_code(ctx, ctx.person)
    ctx.reply("link_code", code=code)
    return "link code sent"


COMMAND = Command("LINK", run, takes=NOTHING)
