"""Drafts: the template filled from a message in prose, kept with that message until confirmed."""

# A draft is kept in the meta of the inbox item whose prose it was made from (meta["draft"]),
# so the reply token of the draft mail (kind "i", that item) finds it, and it expires with the
# token. When a record is made from it, meta["record_id"] says which (bot.commands.submit).

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot import tokens
from bot.context import Context
from bot.parsing.drafts import Writer, draft_from_prose
from bot.parsing.fields import country
from bot.words import table
from store.actors import Actor
from store.inbox import InboxItem

log = logging.getLogger(__name__)

DRAFT = "draft"  # the key of the inbox item's meta that holds its draft
FOR = "for"  # the key, in a kept draft, of the address whose message it was made from
ANSWERED = "draft_answered"  # the key of the meta of an answer to a draft: the draft's item
LIFETIME: timedelta = tokens.LIFETIME["i"]  # a draft lives as long as the token of its mail
LOOK_BACK = 10  # Telegram: answers to a draft looked past to find it


def offer_draft(ctx: Context, kind: str | None = None) -> str | None:
    """Answer a message in prose with its draft and keep the draft; None when the prose is not
    worth one (it asks for no need or offer) or the sender submits for no actor.

    An unregistered sender gets the draft too, with how to register: once registered, their
    "OK" to it submits it (at most one such draft a day to an address nobody registered)."""
    person = ctx.person
    if person is not None and not person.actors or ctx.inbox_item_id is None:
        return None
    actor = person.actors[0] if person is not None and len(person.actors) == 1 else None
    draft = draft_from_prose(
        ctx.inbound.text,
        ctx.inbound.subject,
        today=ctx.now.date(),
        writer=writer_of(actor),
        language=ctx.language,
        kind=kind,
    )
    if draft is None:
        return None
    fields, blank = dict(draft.fields), draft.blank
    if actor is None and person is not None:  # several actors: the writer says which
        fields, blank = {"actor": "", **fields}, ("actor", *blank)
    item = ctx.session.get(InboxItem, ctx.inbox_item_id)
    if item is None:
        return None
    sender = ctx.inbound.sender
    item.meta = {**item.meta, DRAFT: {"fields": fields, "language": ctx.language, FOR: sender}}
    sent = ctx.reply(
        "draft",
        fields=fields,
        blank=blank,
        kind=draft.kind or "",
        unregistered=person is None,
        sender=sender,
        error_key="draft:unregistered" if person is None else None,
    )
    if sent is None:
        return "unregistered sender: draft not repeated today"
    log.info("inbox item %s: draft sent, blank: %s", ctx.inbox_item_id, ", ".join(blank) or "-")
    return f"draft sent ({draft.kind or 'kind unknown'}){'' if person else ' to be registered'}"


def made_for(stored: dict[str, Any], sender: str) -> bool:
    """Whether a kept draft was made from this sender's message (a draft kept before its
    sender was noted says nothing against it)."""
    made = stored.get(FOR)
    return made is None or str(made).strip().lower() == sender.strip().lower()


def writer_of(actor: Actor | None) -> Writer:
    """What the actor's reference data says: a state's country; a state with clearance or victim
    assistance obligations asks more likely, a provider offers."""
    if actor is None:
        return Writer()
    own = actor.code if actor.is_state and country(actor.code) == actor.code else None
    obligations = actor.details.get("obligations") or {}
    owes = obligations.get("art4_clearance") == "outstanding" or obligations.get("art5_victims")
    if actor.is_state and owes:
        return Writer(own, "need")
    if actor.details.get("provider"):
        return Writer(own, "offer")
    return Writer(own)


def draft_replied_to(ctx: Context) -> InboxItem | None:
    """The inbox item whose draft the sender answers: by the reply token of the draft mail, or
    on a channel without reply tokens (Telegram) the sender's last message other than answers
    to a draft, when it got a draft not yet over."""
    if ctx.about is not None:
        if ctx.about.kind != "i":
            return None
        item = ctx.session.get(InboxItem, ctx.about.id)
        return item if item is not None and DRAFT in item.meta else None
    if ctx.inbound.channel != "telegram" or ctx.inbox_item_id is None:
        return None
    earlier = ctx.session.scalars(
        select(InboxItem)
        .where(
            InboxItem.channel == ctx.inbound.channel,
            InboxItem.sender == ctx.inbound.sender,
            InboxItem.id < ctx.inbox_item_id,
        )
        .order_by(InboxItem.id.desc())
        .limit(LOOK_BACK)
    )
    last = next((item for item in earlier if ANSWERED not in item.meta), None)
    if last is None or DRAFT not in last.meta or last.received_at < ctx.now - LIFETIME:
        return None
    return last


def answered(ctx: Context, draft_item: InboxItem) -> None:
    """Note on the message being handled that it answered that draft (Telegram looks past it)."""
    this = ctx.session.get(InboxItem, ctx.inbox_item_id) if ctx.inbox_item_id else None
    if this is not None:
        this.meta = {**this.meta, ANSWERED: draft_item.id}


def template_text(stored: dict[str, Any]) -> str:
    """The draft as its template would be written: one English label per field, then the
    description on the lines below its label."""
    labels = table().labels
    fields: dict[str, str] = stored["fields"]
    lines = [
        f"{labels[name]['en'][0].capitalize()}: {value}"
        for name, value in fields.items()
        if name != "description"
    ]
    lines += [f"{labels['description']['en'][0].capitalize()}:", fields.get("description", "")]
    return "\n".join(lines) + "\n"
