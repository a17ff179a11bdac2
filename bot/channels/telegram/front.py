"""Telegram's front door: conversation state, guided forms and buttons; then the shared commands."""

from __future__ import annotations

from dataclasses import replace

from bot import commands
from bot.channels.telegram import forms as telegram_forms
from bot.channels.telegram.reading import read_update
from bot.commands.help import send_help
from bot.commands.submit import submit
from bot.context import Context
from bot.envelope import Asked, Inbound, Outbound
from bot.parsing.language import detect_language
from bot.parsing.parser import parse_submission
from bot.people import linking
from bot.people.registry import LANGUAGES
from bot.records.review import confirm, reject
from bot.render import render
from store.inbox import InboxItem
from store.people import person_by_telegram
from store.telegram import Conversation, conversation_of


class TelegramFront:
    def read(self, item: InboxItem) -> Inbound:
        return read_update(item.raw)

    def automatic(self, item: InboxItem) -> str | None:
        return None  # an update is small JSON: reading it whole is what tells

    def vouched(self, ctx: Context, item: InboxItem) -> bool:
        return True  # Telegram gives the user id of whoever sent the update

    def admit(self, ctx: Context, item: InboxItem) -> str | None:
        """Buttons, /start, /cancel, /language, the guided forms: answered here."""
        user_id = int(ctx.inbound.sender)
        ctx.person = person_by_telegram(ctx.session, user_id)
        ctx.vouched = True  # Telegram gives the user id of whoever sent the update
        if ctx.person is not None and ctx.person.language:
            # The app's language yields to the one they chose; what they write still tells.
            told = detect_language("", ctx.inbound.text)
            ctx.inbound = replace(ctx.inbound, language=told)
        if ctx.inbound.callback_id:
            return _press(ctx, user_id)
        text = ctx.inbound.text.strip()
        word, args = _command_word(text)
        if word == "/start":
            return _start(ctx, user_id, args.strip())
        if word == "/cancel":
            return telegram_forms.cancel(ctx, user_id)
        if word == "/language":
            return _language(ctx, args.strip().lower())
        if not word and telegram_forms.expired(ctx, user_id):
            return "form expired"
        form = telegram_forms.current(ctx, user_id) if not word else None
        if form is not None:
            return (
                _reason(ctx, form, text)
                if form.kind == "reject"
                else (telegram_forms.answer_text(ctx, form, text))
            )
        if word in ("/need", "/offer") and ctx.person is not None:
            if parse_submission(args).submission.fields:
                ctx.inbound = _with_text(ctx, args)
                return submit(ctx, word[1:])
            return telegram_forms.start(ctx, user_id, word[1:])
        return None

    def command(self, ctx: Context) -> Asked | None:
        """A /word names the command; plain text names none (a submission, or HELP)."""
        word, args = _command_word(ctx.inbound.text.strip())
        if not word:
            return None
        return Asked(commands.find(word[1:]), args.strip())


def _command_word(text: str) -> tuple[str, str]:
    """The /word the text starts with (lower case, without @botname), or "", and the rest."""
    word, _, args = text.partition(" ")
    return (word.split("@")[0].lower() if word.startswith("/") else ""), args


def _start(ctx: Context, user_id: int, code: str) -> str:
    linked = linking.link(ctx, code, user_id) if code else None
    if linked is not None:
        ctx.person = linked
    ctx.reply(
        "telegram_welcome",
        linked=linked is not None,
        code_given=bool(code),
        actors=[a.display_name(ctx.language) for a in (ctx.person.actors if ctx.person else [])],
    )
    return "telegram linked" if linked else "telegram welcome"


def _language(ctx: Context, wanted: str) -> str:
    if ctx.person is not None and wanted in LANGUAGES:
        ctx.person.language = wanted
    return send_help(ctx)


def _press(ctx: Context, user_id: int) -> str:
    """A button: answered at once (Telegram shows a spinner until then), then acted on."""
    data = ctx.inbound.callback_data or ""
    action, _, public_id = data.partition(":")
    outcome = ""
    if action == "f":
        form = telegram_forms.current(ctx, user_id)
        result = telegram_forms.press(ctx, form, data) if form is not None else "no form"
    elif action in ("confirm", "reject") and not ctx.is_secretariat:
        outcome, result = "not_allowed", f"{action} refused: not secretariat"
    elif action == "confirm":
        decision = confirm(ctx, public_id)
        outcome, result = decision.outcome, f"confirm {public_id}: {decision.outcome}"
    elif action == "reject":
        _ask_reason(ctx, user_id, public_id)
        result = f"reject {public_id}: reason asked"
    else:
        result = f"unknown button {data!r}"
    _answer_button(ctx, outcome, public_id)
    return result


def _answer_button(ctx: Context, outcome: str, public_id: str) -> None:
    subject, body = (
        render(
            "callback_done",
            ctx.language,
            **ctx.common(ctx.language),
            outcome=outcome,
            public_id=public_id,
        )
        if outcome
        else ("", "")
    )
    ctx.enqueue(
        Outbound(
            channel="telegram",
            recipient=ctx.inbound.answer_to,
            kind="callback_answer",
            subject=subject,
            body=body.strip()[:200],
            headers={"callback_query_id": ctx.inbound.callback_id},
        )
    )


def _ask_reason(ctx: Context, user_id: int, public_id: str) -> None:
    found = conversation_of(ctx.session, user_id)
    if found is not None:
        ctx.session.delete(found)
        ctx.session.flush()
    ctx.session.add(
        Conversation(
            user_id=user_id,
            chat_id=int(ctx.inbound.answer_to),
            kind="reject",
            step="reason",
            data={"record": public_id},
            updated_at=ctx.now,
        )
    )
    ctx.reply("reject_reason", public_id=public_id)


def _reason(ctx: Context, form: Conversation, text: str) -> str:
    ctx.session.delete(form)
    if not ctx.is_secretariat:
        return send_help(ctx)
    decision = reject(ctx, form.data["record"], text)
    ctx.reply("review_result", verb="rejected", results=[decision])
    return f"reject {decision.public_id}: {decision.outcome}"


def _with_text(ctx: Context, text: str) -> Inbound:
    return replace(ctx.inbound, text=text)
