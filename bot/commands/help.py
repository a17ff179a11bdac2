"""HELP: the commands this sender may use, and the blank templates."""

from bot.commands import visible_to
from bot.commands.base import NOTHING, Command
from bot.context import Context
from bot.records.views import vocabulary


def send_help(ctx: Context, args: str = "") -> str:
    words = vocabulary()
    is_secretariat = bool(ctx.person and ctx.person.is_secretariat)
    ctx.reply(
        "help",
        commands=visible_to(is_secretariat),
        areas=[words.area_label(code, ctx.language) for code in words.area_codes],
        assistance=[words.assistance_label(code, ctx.language) for code in words.assistance_codes],
    )
    return "help sent"


COMMAND = Command("HELP", send_help, takes=NOTHING)
