"""LIST, SHOW and PENDING: what a sender may read."""

from __future__ import annotations

from bot.commands.base import Command
from bot.context import Context
from bot.records.ownership import no_such_record, visible_record
from bot.records.views import RecordView
from store.records import PENDING as PENDING_STATUS
from store.records import PUBLISHED, list_records
from store.registrations import pending_requests


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


LIST = Command(
    name="LIST",
    words=("LIST", "LISTE", "LISTA"),
    usage="LIST",
    summary="your records, with their status",
    action=list_mine,
)
SHOW = Command(
    name="SHOW",
    words=("SHOW", "AFFICHER", "VOIR", "MOSTRAR", "VER"),
    usage="SHOW id",
    summary="one record in full",
    action=show,
)
PENDING = Command(
    name="PENDING",
    words=("PENDING", "ATTENTE", "PENDIENTES", "PENDIENTE"),
    usage="PENDING",
    summary="what waits for a decision (secretariat)",
    action=pending,
    secretariat_only=True,
)
