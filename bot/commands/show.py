"""SHOW id: one record in full, to whoever may see it."""

from bot.commands.base import ID, Command
from bot.context import Context
from bot.records.ownership import no_such_record, visible_record
from bot.records.views import RecordView
from store.records import PUBLISHED


def show(ctx: Context, args: str) -> str:
    record, public_id = visible_record(ctx, args)
    if record is None:
        return no_such_record(ctx, public_id)
    pending = record.pending_revision()
    ctx.reply(
        "show",
        view=RecordView.of_record(record, ctx.language),
        about=("r", record.id),
        pending_change=pending is not None and record.status == PUBLISHED,
    )
    return f"show {record.public_id}"


COMMAND = Command("SHOW", show, takes=ID)
