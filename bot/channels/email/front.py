"""Email's front door: reading, our own address, ambiguous From, authentication, reply tokens."""

from __future__ import annotations

import logging
from dataclasses import replace
from email.parser import BytesHeaderParser

from bot import addresses, commands, tokens
from bot.calls import replies as call_replies
from bot.channels.email import authentication
from bot.channels.email.bounces import read_bounce
from bot.channels.email.reading import automatic_reason, read_email
from bot.context import ERROR_REPLY_INTERVAL, Context
from bot.envelope import Asked, Inbound
from bot.parsing.language import detect_language
from bot.parsing.parser import clean_text
from bot.parsing.template import read_fields
from bot.words import table
from store.inbox import InboxItem
from store.outbox import error_reply_sent_since
from store.people import person_by_email

log = logging.getLogger(__name__)


# Commands that only read: answered even when the sender could not be authenticated, as
# their answer goes to the From address, that is to its registered owner, never to a forger.
# Flagged read_only in bot/data/words.json.
READ_ONLY = frozenset(entry.name for entry in table().commands if entry.read_only)
# Verdicts under which the From address is believed: authenticated, or no checks configured.
VOUCHED = frozenset({authentication.PASS, authentication.OFF})


class EmailFront:
    """`dnsfunc` is the TXT lookup for DKIM (PORTAL_VERIFY_DKIM); by default, the real DNS.
    `portal` tells the portal's own addresses when reading (the wiring gives the settings');
    without it, the domains the message was sent to are the portal's."""

    def __init__(
        self,
        dnsfunc: authentication.DnsLookup | None = None,
        portal: addresses.Addresses | None = None,
    ) -> None:
        self.dnsfunc = dnsfunc
        self.portal = portal

    def read(self, item: InboxItem) -> Inbound:
        inbound = read_email(item.raw, item.sender, item.recipients, self.portal)
        told = detect_language(inbound.subject, inbound.text, inbound.quoted)
        return replace(inbound, language=told, bounce=read_bounce(item.raw, item.sender))

    def automatic(self, item: InboxItem) -> str | None:
        """From the header alone, read without decoding (compat32 leaves header values as they
        are: linear, whatever their size)."""
        return automatic_reason(BytesHeaderParser().parsebytes(item.raw), item.sender)

    def admit(self, ctx: Context, item: InboxItem) -> str | None:
        inbound, settings = ctx.inbound, ctx.settings
        if addresses.of(settings).is_ours(inbound.sender):
            return "ignored: from our own address"
        message = authentication.headers_of(item.raw)
        if authentication.ambiguous_from(message):
            return _ambiguous_from(ctx, item)
        ctx.person = person_by_email(ctx.session, inbound.sender)
        verdict = authentication.authenticate(
            message, item.raw, inbound.sender, settings, self.dnsfunc
        )
        ctx.vouched = verdict.status in VOUCHED
        if verdict.status == authentication.FAIL or (
            verdict.status == authentication.UNAUTHENTICATED and not _only_reads(ctx)
        ):
            return _refuse_unauthenticated(ctx, verdict)
        return _check_token(ctx)

    def vouched(self, ctx: Context, item: InboxItem) -> bool:
        """A delivery report's From (a null envelope sender: its domain is the From's), as
        any sender's: the provider's or our front server's verdict, or our DKIM check, says
        pass; or nothing is configured (off: every From is taken as it says)."""
        message = authentication.headers_of(item.raw)
        if authentication.ambiguous_from(message):
            return False
        verdict = authentication.authenticate(
            message, item.raw, ctx.inbound.sender, ctx.settings, self.dnsfunc
        )
        if verdict.status not in VOUCHED:
            log.info("inbox item %s: report from %s %s (%s)", ctx.inbox_item_id,
                     authentication.domain_of(ctx.inbound.sender), verdict.status,
                     verdict.detail)  # fmt: skip
        return verdict.status in VOUCHED

    def command(self, ctx: Context) -> Asked | None:
        found = commands.read_command(ctx.inbound.subject, ctx.inbound.text)
        return None if found is None else Asked(*found)


def _check_token(ctx: Context) -> str | None:
    """Set what the sender replied to; answer and stop if the reply address is not theirs."""
    text = addresses.of(ctx.settings).token_in(ctx.inbound.recipients)
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


def _ambiguous_from(ctx: Context, item: InboxItem) -> str:
    """Several From addresses: nobody can say whose message it is. Only the envelope sender
    hears why (the From addresses may belong to people who never sent it)."""
    log.info("inbox item %d: refused, ambiguous From", item.id)
    subject = clean_text(ctx.inbound.subject)[:200]
    ctx.inbound = replace(ctx.inbound, sender=item.sender, chat=None)
    ctx.reply("ambiguous_from", subject=subject, error_key="ambiguous_from")
    return "refused: ambiguous From"


def _only_reads(ctx: Context) -> bool:
    """The message asks for nothing but a read-only command (or HELP)."""
    inbound = ctx.inbound
    token = addresses.of(ctx.settings).token_in(inbound.recipients)
    if token and token[:1].lower() in ("c", "f", "s"):  # answers to a call, confirmations
        return False
    found = commands.read_command(inbound.subject, inbound.text)
    if found is None:
        return not read_fields(inbound.text)[0]  # no template: what parse_submission reads
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
