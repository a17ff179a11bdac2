"""Replies that carry a call token: the answer itself, or one forwarded to a colleague."""

from __future__ import annotations

from dataclasses import replace

from bot import tokens
from bot.calls.answers import answer
from bot.context import Context
from bot.pipeline.reading import read_inbound
from store.base import utcnow
from store.calls import CallRecipient, ForwardedAnswer
from store.inbox import InboxItem


def from_focal_point(ctx: Context, row_id: int) -> str:
    row = ctx.session.get(CallRecipient, row_id)
    if row is None:
        ctx.reply("token_refused", problem="altered", error_key="token:altered")
        return "answer to an unknown call"
    if ctx.person is None:
        ctx.person = row.person
    return answer(ctx, row)


def forwarded(ctx: Context, row_id: int) -> str:
    """Someone else answered with the focal point's copy: keep it and ask the focal point."""
    row = ctx.session.get(CallRecipient, row_id)
    if row is None or row.person is None or ctx.inbox_item_id is None:
        ctx.reply("token_refused", problem="forwarded", error_key="token:forwarded")
        return "reply address refused: forwarded"
    held = ForwardedAnswer(
        call_recipient_id=row.id,
        inbox_item_id=ctx.inbox_item_id,
        sender=ctx.inbound.sender,
        created_at=ctx.now,
    )
    ctx.session.add(held)
    ctx.session.flush()
    ctx.notify(
        row.person,
        "call_forwarded_confirm",
        about=("f", held.id),
        call=row.call,
        sender=ctx.inbound.sender,
        actor=row.actor.display_name(row.person.mail_language),
        text=ctx.inbound.text,
    )
    ctx.reply(
        "call_forwarded_received",
        call=row.call,
        owner=row.address,
        actor=row.actor.display_name(ctx.language),
    )
    return f"answer to call {row.call_id} from {ctx.inbound.sender} held for {row.address}"


def confirmed(ctx: Context, held_id: int) -> str:
    """The focal point agrees: the held answer is applied as if they had sent it."""
    held = ctx.session.get(ForwardedAnswer, held_id)
    if held is None or held.status != "pending":
        ctx.reply("token_refused", problem="expired", error_key="token:expired")
        return "no held answer to confirm"
    row = held.call_recipient
    original = read_inbound(ctx.session.get_one(InboxItem, held.inbox_item_id))
    inbound = replace(
        original,
        sender=ctx.inbound.sender,
        message_id=ctx.inbound.message_id,
        references=ctx.inbound.references,
    )
    on_behalf = Context(
        ctx.session,
        ctx.settings,
        inbound,
        ctx.person or row.person,
        inbox_item_id=ctx.inbox_item_id,
        about=tokens.Token("c", row.id),
        now=ctx.now or utcnow(),
    )
    held.status, held.decided_at = "confirmed", ctx.now
    return answer(on_behalf, row) + f" (forwarded by {held.sender}, confirmed)"
