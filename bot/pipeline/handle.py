"""Handle one inbox item: read it, decide whether to answer, find the sender and the command."""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy.orm import Session

from bot import commands, tokens
from bot.calls import replies as call_replies
from bot.channels.email import authentication
from bot.channels.telegram import chat as telegram_chat
from bot.commands.help import send_help
from bot.commands.submit import submit
from bot.commands.subscribe import confirm_subscription
from bot.config import Settings
from bot.context import ERROR_REPLY_INTERVAL, Context
from bot.envelope import Inbound
from bot.parsing.parser import clean_text, parse_submission
from bot.pipeline.reading import read_inbound
from bot.words import table
from store.inbox import InboxItem
from store.outbox import error_reply_sent_since
from store.people import person_by_email

log = logging.getLogger(__name__)


# Commands that only read: answered even when the sender could not be authenticated, as
# their answer goes to the From address, that is to its registered owner, never to a forger.
# Flagged read_only in bot/data/words.json.
READ_ONLY = frozenset(entry.name for entry in table().commands if entry.read_only)


def handle(
    session: Session,
    settings: Settings,
    item: InboxItem,
    *,
    dnsfunc: authentication.DnsLookup | None = None,
    inbound: Inbound | None = None,
) -> str:
    """Do what the message asks and write the replies to the outbox; returns the outcome.

    `dnsfunc` is the TXT lookup for DKIM (PORTAL_VERIFY_DKIM); by default, the real DNS.
    `inbound` is the item already read, when the caller read it outside the transaction.
    """
    inbound = inbound or read_inbound(item)
    if inbound.automatic:
        return f"ignored: {inbound.automatic}"
    if inbound.channel == "telegram":
        return telegram_chat.handle(
            Context(session, settings, inbound, None, inbox_item_id=item.id)
        )
    if _is_ours(inbound.sender, settings):
        return "ignored: from our own address"
    message = authentication.headers_of(item.raw)
    if authentication.ambiguous_from(message):
        return _ambiguous_from(session, settings, item, inbound)
    person = person_by_email(session, inbound.sender)
    ctx = Context(session, settings, inbound, person, inbox_item_id=item.id)
    verdict = authentication.authenticate(message, item.raw, inbound.sender, settings, dnsfunc)
    if verdict.status == authentication.FAIL or (
        verdict.status == authentication.UNAUTHENTICATED and not _only_reads(inbound, settings)
    ):
        return _refuse_unauthenticated(ctx, verdict)
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


def _ambiguous_from(session: Session, settings: Settings, item: InboxItem, inbound: Inbound) -> str:
    """Several From addresses: nobody can say whose message it is. Only the envelope sender
    hears why (the From addresses may belong to people who never sent it)."""
    log.info("inbox item %d: refused, ambiguous From", item.id)
    envelope = replace(inbound, sender=item.sender, chat=None)
    ctx = Context(session, settings, envelope, None, inbox_item_id=item.id)
    subject = clean_text(inbound.subject)[:200]
    ctx.reply("ambiguous_from", subject=subject, error_key="ambiguous_from")
    return "refused: ambiguous From"


def _only_reads(inbound: Inbound, settings: Settings) -> bool:
    """The message asks for nothing but a read-only command (or HELP)."""
    token = tokens.from_recipients(inbound.recipients, settings.domain)
    if token and token[:1].lower() in ("c", "f", "s"):  # answers to a call, confirmations
        return False
    found = commands.read_command(inbound.subject, inbound.text)
    if found is None:
        return not parse_submission(inbound.text, inbound.subject).submission.fields
    return found[0].name in READ_ONLY


def _refuse_unauthenticated(ctx: Context, verdict: authentication.Verdict) -> str:
    """Change nothing and answer nobody; the registered owner of the From address is told
    (by email, at most once a day, as forged mail may come in floods)."""
    log.info("inbox item %s: %s (%s)", ctx.inbox_item_id, verdict.outcome, verdict.detail)
    owner = ctx.person
    if owner is None or owner.email is None:
        return verdict.outcome
    since = ctx.now - ERROR_REPLY_INTERVAL
    if error_reply_sent_since(ctx.session, owner.email, "spoofed_mail", since):
        log.info("inbox item %s: owner already told today", ctx.inbox_item_id)
        return verdict.outcome
    subject = clean_text(ctx.inbound.subject)[:200]
    notice = ctx.notify(owner, "spoofed_mail", by_email=True, subject=subject)
    if notice is not None:
        notice.error_key = "spoofed_mail"
    return verdict.outcome


def _is_ours(address: str, settings: Settings) -> bool:
    return address.lower().endswith("@" + settings.domain.lower())
