"""What WITHDRAW, FULFILLED and RENEW share: the owner closes or renews one of their records."""

from __future__ import annotations

from bot.context import Context
from bot.records import lifecycle
from bot.records.ownership import RECORD_ID, no_such_record, own_record


def _note(args: str) -> str:
    return RECORD_ID.sub("", args, count=1).strip(" :-–")


def change_record(ctx: Context, args: str, change: str) -> str:
    """Make `change` (withdrawn, fulfilled or renewed) to the record named in `args`."""
    record, public_id = own_record(ctx, args)
    if record is None:
        return no_such_record(ctx, public_id)
    if not lifecycle.may(record, change):
        lifecycle.answer(ctx, record, "cannot_change", change=change)
        return f"{record.public_id}: cannot be {change} while {record.status}"
    if change == "renewed":
        lifecycle.renew(ctx, record)
    else:
        lifecycle.close(ctx, record, change, _note(args))
    lifecycle.answer(ctx, record, change, note=_note(args))
    return f"{record.public_id} {change}"
