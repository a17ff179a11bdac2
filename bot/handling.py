"""Handle one inbox item: read it, decide whether to answer, find the sender and the command."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot import commands
from bot.commands.help import send_help
from bot.commands.submit import submit
from bot.config import Settings
from bot.context import Context
from bot.envelope import Inbound
from bot.inbound_email import read_email
from bot.parser import parse_submission
from store.inbox import InboxItem
from store.people import person_by_email

log = logging.getLogger(__name__)


def read_inbound(item: InboxItem) -> Inbound:
    if item.channel == "email":
        return read_email(item.raw, item.sender, item.recipients)
    raise ValueError(f"inbox item {item.id}: no reader for channel {item.channel!r}")


def handle(session: Session, settings: Settings, item: InboxItem) -> str:
    """Do what the message asks and write the replies to the outbox; returns the outcome."""
    inbound = read_inbound(item)
    if inbound.automatic:
        return f"ignored: {inbound.automatic}"
    if _is_ours(inbound.sender, settings):
        return "ignored: from our own address"
    person = person_by_email(session, inbound.sender)
    ctx = Context(session, settings, inbound, person, inbox_item_id=item.id)
    found = commands.read_command(inbound.subject, inbound.text)
    if found is None:
        if parse_submission(inbound.text, inbound.subject).submission.fields:
            return submit(ctx, None)
        return send_help(ctx)
    command, args = found
    if command.secretariat_only and not (person and person.is_secretariat):
        log.info("inbox item %d: %s from someone outside the secretariat", item.id, command.name)
        return send_help(ctx)
    return command.action(ctx, args)


def _is_ours(address: str, settings: Settings) -> bool:
    return address.lower().endswith("@" + settings.domain.lower())
