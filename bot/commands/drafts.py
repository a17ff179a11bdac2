"""Messages in prose: a draft of the template goes back; "OK" to it submits the draft."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.commands.help import send_help
from bot.commands.submit import submit
from bot.context import Context
from bot.parsing.normalise import fold
from bot.parsing.prose import phrases, starts_with_phrase
from bot.records.drafts import (
    DRAFT,
    answered,
    draft_replied_to,
    made_for,
    offer_draft,
    template_text,
)
from store.inbox import InboxItem
from store.records import Record

log = logging.getLogger(__name__)

OK_MORE_WORDS = 3  # "OK, thanks a lot" still says OK; a longer first line says something else


def draft_or_help(ctx: Context) -> str:
    """A message with neither command nor template: its draft when it is a need or an offer in
    prose from a focal point, else HELP as before."""
    return offer_draft(ctx) or send_help(ctx)


def confirm_draft(ctx: Context) -> str | None:
    """Submit the draft the sender says OK to, as its template would be submitted (every
    problem reported as for a template); None when the message is no OK to a draft."""
    item = draft_replied_to(ctx)
    if item is None or not says_ok(ctx.inbound.text):
        return None
    if not made_for(item.meta[DRAFT], ctx.inbound.sender):
        log.info("inbox item %s: OK to the draft of item %s, made for someone else: not taken",
                 ctx.inbox_item_id, item.id)  # fmt: skip
        return None
    answered(ctx, item)
    record_id = item.meta.get("record_id")
    record = ctx.session.get(Record, record_id) if record_id else None
    if record is not None:
        ctx.reply("draft_already", public_id=record.public_id, title=record.title)
        log.info("inbox item %s: draft of item %s already made %s", ctx.inbox_item_id, item.id,
                 record.public_id)  # fmt: skip
        return f"draft already submitted as {record.public_id}"
    stored = item.meta[DRAFT]
    ctx.inbound = replace(
        ctx.inbound, text=template_text(stored), subject="", language=stored.get("language")
    )
    log.info("inbox item %s: OK to the draft of item %s", ctx.inbox_item_id, item.id)
    outcome = submit(ctx, None)
    this = ctx.session.get(InboxItem, ctx.inbox_item_id) if ctx.inbox_item_id else None
    if this is not None and "record_id" in this.meta:  # a second OK finds the record
        item.meta = {**item.meta, "record_id": this.meta["record_id"]}
    return outcome


def says_ok(text: str) -> bool:
    """The writer's own text starts with a word of consent ("OK", "oui", "sí, adelante"),
    and its first line says little else."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    folded = fold(first)
    word = starts_with_phrase(folded, phrases("confirm"))
    if word is None:
        return False
    rest = folded[len(word) :].split()
    return len(rest) <= OK_MORE_WORDS and not any(c.isdigit() for c in "".join(rest))
