"""REGISTER: someone not yet registered asks to become a focal point."""

from bot.commands.base import NOTHING, Command
from bot.context import Context
from bot.people.registration import already_waiting, language_asked, request, tell_secretariat


def run(ctx: Context, args: str) -> str:
    if ctx.person is not None and ctx.person.actors:
        wanted = language_asked(ctx)  # a registered person sets their language this way
        if wanted is not None:
            ctx.person.language = wanted
            ctx.audit("language_set", after={"person": ctx.person.id, "language": wanted})
        ctx.reply(
            "register_already",
            actors=[a.display_name(ctx.language) for a in ctx.person.actors],
            language_set=wanted,
        )
        return "register: already a focal point" + (f"; language {wanted}" if wanted else "")
    waiting = already_waiting(ctx)
    if waiting is not None:
        ctx.reply("register_received", request=waiting, again=True, error_key="register:waiting")
        return f"register: {waiting.public_id} already waiting"
    item = request(ctx)
    ctx.reply("register_received", request=item, again=False)
    tell_secretariat(ctx, item)
    return f"register: request {item.public_id} kept for the secretariat"


COMMAND = Command("REGISTER", run, takes=NOTHING, reads_text=True)
