"""Telegram messages and button presses: the same commands as email, plus guided forms."""

from __future__ import annotations

from dataclasses import replace

from bot import commands
from bot.channels.telegram import forms as telegram_forms
from bot.commands.help import send_help
from bot.commands.submit import submit
from bot.context import Context
from bot.envelope import Inbound, Outbound
from bot.parsing.parser import parse_submission
from bot.people import linking
from bot.people.registry import LANGUAGES
from bot.records.review import confirm, reject
from bot.render import render
from store.people import person_by_telegram
from store.telegram import Conversation, conversation_of


def handle(ctx: Context) -> str:
    user_id = int(ctx.inbound.sender)
    ctx.person = person_by_telegram(ctx.session, user_id)
    if ctx.inbound.callback_id:
        return _press(ctx, user_id)
    text = ctx.inbound.text.strip()
    word, _, args = text.partition(" ")
    word = word.split("@")[0].lower() if word.startswith("/") else ""
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
    if word == "/help":
        return send_help(ctx)
    found = commands.find(word[1:]) if word else None
    if found is not None:
        if found.secretariat_only and not ctx.is_secretariat:
            return send_help(ctx)
        return found.action(ctx, args.strip())
    if not word and parse_submission(text).submission.fields:
        return submit(ctx, None)
    return send_help(ctx)


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
