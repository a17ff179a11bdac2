"""Handle one inbox item: its channel's front finds the sender, then one dispatch for all."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.calls import replies as call_replies
from bot.commands.drafts import confirm_draft, draft_or_help
from bot.commands.submit import submit
from bot.commands.subscribe import confirm_subscription
from bot.config import Settings
from bot.context import Context
from bot.envelope import Front, Inbound
from bot.parsing.template import read_fields
from bot.people import bounces, registry
from bot.pipeline.fronts import front_of
from bot.pipeline.reading import read_inbound
from store.inbox import InboxItem

log = logging.getLogger(__name__)


def handle(
    session: Session,
    settings: Settings,
    item: InboxItem,
    *,
    inbound: Inbound | None = None,
    front: Front | None = None,
) -> str:
    """Do what the message asks and write the replies to the outbox; returns the outcome.

    `inbound` is the item already read, when the caller read it outside the transaction;
    `front` replaces the registered front of the item's channel (tests give one their DNS).
    """
    inbound = inbound or (front.read(item) if front else read_inbound(item))
    ctx = Context(session, settings, inbound, None, inbox_item_id=item.id)
    to_bounces = bounces.addressed_to_bounces(settings, inbound.recipients)
    if inbound.bounce is not None or to_bounces:
        if inbound.bounce is not None and not to_bounces:  # no signed address: is From true?
            ctx.vouched = (front or front_of(inbound.channel)).vouched(ctx, item)
        return bounces.read(ctx)
    if inbound.automatic:
        return f"ignored: {inbound.automatic}"
    front = front or front_of(inbound.channel)
    answered = front.admit(ctx, item)
    if answered is not None:
        return answered
    bounces.heard_from(ctx)
    return dispatch(ctx, front)


def dispatch(ctx: Context, front: Front) -> str:
    """What the sender replied to, else the command, else a submission, else HELP.

    A person without a language takes the one their message tells. A filled template is a
    submission whatever command the subject names, unless that command reads the fields
    itself (UPDATE, SUBSCRIBE, REGISTER...); a secretariat word from anyone else names none.
    """
    if ctx.person is not None and registry.learn_language(ctx.person, ctx.inbound.language):
        log.info("inbox item %s: person %s writes in %s", ctx.inbox_item_id, ctx.person.id,
                 ctx.person.language)  # fmt: skip
    about = ctx.about
    if about is not None and about.kind == "c":
        return call_replies.from_focal_point(ctx, about.id)
    if about is not None and about.kind == "f":
        return call_replies.confirmed(ctx, about.id)
    confirmed = confirm_draft(ctx)  # "OK" in answer to a draft of a message in prose
    if confirmed is not None:
        return confirmed
    asked = front.command(ctx)
    if (
        about is not None
        and about.kind == "s"
        and (asked is None or asked.command is None or asked.command.name in SUBSCRIPTION)
    ):
        return confirm_subscription(ctx, about.id)
    command = asked.command if asked is not None else None
    if command is not None and command.secretariat_only and not ctx.is_secretariat:
        log.info("inbox item %s: %s from someone outside the secretariat: read as content",
                 ctx.inbox_item_id, command.name)  # fmt: skip
        command = None
    fields = len(read_fields(ctx.inbound.text)[0])  # the fields parse_submission would read
    if command is not None and (command.reads_text or fields < FILLED_TEMPLATE):
        return command.action(ctx, asked.args if asked is not None else "")
    if fields:
        return submit(ctx, None)
    return draft_or_help(ctx)


# Template fields that make a message a submission whatever command its subject names (one
# "Label: value" line under a command is the command's own).
FILLED_TEMPLATE = 2


SUBSCRIPTION = ("SUBSCRIBE", "CONFIRM")  # words that, in answer to a subscription, confirm it
