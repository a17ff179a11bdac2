"""PENDING: what waits for the secretariat's decision (records, changes, registration requests)."""

from bot.commands.base import NOTHING, Command
from bot.context import Context
from bot.records.views import RecordView
from store.records import PENDING as PENDING_STATUS
from store.records import PUBLISHED, list_records
from store.registrations import pending_requests


def pending(ctx: Context, args: str) -> str:
    waiting = list_records(ctx.session, status=PENDING_STATUS)
    changes = [r for r in list_records(ctx.session, status=PUBLISHED) if r.pending_revision()]
    requests = pending_requests(ctx.session)
    ctx.reply(
        "pending_list",
        records=[RecordView.of_record(r, ctx.language) for r in waiting],
        changes=[RecordView.of_record(r, ctx.language) for r in changes],
        requests=requests,
    )
    return (
        f"pending: {len(waiting)} record(s), {len(changes)} change(s), {len(requests)} request(s)"
    )


COMMAND = Command("PENDING", pending, takes=NOTHING)
