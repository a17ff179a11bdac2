"""UPDATE id: the owner sends only the fields that change."""

from bot.commands.base import ID, Command
from bot.context import Context
from bot.parsing.parser import parse_submission
from bot.records.lifecycle import answer
from bot.records.ownership import no_such_record, own_record
from bot.records.revisions import update_from_message
from store.records import OPEN


def run(ctx: Context, args: str) -> str:
    record, public_id = own_record(ctx, args)
    if record is None:
        return no_such_record(ctx, public_id)
    if record.status not in OPEN:
        answer(ctx, record, "cannot_change", change="updated")
        return f"{record.public_id}: cannot be updated while {record.status}"
    states = (record.actor.code,) if record.actor.is_state else ()  # "FY2028" by its state
    read = parse_submission(ctx.inbound.text, "", writer_countries=states)
    return update_from_message(ctx, record, read)


COMMAND = Command("UPDATE", run, takes=ID, reads_text=True)
