"""Handle one inbox item: read it, decide whether to answer, find the sender and the command."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot import call_replies, commands, telegram_chat, tokens
from bot.commands.help import send_help
from bot.commands.submit import submit
from bot.commands.subscribe import confirm_subscription
from bot.config import Settings
from bot.context import Context
from bot.parser import parse_submission
from bot.reading import read_inbound
from store.inbox import InboxItem
from store.people import person_by_email

log = logging.getLogger(__name__)


def handle(session: Session, settings: Settings, item: InboxItem) -> str:
    """Do what the message asks and write the replies to the outbox; returns the outcome."""
    inbound = read_inbound(item)
    if inbound.automatic:
        return f"ignored: {inbound.automatic}"
    if inbound.channel == "telegram":
        return telegram_chat.handle(
            Context(session, settings, inbound, None, inbox_item_id=item.id)
        )
    if _is_ours(inbound.sender, settings):
        return "ignored: from our own address"
    person = person_by_email(session, inbound.sender)
    ctx = Context(session, settings, inbound, person, inbox_item_id=item.id)
    refused = _check_token(ctx)
    if refused:
        return refused
    if ctx.about is not None and ctx.about.kind == "c":
        return call_replies.from_focal_point(ctx, ctx.about.id)
    if ctx.about is not None and ctx.about.kind == "f":
        return call_replies.confirmed(ctx, ctx.about.id)
    found = commands.read_command(inbound.subject, inbound.text)
    if (
        ctx.about is not None
        and ctx.about.kind == "s"
        and (found is None or found[0].name in ("SUBSCRIBE", "CONFIRM"))
    ):
        return confirm_subscription(ctx, ctx.about.id)
    if found is None:
        if parse_submission(inbound.text, inbound.subject).submission.fields:
            return submit(ctx, None)
        return send_help(ctx)
    command, args = found
    if command.secretariat_only and not ctx.is_secretariat:
        log.info("inbox item %d: %s from someone outside the secretariat", item.id, command.name)
        return send_help(ctx)
    return command.action(ctx, args)


def _check_token(ctx: Context) -> str | None:
    """Set what the sender replied to; answer and stop if the reply address is not theirs."""
    text = tokens.from_recipients(ctx.inbound.recipients, ctx.settings.domain)
    if text is None:
        return None
    check = tokens.check(ctx.settings.secret_key.encode(), text, ctx.inbound.sender, ctx.now)
    if check.problem == "forwarded" and check.token is not None and check.token.kind == "c":
        return call_replies.forwarded(ctx, check.token.id)
    if check.problem is not None:
        ctx.reply("token_refused", problem=check.problem, error_key=f"token:{check.problem}")
        return f"reply address refused: {check.problem}"
    ctx.about = check.token
    return None


def _is_ours(address: str, settings: Settings) -> bool:
    return address.lower().endswith("@" + settings.domain.lower())
