"""WITHDRAW, FULFILLED and RENEW: the owner closes or renews a record."""

from __future__ import annotations

from bot.commands.base import Command
from bot.context import Context
from bot.records import lifecycle
from bot.records.ownership import RECORD_ID, no_such_record, own_record
from store.records import FULFILLED, WITHDRAWN


def _note(args: str) -> str:
    return RECORD_ID.sub("", args, count=1).strip(" :-–")


def _change(ctx: Context, args: str, change: str) -> str:
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


WITHDRAW = Command(
    name="WITHDRAW",
    words=("WITHDRAW", "RETIRER", "RETIRAR"),
    usage="WITHDRAW id [reason]",
    summary="take one of your records off the portal",
    action=lambda ctx, args: _change(ctx, args, WITHDRAWN),
)
FULFILLED_COMMAND = Command(
    name="FULFILLED",
    words=("FULFILLED", "SATISFAIT", "SATISFECHO", "CUMPLIDO"),
    usage="FULFILLED id [note]",
    summary="say that one of your needs was met (or an offer taken up)",
    action=lambda ctx, args: _change(ctx, args, FULFILLED),
)
RENEW = Command(
    name="RENEW",
    words=("RENEW", "RENOUVELER", "RENOVAR"),
    usage="RENEW id",
    summary="keep one of your published records for twelve more months",
    action=lambda ctx, args: _change(ctx, args, "renewed"),
)
