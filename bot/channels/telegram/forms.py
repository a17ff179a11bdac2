"""Guided /need and /offer in Telegram: one question at a time, state kept in the database.

The answers become an ordinary filled template, so the record is checked and created exactly as
one sent by email (the same parser, the same receipt).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pycountry

from bot.commands.submit import submit
from bot.context import Context
from bot.parsing.fields import country_name
from bot.parsing.money import money
from bot.parsing.normalise import FieldError, fold
from bot.parsing.parser import parse_submission
from bot.parsing.periods import period
from bot.records.create import content_of
from bot.records.views import RecordView, button_labels, place_name, vocabulary
from bot.render import LANGUAGES
from store.telegram import Conversation, conversation_of

TIMEOUT = timedelta(days=1)
STEPS = {
    "need": ("title", "areas", "assistance", "amount", "period", "description", "summary"),
    "offer": (
        "title",
        "countries",
        "areas",
        "assistance",
        "amount",
        "period",
        "description",
        "summary",
    ),
}
OPTIONAL = ("amount", "period")
LABELS = {
    "title": "Title",
    "countries": "Country",
    "areas": "Areas",
    "assistance": "Assistance",
    "amount": "Amount",
    "period": "Period",
    "description": "Description",
}


def current(ctx: Context, user_id: int) -> Conversation | None:
    """The user's form in progress, if any (see `expired` for forms left too long)."""
    found = conversation_of(ctx.session, user_id)
    return None if found is None or found.updated_at < ctx.now - TIMEOUT else found


def expired(ctx: Context, user_id: int) -> bool:
    """Drop a form left for more than a day, and say so; True if there was one."""
    found = conversation_of(ctx.session, user_id)
    if found is None or found.updated_at >= ctx.now - TIMEOUT:
        return False
    ctx.session.delete(found)
    ctx.session.flush()
    ctx.reply("form", step="expired", data={}, kind="")
    return True


def start(ctx: Context, user_id: int, kind: str) -> str:
    found = conversation_of(ctx.session, user_id)
    if found is not None:
        ctx.session.delete(found)
        ctx.session.flush()
    form = Conversation(
        user_id=user_id,
        chat_id=int(ctx.inbound.answer_to),
        kind=kind,
        step="title",
        data={"areas": [], "assistance": [], "countries": []},
        updated_at=ctx.now,
    )
    ctx.session.add(form)
    ask(ctx, form)
    return f"{kind} form started"


def cancel(ctx: Context, user_id: int) -> str:
    found = conversation_of(ctx.session, user_id)
    if found is not None:
        ctx.session.delete(found)
    ctx.reply("form", step="cancelled", data={}, kind="")
    return "form cancelled"


def ask(ctx: Context, form: Conversation, *, edit: int | None = None) -> None:
    """Ask the question of the form's step, with its buttons (editing the message if given)."""
    buttons = _buttons(ctx, form)
    data = dict(form.data)
    data["countries"] = [place_name(code, ctx.language) for code in data.get("countries", [])]
    if form.step == "summary":
        data["view"] = RecordView.of(_content(form), form.kind, ctx.language)
    ctx.reply(
        "form", step=form.step, data=data, kind=form.kind, buttons=buttons, edit_message_id=edit
    )


def answer_text(ctx: Context, form: Conversation, text: str) -> str:
    """A typed answer to the current question."""
    step, data = form.step, dict(form.data)
    text = text.strip()
    if step == "title":
        data["title"] = text[:200]
    elif step in ("areas", "assistance"):
        words = vocabulary()
        codes = words.area(text) if step == "areas" else words.assistance(text)
        if not codes:
            ctx.reply("form", step="not_understood", data={"value": text}, kind=form.kind)
            return f"form: {step} not understood"
        data[step] = list(dict.fromkeys([*data[step], *codes]))
        form.data = data
        form.updated_at = ctx.now
        ask(ctx, form)
        return f"form: {step} added"
    elif step == "countries":
        found = search_places(text, ctx.language)
        data["search"] = text
        form.data, form.updated_at = data, ctx.now
        ctx.reply(
            "form",
            step="choose_place",
            data={"value": text},
            kind=form.kind,
            buttons=[[(name, f"f:place:{code}")] for code, name in found[:8]]
            + [[(_label(ctx, "done"), "f:done")]],
        )
        return "form: places searched"
    elif step in OPTIONAL:
        try:
            (money if step == "amount" else period)(text)
        except FieldError:
            ctx.reply("form", step="not_understood", data={"value": text}, kind=form.kind)
            return f"form: {step} not understood"
        data[step] = text
    elif step == "description":
        data["description"] = text
    else:
        ask(ctx, form)
        return "form: waiting for a button"
    form.data = data
    return advance(ctx, form)


def press(ctx: Context, form: Conversation, action: str) -> str:
    """A button of the form: f:done, f:skip, f:area:i, f:assist:i, f:place:X, f:submit ..."""
    data = dict(form.data)
    parts = action.split(":")
    if parts[1] in ("area", "assist"):
        key = "areas" if parts[1] == "area" else "assistance"
        codes = vocabulary().area_codes if key == "areas" else vocabulary().assistance_codes
        code = codes[int(parts[2])]
        chosen = list(data[key])
        chosen.remove(code) if code in chosen else chosen.append(code)
        data[key] = chosen
        form.data, form.updated_at = data, ctx.now
        ask(ctx, form, edit=ctx.inbound.callback_message_id)
        return f"form: {key} toggled"
    if parts[1] == "place":
        code = ":".join(parts[2:])
        data["countries"] = list(dict.fromkeys([*data["countries"], code]))
        form.data, form.updated_at = data, ctx.now
        ask(ctx, form)
        return "form: place added"
    if parts[1] in ("done", "skip"):
        if form.step in ("areas", "assistance", "countries") and not data.get(form.step):
            ask(ctx, form)
            return "form: a choice is needed"
        return advance(ctx, form)
    if parts[1] == "edit" and len(parts) == 2:
        ctx.reply(
            "form",
            step="edit",
            data={},
            kind=form.kind,
            buttons=[[(_label(ctx, name), f"f:edit:{name}")] for name in STEPS[form.kind][:-1]],
        )
        return "form: edit"
    if parts[1] == "edit":
        form.step, data["editing"] = parts[2], True
        form.data, form.updated_at = data, ctx.now
        ask(ctx, form)
        return f"form: editing {parts[2]}"
    if parts[1] == "submit":
        return _submit(ctx, form)
    return cancel(ctx, form.user_id)


def advance(ctx: Context, form: Conversation) -> str:
    steps = STEPS[form.kind]
    data = dict(form.data)
    following = "summary" if data.pop("editing", False) else steps[steps.index(form.step) + 1]
    form.step, form.data, form.updated_at = following, data, ctx.now
    ask(ctx, form)
    return f"form: {following}"


def _submit(ctx: Context, form: Conversation) -> str:
    text = template_of(form)
    ctx.session.delete(form)
    ctx.session.flush()
    ctx.inbound = replace(ctx.inbound, text=text)
    return submit(ctx, form.kind)


def template_of(form: Conversation) -> str:
    """The filled template the answers amount to, in English labels (any language parses)."""
    data = form.data
    words = vocabulary()
    lines = [f"Type: {form.kind}", f"Title: {data.get('title', '')}"]
    if data.get("countries"):
        lines.append(
            "Country: "
            + ", ".join("any" if c == "any" else place_name(c, "en") for c in data["countries"])
        )
    lines.append("Areas: " + ", ".join(words.area_label(c, "en") for c in data["areas"]))
    lines.append(
        "Assistance: " + ", ".join(words.assistance_label(c, "en") for c in data["assistance"])
    )
    for key in OPTIONAL:
        if data.get(key):
            lines.append(f"{LABELS[key]}: {data[key]}")
    lines.append("Description:")
    lines.append(data.get("description", ""))
    return "\n".join(lines) + "\n"


def _content(form: Conversation) -> dict[str, Any]:
    return content_of(parse_submission(template_of(form)).submission)


def search_places(text: str, lang: str) -> list[tuple[str, str]]:
    """Countries and UN regions whose name contains what was typed, in the user's language."""
    wanted = fold(text)
    found: list[tuple[str, str]] = []
    words = vocabulary()
    for code in sorted(words.regions):
        names = [words.region_label(code, other) for other in LANGUAGES]
        if wanted and any(wanted in fold(name) for name in names):
            found.append((f"region:{code}", words.region_label(code, lang)))
    for country in pycountry.countries:
        names = [country_name(country.alpha_3, other) for other in LANGUAGES]
        if wanted and (
            any(wanted in fold(name) for name in names) or wanted == fold(country.alpha_3)
        ):
            found.append((country.alpha_3, place_name(country.alpha_3, lang)))
    if fold("any") == wanted or wanted in ("tous", "todos", "all"):
        found.insert(0, ("any", place_name("any", lang)))
    return found


def _buttons(ctx: Context, form: Conversation) -> list[list[tuple[str, str]]]:
    words = vocabulary()
    if form.step in ("areas", "assistance"):
        chosen = set(form.data.get(form.step, []))
        codes = words.area_codes if form.step == "areas" else words.assistance_codes
        label = words.area_label if form.step == "areas" else words.assistance_label
        prefix = "area" if form.step == "areas" else "assist"
        rows = [
            [(("✓ " if code in chosen else "") + label(code, ctx.language), f"f:{prefix}:{i}")]
            for i, code in enumerate(codes)
        ]
        return [*rows, [(_label(ctx, "done"), "f:done")]]
    if form.step == "countries":
        return [
            [(place_name("any", ctx.language), "f:place:any")],
            [(_label(ctx, "done"), "f:done")],
        ]
    if form.step in OPTIONAL:
        return [[(_label(ctx, "skip"), "f:skip")]]
    if form.step == "summary":
        return [
            [
                (_label(ctx, "submit"), "f:submit"),
                (_label(ctx, "edit"), "f:edit"),
                (_label(ctx, "cancel"), "f:cancel"),
            ]
        ]
    return []


def _label(ctx: Context, name: str) -> str:
    return button_labels(ctx.language).get(name, name)
