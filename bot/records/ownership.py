"""Who may act on which record: a focal point on their own actors' records, nobody else."""

from __future__ import annotations

import re

from bot.context import Context
from store.records import PUBLISHED, Record, by_public_id

RECORD_ID = re.compile(r"\b[NO]-\d{4}-\d{4,}\b", re.IGNORECASE)


def record_id_in(text: str) -> str | None:
    found = RECORD_ID.search(text)
    return found.group(0).upper() if found else None


def named_or_replied_to(ctx: Context, args: str) -> tuple[Record | None, str]:
    """The record named in `args`, else the one the reply token is about; with its id as named."""
    public_id = record_id_in(args)
    if public_id is not None:
        return by_public_id(ctx.session, public_id), public_id
    if ctx.about is not None and ctx.about.kind == "r":
        record = ctx.session.get(Record, ctx.about.id)
        return record, record.public_id if record else ""
    return None, ""


def is_owner(ctx: Context, record: Record) -> bool:
    """The sender serves the actor that owns the record."""
    return ctx.person is not None and record.actor in ctx.person.actors


def own_record(ctx: Context, args: str) -> tuple[Record | None, str]:
    """The sender's own record named or replied to; None also when it is someone else's."""
    record, public_id = named_or_replied_to(ctx, args)
    return (record if record is not None and is_owner(ctx, record) else None), public_id


def visible_record(ctx: Context, args: str) -> tuple[Record | None, str]:
    """A record the sender may see: their own, or any published one (the secretariat: all)."""
    record, public_id = named_or_replied_to(ctx, args)
    if record is None:
        return None, public_id
    if record.status == PUBLISHED or is_owner(ctx, record) or ctx.is_secretariat:
        return record, public_id
    if ctx.person and record.on_behalf_of in ctx.person.actors:
        return record, public_id
    return None, public_id


def no_such_record(ctx: Context, public_id: str) -> str:
    """The one answer for a record that does not exist or is not the sender's."""
    ctx.reply("no_such_record", public_id=public_id, error_key=f"no_such_record:{public_id}")
    return f"no such record for this sender: {public_id or '(none named)'}"
