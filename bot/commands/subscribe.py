"""SUBSCRIBE [filters]: the weekly digest, with optional filters, and its confirmation."""

from __future__ import annotations

from bot.commands.base import ANYTHING, Command
from bot.context import Context
from bot.people import subscriptions
from bot.records.views import RecordView, localised


def subscribe(ctx: Context, args: str) -> str:
    wanted = subscriptions.filters_from(ctx.inbound.text)
    if wanted.problems:
        ctx.reply(
            "parse_error",
            problems=localised(list(wanted.problems), ctx.language),
            fields={},
            kind="subscription",
            subject=ctx.inbound.subject,
            public_id="",
            error_key=ctx.message_key("subscribe"),
        )
        return f"subscribe: {len(wanted.problems)} problem(s)"
    subscription = subscriptions.subscribe(ctx, wanted)
    if subscription.status == "active":
        ctx.reply(
            "subscribe_result", confirmed=True, filters=_described(wanted.filters, ctx.language)
        )
        return f"subscription {subscription.id} active"
    ctx.reply(
        "subscribe_confirm",
        about=("s", subscription.id),
        filters=_described(wanted.filters, ctx.language),
    )
    return f"subscription {subscription.id} waits for its confirmation"


def confirm_subscription(ctx: Context, subscription_id: int) -> str:
    subscription = subscriptions.confirm(ctx, subscription_id)
    if subscription is None or subscription.status != "active":
        ctx.reply("subscribe_result", confirmed=False, filters={})
        return "subscription not confirmed"
    ctx.reply(
        "subscribe_result", confirmed=True, filters=_described(subscription.filters, ctx.language)
    )
    return f"subscription {subscription.id} confirmed"


def _described(filters: dict, lang: str) -> dict[str, str]:  # type: ignore[type-arg]
    """The filters in words, for the confirmation mail."""
    content = {
        "areas": filters.get("areas", []),
        "assistance": filters.get("assistance", []),
        "countries": filters.get("places", []),
    }
    view = RecordView.of(content, filters.get("kind") or "", lang)
    return {
        "kind": filters.get("kind") or "",
        "areas": view.areas,
        "assistance": view.assistance,
        "countries": view.countries,
    }


COMMAND = Command("SUBSCRIBE", subscribe, takes=ANYTHING, reads_text=True)
