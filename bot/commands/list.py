"""LIST: a focal point's records, with their status."""

from bot.commands.base import NOTHING, Command
from bot.context import Context
from bot.records.views import RecordView
from store.records import list_records


def list_mine(ctx: Context, args: str) -> str:
    if ctx.person is None or not ctx.person.actors:
        ctx.reply("list", records=[], actors=[], error_key="list:none")
        return "list: not a focal point"
    records = list_records(ctx.session, actors=list(ctx.person.actors))
    ctx.reply(
        "list",
        records=[RecordView.of_record(r, ctx.language) for r in records],
        actors=[a.display_name(ctx.language) for a in ctx.person.actors],
    )
    return f"list: {len(records)} record(s)"


COMMAND = Command("LIST", list_mine, takes=NOTHING)
