"""Every message template, in English, French and Spanish, renders with what its callers pass.

The contexts below mirror the callers (grep `ctx.reply(`, `ctx.notify(` in bot/): a template that
needs a variable no caller gives fails here under StrictUndefined, in every language.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from jinja2 import meta

from bot import commands
from bot.calls.answers import Outcome, blocks
from bot.calls.campaign import StatusLine
from bot.channels.telegram.forms import search_places
from bot.channels.telegram.menu import commands_by_language
from bot.parsing.money import money
from bot.parsing.parser import MONEY_EXAMPLES, PERIOD_EXAMPLES, Problem, parse_submission
from bot.parsing.periods import period
from bot.records.review import Decision
from bot.records.views import RecordView, button_labels, place_name, vocabulary
from bot.render import LANGUAGES, TEMPLATES, environment, render, render_text
from bot.words import WORDS_FILE
from digests.render import Shown, entry_item
from store.actors import Actor

HELPERS = (
    "fields",
    "blank_template",
    "refill",
    "problem",
    "footer",
    "digest_entry",
    "register_how",
)
# Not messages but lines read by code: none are left (the Telegram menu is in
# bot/data/words.json, the buttons' labels in bot/locale).
LINES: tuple[str, ...] = ()
# Messages only ever sent in a Telegram chat (bot/channels/telegram/front.py, forms.py): no
# mail footer, since /help is one tap away there.
TELEGRAM_ONLY = ("callback_done", "form", "reject_reason", "telegram_welcome")
TWINS = tuple(lang for lang in LANGUAGES if lang != "en")
ROOT = Path(__file__).parents[2]

LAO = Actor(
    code="LAO",
    type="state_party",
    name="Lao People's Democratic Republic",
    name_fr="République démocratique populaire lao",
    name_es="República Democrática Popular Lao",
)
NPA = Actor(
    code="NPA",
    type="ngo_international",
    name="Norwegian People's Aid",
    name_fr="Aide populaire norvégienne",
    name_es="Ayuda Popular Noruega",
)
COL = Actor(code="COL", type="state_party", name="Colombia", name_fr="Colombie", name_es="Colombia")

NEED: dict[str, Any] = {
    "title": "Technical survey teams for two districts of Savannakhet",
    "countries": ["LAO"],
    "areas": ["art4.survey.technical", "art4.clearance"],
    "assistance": ["financial", "technical_expertise"],
    "amount": Decimal("250000"),
    "currency": "USD",
    "period_start": date(2027, 1, 1),
    "period_end": date(2027, 12, 31),
    "languages": ["en", "lo"],
    "reference": "National Strategic Plan 2021-2030",
    "description": "Two technical survey teams for Sepon and Vilabouly.\n"
    "Suspected hazardous areas from the 2024 non-technical survey.",
}
OFFER: dict[str, Any] = {
    "title": "Rehabilitation training for physiotherapists",
    "countries": ["region:035", "COL"],
    "areas": ["art5.rehabilitation", "art5.psychosocial_support"],
    "assistance": ["training_capacity_development", "technical_expertise"],
    "amount": Decimal("1200000"),
    "currency": "EUR",
    "period_start": date(2027, 3, 1),
    "period_end": date(2028, 2, 29),
    "languages": ["en", "fr", "es"],
    "reference": "",
    "description": "Six-week courses in Vientiane and Bogotá, with follow-up visits.",
}


def view(lang: str, kind: str = "need", status: str = "pending", **extra: str) -> RecordView:
    owner = LAO if kind == "need" else NPA
    return RecordView.of(
        NEED if kind == "need" else OFFER,
        kind,
        lang,
        public_id="N-2026-0001" if kind == "need" else "O-2026-0003",
        status=status,
        actor=owner.display_name(lang),
        **extra,
    )


def request(actor: Actor | None = COL, language: str = "es") -> SimpleNamespace:
    return SimpleNamespace(
        public_id="R-7",
        email="ana.perez@cancilleria.example",
        name="Ana Pérez",
        actor=actor,
        actor_text="Colombia" if actor else "Ministerio de Defensa",
        language=language,
        message="Name: Ana Pérez\nCountry: Colombia\nLanguage: español\n\n"
        "I am the new focal point of Colombia.",
    )


ALL_PROBLEMS = (
    Problem("type", "missing", "", ("need", "offer")),
    Problem("type", "unknown_value", "demande", ("need", "offer")),
    Problem("type", "conflict", "offer", ("need",)),
    Problem("actor", "missing", "", ("LAO", "NPA")),
    Problem("actor", "not_a_focal_point"),
    Problem("actor", "not_yours", "GICHD", ("LAO", "NPA")),
    Problem("title", "missing"),
    Problem("title", "too_long", "x" * 250),
    Problem("country", "not_own", "Thailand", ("Lao People's Democratic Republic",)),
    Problem("country", "invalid", "South-eastern Asia"),
    Problem("areas", "missing", "", ("clearance", "risk education", "technical survey")),
    Problem("areas", "unknown_value", "gardening", ("clearance", "risk education")),
    Problem("amount", "ambiguous", "100 to 200 USD", MONEY_EXAMPLES),
    Problem("amount", "invalid", "lots of money", MONEY_EXAMPLES),
    Problem("period", "invalid", "soon", PERIOD_EXAMPLES),
    Problem("languages", "invalid", "Klingon"),
    Problem("on_behalf_of", "not_allowed", "Lao PDR"),
    Problem("on_behalf_of", "unknown_value", "Atlantis"),
    Problem("template", "no_changes"),
    Problem("template", "no_fields"),
    Problem("description", "too_long", "x" * 20_001),
    Problem("reference", "too_long", "x" * 201),
    Problem("period", "invalid", "9" * 300, PERIOD_EXAMPLES),  # echoed cut at 200
)
SENT_FIELDS = {
    "type": "need",
    "actor": "LAO",
    "title": "Technical survey teams",
    "country": "Lao PDR",
    "areas": "technical survey, gardening",
    "assistance": "financial",
    "amount": "lots of money",
    "period": "2027-01 to 2027-12",
    "languages": "English",
    "reference": "",
    "description": "Two teams.\nSecond line.",
}


def help_context(lang: str, secretariat: bool) -> dict[str, Any]:
    words = vocabulary()
    return {
        "commands": commands.visible_to(secretariat),
        "areas": [words.area_label(code, lang) for code in words.area_codes],
        "assistance": [words.assistance_label(code, lang) for code in words.assistance_codes],
    }


def digest_context(
    lang: str, empty: bool = False, more: int = 0, site: bool = True
) -> dict[str, Any]:
    """What digests.render.digest_context gives the digest templates: each entry rendered by
    digest_entry.*.j2; `more` entries left out of every section (digests.caps), on the public
    site when there is one."""
    need, offer = view(lang, status="published"), view(lang, "offer", status="published")
    why_match = (
        ("areas", ("art4.survey.technical",)),
        ("assistance", ("technical_expertise",)),
        ("open_to_region", ("035", "LAO")),
        ("languages", ("en",)),
        ("period", ("2027",)),
        ("amount_partial", ("40",)),
        ("recent", ()),
    )
    entries: dict[str, list[dict[str, Any]]] = {
        "matches": [
            {"record": offer, "own": need, "score": 72, "why": why_match},
            {
                "record": offer,
                "own": need,
                "score": 55,
                "why": (("open_to_country", ("LAO",)), ("amount_covers", ())),
            },
            {"record": offer, "own": need, "score": 41, "why": (("open_to_any", ("LAO",)),)},
        ],
        "new": [
            {
                "record": need,
                "own": None,
                "score": 0,
                "why": (("areas", ("art4.clearance",)), ("places", ("LAO", "region:035"))),
            },
            {"record": offer, "own": None, "score": 0, "why": (("everything", ()),)},
        ],
        "gaps": [{"record": need, "own": None, "score": 0, "why": (("unmatched_weeks", ("8",)),)}],
        "renewal": [{"record": need, "own": None, "score": 0, "why": (("renew_by", ()),)}],
    }
    sections = {
        name: [] if empty else [entry_item(name, Shown(**item), lang) for item in items]
        for name, items in entries.items()
    }
    return {
        "period": "2026-W48",
        "sections": sections,
        "count": sum(len(items) + more for items in sections.values()),
        "more": {name: more for name in sections},
        "site": f"https://portal.test/{lang}/index.html" if site else "",
        "public_url": "https://portal.test" if site else "",
    }


def filters(lang: str, kind: str = "") -> dict[str, str]:
    """The filters in words, as bot.commands.subscribe._described gives them."""
    if not kind:
        return {"kind": "", "areas": "", "assistance": "", "countries": ""}
    shown = RecordView.of(
        {
            "areas": ["art4.clearance"],
            "assistance": ["financial"],
            "countries": ["LAO", "region:035"],
        },
        kind,
        lang,
    )
    return {
        "kind": kind,
        "areas": shown.areas,
        "assistance": shown.assistance,
        "countries": shown.countries,
    }


def call(**changes: Any) -> SimpleNamespace:
    """A call for information, as store.calls.Call gives it to the templates."""
    fields: dict[str, Any] = {
        "id": 3,
        "title": "Needs and offers before the 15th Meeting of States Parties",
        "message": "The Meeting of States Parties opens on 14 September 2027.",
        "deadline": date(2027, 8, 1),
    }
    return SimpleNamespace(**{**fields, **changes})


def call_records(lang: str) -> list[RecordView]:
    """The open records a call lists for an actor (bot.calls.campaign._mail)."""
    return [view(lang, status="published"), view(lang, "offer", status="awaiting_endorsement")]


def outcome(lang: str) -> Outcome:
    """Everything an answer to a call can do (bot.calls.answers.answer)."""
    return Outcome(
        created=[view(lang), view(lang, "offer")],
        updated=[(view(lang, status="published"), ["title", "period_start", "period_end"])],
        changed=[
            ("N-2026-0001", "renewed"),
            ("N-2026-0002", "fulfilled"),
            ("O-2026-0003", "withdrawn"),
        ],
        refused=[
            ("N-2026-0099", "not_found"),
            ("N-2026-0004", "pending"),
            ("O-2026-0005", "withdrawn"),
        ],
        problems=[
            ("Risk education in schools", [ALL_PROBLEMS[11], ALL_PROBLEMS[13]], SENT_FIELDS),
            ("need", [ALL_PROBLEMS[6], ALL_PROBLEMS[10]], {"description": "Two teams."}),
            ("N-2026-0001", [ALL_PROBLEMS[14]], {}),
        ],
    )


def form(step: str, kind: str = "need", **data: Any) -> Context:
    """What bot.channels.telegram.forms gives the form template at `step`.

    The form's own data (telegram.forms.start) plus `data`; at the summary, the RecordView
    of the answers (bot.channels.telegram.forms.ask: no public id, status or actor yet).
    """

    def context(lang: str) -> dict[str, Any]:
        answers: dict[str, Any] = {"areas": [], "assistance": [], "countries": [], **data}
        if step == "summary":
            answers["view"] = RecordView.of(NEED if kind == "need" else OFFER, kind, lang)
        return {"step": step, "kind": kind, "data": answers}

    return context


def form_reply(step: str, **data: Any) -> Context:
    """The form replies given without the form's data: ctx.reply("form", step=..., data={...})."""
    kind = "" if step in ("expired", "cancelled") else data.pop("kind", "need")
    return lambda lang: {"step": step, "kind": kind, "data": dict(data)}


def telegram_person(lang: str, name: str | None = "Vong Saysana") -> SimpleNamespace:
    """The person just linked (telegram/front.py _start: ctx.person = the linked person)."""
    return SimpleNamespace(name=name, email="vong@nra.example", language=lang)


STATUS_LINES = [
    StatusLine("LAO", "vong@nra.example", "updated", datetime(2027, 7, 2, 9, 30)),
    StatusLine("LBN", "rana@lmac.example", "no_change", datetime(2027, 7, 3, 14, 0)),
    StatusLine("COL", "ana.perez@cancilleria.example", "answered", datetime(2027, 7, 4, 8, 0)),
    StatusLine("NPA", "kari@npaid.example", "silent", None),
    StatusLine("NOR", "old.desk@mfa.example", "unreachable", None),
    StatusLine("NPA", "deputy@npaid.example", "not_sent", None),
    StatusLine("TCD", "-", "no_focal_point", None),
]


Context = Callable[[str], dict[str, Any]]
# (case id, template, context in a language): every branch a caller can reach.
CASES: list[tuple[str, str, Context]] = [
    (
        "call",
        "call",
        lambda lg: {
            "call": call(),
            "actor": LAO.display_name(lg),
            "reminder": False,
            "records": call_records(lg),
        },
    ),
    (
        "call-reminder-nothing-yet",
        "call",
        lambda lg: {
            "call": call(message="", deadline=None),
            "actor": COL.display_name(lg),
            "reminder": True,
            "records": [],
            "person": SimpleNamespace(name=None, language=lg),
        },
    ),
    (
        "call-reminder",
        "call",
        lambda lg: {
            "call": call(),
            "actor": LAO.display_name(lg),
            "reminder": True,
            "records": call_records(lg)[:1],
        },
    ),
    (
        "call_receipt",
        "call_receipt",
        lambda lg: {"call": call(), "actor": LAO.display_name(lg), "outcome": outcome(lg)},
    ),
    (
        "call_receipt-nothing",
        "call_receipt",
        lambda lg: {"call": call(), "actor": LAO.display_name(lg), "outcome": Outcome()},
    ),
    (
        "call_forwarded_confirm",
        "call_forwarded_confirm",
        lambda lg: {
            "call": call(),
            "sender": "deputy@nra.example",
            "actor": LAO.display_name(lg),
            "text": "RENEW N-2026-0001\n\nType: need\nTitle: Victim assistance in Xieng Khouang",
        },
    ),
    (
        "call_forwarded_received",
        "call_forwarded_received",
        lambda lg: {"call": call(), "owner": "vong@nra.example", "actor": LAO.display_name(lg)},
    ),
    (
        "call_status",
        "call_status",
        lambda lg: {
            "call": call(),
            "lines": STATUS_LINES,
            "answered": 3,
            "asked": len(STATUS_LINES),
            "number": "3",
        },
    ),
    (
        "call_status-no-deadline",
        "call_status",
        lambda lg: {
            "call": call(deadline=None),
            "lines": STATUS_LINES[3:4],
            "answered": 0,
            "asked": 1,
            "number": "3",
        },
    ),
    (
        "call_status-no-such-call",
        "call_status",
        lambda lg: {"call": None, "lines": [], "answered": 0, "asked": 0, "number": "42"},
    ),
    (
        "cannot_change-withdrawn",
        "cannot_change",
        lambda lg: {"view": view(lg, status="fulfilled"), "change": "withdrawn"},
    ),
    (
        "cannot_change-renewed-offer",
        "cannot_change",
        lambda lg: {"view": view(lg, "offer", status="awaiting_endorsement"), "change": "renewed"},
    ),
    (
        "cannot_change-updated",
        "cannot_change",
        lambda lg: {"view": view(lg, "offer", status="expired"), "change": "updated"},
    ),
    ("digest", "digest", digest_context),
    ("digest-empty", "digest", lambda lg: digest_context(lg, empty=True)),
    ("digest-more", "digest", lambda lg: digest_context(lg, more=12)),
    ("digest-more-no-site", "digest", lambda lg: digest_context(lg, more=1, site=False)),
    (
        "endorse_result-endorsed",
        "endorse_result",
        lambda lg: {"outcome": "endorsed", "public_id": "N-2026-0001"},
    ),
    (
        "endorse_result-declined",
        "endorse_result",
        lambda lg: {"outcome": "declined", "public_id": "N-2026-0001"},
    ),
    (
        "endorsed",
        "endorsed",
        lambda lg: {"view": view(lg), "state": LAO.display_name(lg), "reason": ""},
    ),
    (
        "endorsement_declined",
        "endorsement_declined",
        lambda lg: {
            "view": view(lg, status="rejected"),
            "state": LAO.display_name(lg),
            "reason": "This survey is already funded by the national budget.",
        },
    ),
    (
        "endorsement_declined-no-reason",
        "endorsement_declined",
        lambda lg: {
            "view": view(lg, status="rejected"),
            "state": LAO.display_name(lg),
            "reason": "",
        },
    ),
    (
        "endorsement_request",
        "endorsement_request",
        lambda lg: {
            "view": view(lg, status="awaiting_endorsement"),
            "submitter": NPA.display_name(lg),
            "state": LAO.display_name(lg),
        },
    ),
    (
        "expired",
        "expired",
        lambda lg: {"view": view(lg, status="expired"), "expires": "2026-11-27"},
    ),
    (
        "expired-offer",
        "expired",
        lambda lg: {"view": view(lg, "offer", status="expired"), "expires": "2026-11-27"},
    ),
    (
        "fulfilled",
        "fulfilled",
        lambda lg: {"view": view(lg, status="fulfilled"), "note": "funded by Norway"},
    ),
    (
        "fulfilled-no-note",
        "fulfilled",
        lambda lg: {"view": view(lg, status="fulfilled"), "note": ""},
    ),
    ("help", "help", lambda lg: help_context(lg, secretariat=False)),
    ("help-secretariat", "help", lambda lg: help_context(lg, secretariat=True)),
    ("list-not-registered", "list", lambda lg: {"records": [], "actors": []}),
    ("list-empty", "list", lambda lg: {"records": [], "actors": [LAO.display_name(lg)]}),
    (
        "list",
        "list",
        lambda lg: {
            "records": [view(lg, status=s) for s in ("awaiting_endorsement", "published")]
            + [view(lg, "offer", status=s) for s in ("pending", "withdrawn", "expired")],
            "actors": [LAO.display_name(lg), NPA.display_name(lg)],
        },
    ),
    ("no_such_record", "no_such_record", lambda lg: {"public_id": "N-2026-0042"}),
    (
        "draft",
        "draft",
        lambda lg: {
            "fields": {**view(lg).as_fields(), "amount": "", "period": ""},
            "blank": ("amount", "period"),
            "kind": "need",
            "unregistered": False,
            "sender": "vong@nra.example",
        },
    ),
    (
        "draft-nothing-blank-kind-unknown",
        "draft",
        lambda lg: {
            "fields": {**view(lg).as_fields(), "title": ""},
            "blank": (),
            "kind": "",
            "unregistered": False,
            "sender": "vong@nra.example",
        },
    ),
    (
        "draft-to-an-unregistered-sender",
        "draft",
        lambda lg: {
            "fields": {**view(lg).as_fields(), "country": ""},
            "blank": ("country",),
            "kind": "need",
            "unregistered": True,
            "sender": "stranger@elsewhere.example",
            "person": None,
        },
    ),
    (
        "draft_already",
        "draft_already",
        lambda lg: {"public_id": "N-2026-0001", "title": "Technical survey teams"},
    ),
    ("no_such_record-unnamed", "no_such_record", lambda lg: {"public_id": ""}),
    (
        "parse_error",
        "parse_error",
        lambda lg: {
            "problems": list(ALL_PROBLEMS),
            "fields": SENT_FIELDS,
            "kind": "need",
            "subject": "NEED",
            "public_id": "",
        },
    ),
    (
        "parse_error-one",
        "parse_error",
        lambda lg: {
            "problems": [ALL_PROBLEMS[0]],
            "fields": {"title": "Survey"},
            "kind": None,
            "subject": "",
            "public_id": "",
        },
    ),
    (
        "parse_error-update",
        "parse_error",
        lambda lg: {
            "problems": [ALL_PROBLEMS[13], ALL_PROBLEMS[14]],
            "fields": {**view(lg).as_fields(), "amount": "lots of money"},
            "kind": "need",
            "subject": "Re: Received: N-2026-0001",
            "public_id": "N-2026-0001",
        },
    ),
    (
        "pending_for_secretariat",
        "pending_for_secretariat",
        lambda lg: {
            "view": view(lg),
            "actor": LAO.display_name(lg),
            "on_behalf_of": "",
            "revision": False,
            "submitter": "vong@nra.example (person 1)",
        },
    ),
    (
        "pending_for_secretariat-on-behalf",
        "pending_for_secretariat",
        lambda lg: {
            "view": view(lg),
            "actor": NPA.display_name(lg),
            "on_behalf_of": LAO.display_name(lg),
            "revision": False,
            "submitter": "vong@nra.example (person 1)",
        },
    ),
    (
        "pending_for_secretariat-revision",
        "pending_for_secretariat",
        lambda lg: {
            "view": view(lg, "offer", status="published"),
            "actor": NPA.display_name(lg),
            "on_behalf_of": "",
            "revision": True,
            "submitter": "kari@npaid.example (person 3)",
        },
    ),
    (
        "pending_list-empty",
        "pending_list",
        lambda lg: {"records": [], "changes": [], "requests": []},
    ),
    (
        "pending_list",
        "pending_list",
        lambda lg: {
            "records": [view(lg)],
            "changes": [view(lg, "offer", status="published")],
            "requests": [request(), request(actor=None)],
        },
    ),
    ("processing_failed", "processing_failed", lambda lg: {"subject": "NEED"}),
    ("processing_failed-no-subject", "processing_failed", lambda lg: {"subject": ""}),
    *(
        (
            f"unreadable-{problem}",
            "unreadable",
            lambda lg, p=problem, n=limit: {"problem": p, "limit": n},
        )
        for problem, limit in (
            ("parts", 200),
            ("depth", 25),
            ("header_line", 65_536),
            ("header", 524_288),
            ("structure", 0),
        )
    ),
    (
        "published",
        "published",
        lambda lg: {
            "view": view(lg, status="published"),
            "actor": LAO.display_name(lg),
            "reason": "",
        },
    ),
    (
        "published-offer",
        "published",
        lambda lg: {
            "view": view(lg, "offer", status="published"),
            "actor": NPA.display_name(lg),
            "reason": "",
        },
    ),
    (
        "receipt",
        "receipt",
        lambda lg: {
            "view": view(lg),
            "actor": LAO.display_name(lg),
            "attachments": [],
            "on_behalf_of": "",
            "asked": 0,
        },
    ),
    (
        "receipt-offer-attachments",
        "receipt",
        lambda lg: {
            "view": view(lg, "offer"),
            "actor": NPA.display_name(lg),
            "attachments": ["budget.xlsx", "map.pdf"],
            "on_behalf_of": "",
            "asked": 0,
        },
    ),
    (
        "receipt-on-behalf-asked",
        "receipt",
        lambda lg: {
            "view": view(lg, status="awaiting_endorsement"),
            "actor": NPA.display_name(lg),
            "attachments": [],
            "on_behalf_of": LAO.display_name(lg),
            "asked": 2,
        },
    ),
    (
        "receipt-on-behalf-nobody",
        "receipt",
        lambda lg: {
            "view": view(lg, status="awaiting_endorsement"),
            "actor": NPA.display_name(lg),
            "attachments": [],
            "on_behalf_of": LAO.display_name(lg),
            "asked": 0,
        },
    ),
    ("register_already", "register_already", lambda lg: {"actors": [LAO.display_name(lg)]}),
    ("register_received", "register_received", lambda lg: {"request": request(), "again": False}),
    (
        "register_received-again-no-actor",
        "register_received",
        lambda lg: {"request": request(actor=None, language="fr"), "again": True},
    ),
    ("registration_approved", "registration_approved", lambda lg: {"actor": COL.display_name(lg)}),
    (
        "registration_for_secretariat",
        "registration_for_secretariat",
        lambda lg: {"request": request()},
    ),
    (
        "registration_for_secretariat-no-actor",
        "registration_for_secretariat",
        lambda lg: {"request": request(actor=None)},
    ),
    (
        "registration_result-approved",
        "registration_result",
        lambda lg: {"outcome": "approved", "request": request()},
    ),
    (
        "registration_result-declined",
        "registration_result",
        lambda lg: {"outcome": "declined", "request": request()},
    ),
    (
        "registration_result-needs_actor",
        "registration_result",
        lambda lg: {
            "outcome": "needs_actor",
            "request": request(actor=None),
            "detail": "name the actor: APPROVE R-7 LAO",
        },
    ),
    (
        "registration_result-not_found",
        "registration_result",
        lambda lg: {"outcome": "not_found", "request": None},
    ),
    (
        "rejected",
        "rejected",
        lambda lg: {
            "view": view(lg, status="rejected"),
            "actor": LAO.display_name(lg),
            "reason": "The amount is missing its currency.",
        },
    ),
    ("renewed", "renewed", lambda lg: {"view": view(lg, status="published"), "note": ""}),
    (
        "renewal_reminder",
        "renewal_reminder",
        lambda lg: {"view": view(lg, status="published"), "expires": "2026-12-27"},
    ),
    (
        "review_result-confirmed",
        "review_result",
        lambda lg: {
            "verb": "confirmed",
            "results": [
                Decision("N-2026-0001", "published", "published"),
                Decision("O-2026-0003", "nothing_pending", "awaiting_endorsement"),
                Decision("N-2026-0099", "not_found"),
            ],
        },
    ),
    (
        "review_result-rejected",
        "review_result",
        lambda lg: {
            "verb": "rejected",
            "results": [Decision("N-2026-0001", "rejected", "rejected")],
        },
    ),
    ("review_usage-confirm", "review_usage", lambda lg: {"verb": "confirm"}),
    ("review_usage-reject", "review_usage", lambda lg: {"verb": "reject"}),
    ("review_usage-call-status", "review_usage", lambda lg: {"verb": "call status"}),
    ("show", "show", lambda lg: {"view": view(lg, status="published"), "pending_change": True}),
    (
        "show-pending",
        "show",
        lambda lg: {
            "view": view(lg, "offer", status="awaiting_endorsement"),
            "pending_change": False,
        },
    ),
    (
        "parse_error-subscription",
        "parse_error",
        lambda lg: {
            "problems": [Problem("areas", "unknown_value", "gardening", ("clearance",))],
            "fields": {},
            "kind": "subscription",
            "subject": "SUBSCRIBE",
            "public_id": "",
        },
    ),
    ("subscribe_confirm", "subscribe_confirm", lambda lg: {"filters": filters(lg, "need")}),
    ("subscribe_confirm-everything", "subscribe_confirm", lambda lg: {"filters": filters(lg)}),
    (
        "subscribe_result",
        "subscribe_result",
        lambda lg: {"confirmed": True, "filters": filters(lg, "offer")},
    ),
    (
        "subscribe_result-everything",
        "subscribe_result",
        lambda lg: {"confirmed": True, "filters": filters(lg)},
    ),
    (
        "subscribe_result-not-confirmed",
        "subscribe_result",
        lambda lg: {"confirmed": False, "filters": {}},
    ),
    ("token_refused-forwarded", "token_refused", lambda lg: {"problem": "forwarded"}),
    ("token_refused-expired", "token_refused", lambda lg: {"problem": "expired"}),
    ("token_refused-altered", "token_refused", lambda lg: {"problem": "altered"}),
    (
        "unregistered",
        "unregistered",
        lambda lg: {"sender": "someone@ministry.example", "problems": []},
    ),
    (
        "unregistered-with-problems",
        "unregistered",
        lambda lg: {"sender": "someone@ministry.example", "problems": list(ALL_PROBLEMS[:2])},
    ),
    ("unsubscribed", "unsubscribed", lambda lg: {"ended": 1}),
    ("unsubscribed-nothing", "unsubscribed", lambda lg: {"ended": 0}),
    (
        "update_receipt-published",
        "update_receipt",
        lambda lg: {
            "view": view(lg, status="published"),
            "status": "published",
            "changed": ["title", "period_start", "period_end"],
        },
    ),
    (
        "update_receipt-endorsement",
        "update_receipt",
        lambda lg: {
            "view": view(lg, status="awaiting_endorsement"),
            "status": "awaiting_endorsement",
            "changed": ["amount", "currency"],
        },
    ),
    (
        "update_receipt-pending",
        "update_receipt",
        lambda lg: {"view": view(lg, "offer"), "status": "pending", "changed": ["countries"]},
    ),
    (
        "update_receipt-nothing",
        "update_receipt",
        lambda lg: {"view": view(lg), "status": "pending", "changed": []},
    ),
    (
        "withdrawn",
        "withdrawn",
        lambda lg: {"view": view(lg, status="withdrawn"), "note": "the survey was cancelled"},
    ),
    (
        "withdrawn-no-note",
        "withdrawn",
        lambda lg: {"view": view(lg, status="withdrawn"), "note": ""},
    ),
    # ---- Telegram (bot/channels/telegram/front.py, forms.py) and LINK by email ----
    ("form-title-need", "form", form("title")),
    ("form-title-offer", "form", form("title", "offer")),
    ("form-countries", "form", form("countries", "offer")),
    (
        "form-countries-chosen",
        "form",
        form("countries", "offer", title="Training", countries=["LBN", "region:035"]),
    ),
    ("form-areas", "form", form("areas", "need", areas=["art4.clearance"])),
    ("form-assistance", "form", form("assistance", "offer", countries=["any"])),
    ("form-amount", "form", form("amount", "need", assistance=["financial"])),
    ("form-period", "form", form("period", "offer", amount="250000 USD")),
    ("form-description", "form", form("description", "need", period="2027")),
    ("form-summary-need", "form", form("summary", "need")),
    ("form-summary-offer", "form", form("summary", "offer")),
    ("form-expired", "form", form_reply("expired")),
    ("form-cancelled", "form", form_reply("cancelled")),
    ("form-not_understood", "form", form_reply("not_understood", value="lots of money")),
    (
        "form-choose_place",
        "form",
        form_reply("choose_place", kind="offer", value="Leb"),
    ),
    ("form-edit-need", "form", form_reply("edit")),
    ("form-edit-offer", "form", form_reply("edit", kind="offer")),
    (
        "telegram_welcome-linked",
        "telegram_welcome",
        lambda lg: {
            "linked": True,
            "code_given": True,
            "person": telegram_person(lg),
            "actors": [LAO.display_name(lg), NPA.display_name(lg)],
        },
    ),
    (
        "telegram_welcome-linked-no-name-no-actor",
        "telegram_welcome",
        lambda lg: {
            "linked": True,
            "code_given": True,
            "person": telegram_person(lg, name=None),
            "actors": [],
        },
    ),
    (
        "telegram_welcome-known",
        "telegram_welcome",
        lambda lg: {"linked": False, "code_given": False, "actors": [LAO.display_name(lg)]},
    ),
    (
        "telegram_welcome-bad-code",
        "telegram_welcome",
        lambda lg: {"linked": False, "code_given": True, "person": None, "actors": []},
    ),
    (
        "telegram_welcome-stranger",
        "telegram_welcome",
        lambda lg: {"linked": False, "code_given": False, "person": None, "actors": []},
    ),
    ("reject_reason", "reject_reason", lambda lg: {"public_id": "N-2026-0001"}),
    *[
        (
            f"callback_done-{outcome}",
            "callback_done",
            lambda lg, outcome=outcome: {"outcome": outcome, "public_id": "N-2026-0001"},
        )
        for outcome in ("published", "nothing_pending", "not_allowed", "not_found")
    ],
    ("link_code", "link_code", lambda lg: {"code": "K7QX2MPA"}),
    (
        "contact_request",
        "contact_request",
        lambda lg: {
            "view": view(lg, status="published"),
            "sender": "donor@ministry.example",
            "message": "We could fund two teams.",
        },
    ),
    (
        "contact_request-empty",
        "contact_request",
        lambda lg: {
            "view": view(lg, status="published"),
            "sender": "donor@ministry.example",
            "message": "",
        },
    ),
    ("contact_sent", "contact_sent", lambda lg: {"view": view(lg, status="published")}),
    ("spoofed_mail", "spoofed_mail", lambda lg: {"subject": "NEED: Technical survey teams"}),
    ("spoofed_mail-no-subject", "spoofed_mail", lambda lg: {"subject": ""}),
    ("ambiguous_from", "ambiguous_from", lambda lg: {"subject": "WITHDRAW N-2026-0001"}),
    (
        "address_bouncing",
        "address_bouncing",
        lambda lg: {
            "colleague": SimpleNamespace(name="Vong Saysana"),
            "address": "vong@nra.example",
            "actors": ["Lao PDR"],
            "reason": "5.1.1 550 5.1.1 <vong@nra.example>: User unknown",
        },
    ),
    (
        "address_bouncing-no-name-no-actor-no-reason",
        "address_bouncing",
        lambda lg: {
            "colleague": SimpleNamespace(name=""),
            "address": "isu-old@ccm.example",
            "actors": [],
            "reason": "",
        },
    ),
    (
        "address_bouncing-two-actors",
        "address_bouncing",
        lambda lg: {
            "colleague": SimpleNamespace(name="Kari Nordmann"),
            "address": "kari@npaid.example",
            "actors": ["NPA", "Norway"],
            "reason": "5.1.10 RESOLVER.ADR.RecipientNotFound",
        },
    ),
    (
        "colleague_bouncing",
        "colleague_bouncing",
        lambda lg: {
            "colleague": SimpleNamespace(name="Vong Saysana"),
            "address": "vong@nra.example",
            "actor": "Lao PDR",
        },
    ),
    (
        "colleague_bouncing-no-names",
        "colleague_bouncing",
        lambda lg: {
            "colleague": SimpleNamespace(name=""),
            "address": "vong@nra.example",
            "actor": "Lao PDR",
            "person": SimpleNamespace(name="", language=lg),
        },
    ),
    (
        "sending_refused",
        "sending_refused",
        lambda lg: {
            "address": "vong@nra.example",
            "status": "5.7.1",
            "reason": "550 5.7.1 Unauthenticated email from portal.test is not accepted due to "
            "domain's DMARC policy",
        },
    ),
    (
        "sending_refused-no-reason",
        "sending_refused",
        lambda lg: {"address": "vong@nra.example", "status": "5.7.26", "reason": ""},
    ),
]


def common(lang: str) -> dict[str, Any]:
    """What Context.common() gives every template."""
    return {
        "bot_name": "Cooperation Portal",
        "submit_address": "submit@portal.test",
        "secretariat_name": "Implementation Support Unit",
        "person": SimpleNamespace(name="Vong Saysana", language=lang),
    }


def text_of(template: str, lang: str, context: Context) -> str:
    """The whole message as render() reads it (subject line, blank line, body).

    A case may give its own `person` (one without a name, say) instead of the common one.
    """
    return render_text(f"{template}.txt.j2", lang, **{**common(lang), **context(lang)})


def split(text: str) -> tuple[str, str]:
    subject, _, body = text.partition("\n\n")
    return subject, body


def english_templates() -> list[str]:
    return sorted(p.name.removesuffix(".txt.j2") for p in (TEMPLATES / "en").glob("*.txt.j2"))


def message_templates() -> list[str]:
    return [name for name in english_templates() if name not in HELPERS + LINES]


# ---- every template has its twins, with the same variables --------------------------------


def test_every_english_template_has_a_french_and_a_spanish_twin() -> None:
    missing = [
        f"{lang}/{name}.txt.j2"
        for name in english_templates()
        for lang in TWINS
        if not (TEMPLATES / lang / f"{name}.txt.j2").is_file()
    ]
    assert not missing, f"templates without their translation: {missing}"
    assert len(message_templates()) > 20


def test_templates_live_in_a_folder_per_language() -> None:
    """bot/templates/LANG/NAME.txt.j2: nothing left at the top, no other folder than the site's."""
    assert sorted(p.name for p in TEMPLATES.iterdir() if p.is_file()) == []
    assert sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir()) == sorted([*LANGUAGES, "site"])
    assert not [p.name for lang in LANGUAGES for p in (TEMPLATES / lang).rglob("*.*.*.j2")]


def test_every_template_is_installed_with_the_package() -> None:
    """pyproject.toml's package data names every template and catalog (a wheel carries them)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["bot"]
    package = ROOT / "bot"
    shown = [*TEMPLATES.rglob("*"), *(package / "locale").rglob("*.po")]
    files = [p.relative_to(package) for p in shown if p.is_file()]
    assert [f for f in files if not any(f.match(pattern) for pattern in patterns)] == []
    assert len(files) > 180
    assert Path("locale/fr/LC_MESSAGES/portal.po") in files


def test_no_translation_without_its_english_template() -> None:
    english = set(english_templates())
    orphans = [p.name for p in TEMPLATES.glob("*/*.txt.j2") if p.name.split(".")[0] not in english]
    assert not orphans


@pytest.mark.parametrize("lang", TWINS)
@pytest.mark.parametrize("name", english_templates())
def test_a_translation_uses_the_variables_of_its_english_template(name: str, lang: str) -> None:
    def variables(language: str) -> set[str]:
        source = (TEMPLATES / language / f"{name}.txt.j2").read_text(encoding="utf-8")
        return meta.find_undeclared_variables(environment().parse(source))

    assert variables(lang) == variables("en")


def test_every_message_template_has_a_case_here() -> None:
    """A new English template needs a context below, so that its translations are tried too."""
    assert sorted({template for _, template, _ in CASES}) == message_templates()


# ---- every message renders in every language ----------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("case", "template", "context"), CASES, ids=[c[0] for c in CASES])
def test_a_message_renders(case: str, template: str, context: Context, lang: str) -> None:
    assert (TEMPLATES / lang / f"{template}.txt.j2").is_file()
    text = text_of(template, lang, context)
    subject, body = split(text)
    assert subject.strip() and "\n" not in subject.strip("\n"), subject
    assert body.strip()
    assert "{{" not in text and "{%" not in text and "}}" not in text
    if template in TELEGRAM_ONLY:
        assert "\n-- \n" not in body
    else:
        assert "\n-- \nCooperation Portal · submit@portal.test · " in body  # the footer, once
        assert body.count("\n-- \n") == 1
    if lang != "en":
        english = text_of(template, "en", context)
        assert split(english)[1] != body
        # The same layout: the same lines, blank where the English one is blank.
        assert [bool(line.strip()) for line in text.splitlines()] == [
            bool(line.strip()) for line in english.splitlines()
        ]


@pytest.mark.parametrize("lang", TWINS)
def test_status_and_kind_words_are_translated(lang: str) -> None:
    context = next(c for case, _, c in CASES if case == "list")
    body = split(text_of("list", lang, context))[1]
    for english in ("awaiting endorsement", " pending ", " published ", " withdrawn ", "expired"):
        assert english not in body
    shown = split(
        text_of(
            "show",
            lang,
            lambda lg: {"view": view(lg, status="awaiting_endorsement"), "pending_change": False},
        )
    )[1]
    assert "awaiting" not in shown
    assert "Type: need" not in shown and "Tipo: need" not in shown


# ---- what people send back must parse -------------------------------------------------------

ALL_FIELDS = {
    "type",
    "actor",
    "title",
    "country",
    "areas",
    "assistance",
    "amount",
    "period",
    "languages",
    "reference",
    "description",
}


@pytest.mark.parametrize("kind", ["need", "offer"])
def test_a_records_fields_parse_back_to_the_same_record_in_every_language(kind: str) -> None:
    content = NEED if kind == "need" else OFFER
    found = {}
    for lang in LANGUAGES:
        shown = render_text("fields.txt.j2", lang, view=view(lang, kind))
        result = parse_submission(shown)
        assert result.ok, (lang, result.problems)
        submission = result.submission
        found[lang] = set(submission.fields)
        assert submission.kind == kind
        assert submission.title == content["title"]
        assert submission.countries == tuple(content["countries"])
        assert submission.areas == tuple(content["areas"])
        assert submission.assistance == tuple(content["assistance"])
        assert (submission.amount, submission.currency) == (content["amount"], content["currency"])
        assert (submission.period_start, submission.period_end) == (
            content["period_start"],
            content["period_end"],
        )
        assert submission.languages == tuple(content["languages"])
        assert submission.description == content["description"]
    assert found["en"] == ALL_FIELDS
    assert found["fr"] == found["en"] == found["es"]


@pytest.mark.parametrize("kind", ["need", "offer"])
def test_the_blank_template_has_the_same_labels_in_every_language(kind: str) -> None:
    found = {}
    for lang in LANGUAGES:
        blank = render_text("blank_template.txt.j2", lang, kind=kind)
        submission = parse_submission(blank).submission
        assert submission.kind == kind
        found[lang] = set(submission.fields)
    assert found["en"] == ALL_FIELDS - {"actor"}
    assert found["fr"] == found["en"] == found["es"]


def test_the_refilled_template_parses_back_with_the_same_fields_in_every_language() -> None:
    sent = {**SENT_FIELDS, "on_behalf_of": "Lao PDR"}
    found = {}
    for lang in LANGUAGES:
        refill = render_text("refill.txt.j2", lang, fields=sent)
        submission = parse_submission(refill).submission
        found[lang] = submission.fields
        assert submission.kind == "need"
    assert set(found["en"]) == ALL_FIELDS | {"on_behalf_of"}
    for lang in TWINS:
        assert found[lang] == {**found["en"], "type": found[lang]["type"]}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_template_in_a_parse_error_reply_parses_back(lang: str) -> None:
    context = next(c for case, _, c in CASES if case == "parse_error-update")
    body = split(text_of("parse_error", lang, context))[1]
    refilled = body[body.index("\n\n", body.index("\n- ")) :]  # after the problems
    submission = parse_submission(refilled).submission
    assert set(submission.fields) == ALL_FIELDS - {"actor"}
    assert submission.fields["amount"] == "lots of money"


_RECORD_LINE = re.compile(r"^\s*(?:record|fiche|ficha)\s*:", re.IGNORECASE)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_call_mail_gives_back_one_block_per_record_and_two_blank_templates(lang: str) -> None:
    """bot.calls.answers reads a reply to the call (quoted or not) block by block."""
    context = next(c for case, _, c in CASES if case == "call")
    records = context(lang)["records"]
    body = split(text_of("call", lang, context))[1]
    found = blocks(body)
    assert [public_id for public_id, _ in found] == [r.public_id for r in records] + [None, None]
    for (_, text), record in zip(found, records, strict=False):
        lines = text.splitlines()
        if lines and _RECORD_LINE.match(lines[0]):
            lines = lines[1:]  # the "Record:" line, should blocks() ever keep it
        submission = parse_submission("\n".join(lines)).submission
        assert submission.title == record.title
        assert submission.description == record.description  # no heading of the mail after it
    quoted = "\n".join("> " + line for line in body.splitlines())
    assert blocks(quoted) == found
    blanks = [parse_submission(text).submission for _, text in found[len(records) :]]
    assert [blank.kind for blank in blanks] == ["need", "offer"]
    # bot.calls.answers._new skips a blank template only when nothing but its type is filled in.
    assert [{k: v for k, v in b.fields.items() if v.strip() and k != "type"} for b in blanks] == [
        {},
        {},
    ]


# ---- the command words a message mentions are words the bot reads ------------------------

_MENTIONED = re.compile(
    r"\((?:ou|o|u) «?\s*([A-ZÀ-Ý]{3,})"  # "(ou AIDE)", "(o «ACTUALIZAR N-…»)"
    r"|\b(?:mot|palabra) ([A-ZÀ-Ý]{3,}) (?:ou|o|u) ([A-ZÀ-Ý]{3,})"
    r"|^\s*([A-Z]{3,}) [A-Z]-"  # an example line: "    CONFIRM N-2026-0001"
    r"|(?:envoyez|Envoyez|envíe|Envíe|Écrivez|Escriba|répondez|responda) ([A-Z]{3,})\b",
    re.MULTILINE,
)


@pytest.mark.parametrize("lang", TWINS)
def test_the_command_words_in_the_translations_are_commands(lang: str) -> None:
    seen = set()
    for _, template, context in CASES:
        for words in _MENTIONED.findall(text_of(template, lang, context)):
            for word in filter(None, words):
                assert commands.find(word) is not None, (template, word)
                seen.add(word)
    assert len(seen) > 10


# Upper-case words a command reads after its own word: "CALL STATUS id" (bot/commands/call.py).
_ARGUMENT_WORDS = frozenset({"STATUS"})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_help_lists_the_commands_with_words_that_call_them(lang: str) -> None:
    body = split(text_of("help", lang, lambda lg: help_context(lg, secretariat=True)))[1]
    for command in commands.COMMANDS:
        (line,) = [ln for ln in body.splitlines() if ln.startswith(f"  {command.name} ")]
        usage = line[2:].split("  ")[0]
        for word in re.findall(r"\b[A-ZÀ-Ý]{3,}\b", usage):
            if word in _ARGUMENT_WORDS:
                continue
            assert commands.find(word) is command, (line, word)
    public = split(text_of("help", lang, lambda lg: help_context(lg, secretariat=False)))[1]
    assert "CONFIRM" not in public and "APPROVE" not in public


# ---- Telegram: the form, its buttons, button answers and the command menu -----------------


def _form_text(lang: str, case: str) -> str:
    context = next(c for name, _, c in CASES if name == case)
    return text_of("form", lang, context)


def _lines_of(name: str, lang: str) -> list[str]:
    text = (TEMPLATES / lang / f"{name}.txt.j2").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def test_the_form_buttons_have_the_same_keys_in_every_language() -> None:
    """Their labels come from the bot/locale catalogs (tests/bot/test_locale.py checks those)."""
    keys = {}
    for lang in LANGUAGES:
        labels = button_labels(lang)
        keys[lang] = list(labels)
        assert len(keys[lang]) == 14
        for key, label in labels.items():
            assert label.strip() == label and 0 < len(label) <= 20, (lang, key, label)
    assert keys["fr"] == keys["en"] == keys["es"]
    assert {"done", "skip", "submit", "edit", "cancel", "confirm", "reject"} <= set(keys["en"])
    assert button_labels("fr") != button_labels("en") != button_labels("es")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_form_names_the_buttons_it_shows(lang: str) -> None:
    """bot.channels.telegram.forms._buttons: Done at the lists, Skip at the optional fields."""
    labels = button_labels(lang)
    for case in ("form-countries", "form-areas", "form-assistance", "form-choose_place"):
        assert labels["done"] in split(_form_text(lang, case))[1], case
    for case in ("form-amount", "form-period"):
        assert labels["skip"] in split(_form_text(lang, case))[1], case


_QUOTED = re.compile(r'"([^"]+)"|«\s*([^»]+?)\s*»')


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_examples_of_the_form_are_answers_it_accepts(lang: str) -> None:
    """What telegram.forms.answer_text does with a typed answer, in the user's language."""

    def examples(case: str) -> list[str]:
        found = [a or b for a, b in _QUOTED.findall(split(_form_text(lang, case))[1])]
        assert found, case
        return found

    for example in examples("form-amount"):
        money(example)
    for example in examples("form-period"):
        period(example)
    countries = examples("form-countries")
    any_country = place_name("any", lang)
    places = [place for place in countries if place != any_country]
    assert len(places) == 2, countries
    for place in places:
        assert place in [name for _, name in search_places(place, lang)], (lang, place)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("outcome", ["published", "nothing_pending", "not_allowed", "not_found"])
def test_a_button_answer_fits_in_telegram(outcome: str, lang: str) -> None:
    """telegram.front._answer_button sends the body; Telegram shows at most 200 characters."""
    _, body = render(
        "callback_done", lang, **common(lang), outcome=outcome, public_id="N-2026-0001"
    )
    assert 0 < len(body.strip()) <= 200, body


def _menu(lang: str) -> list[tuple[str, str]]:
    """The `menu` lines of the table of words, read from the file itself."""
    data = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    return [(c["name"].lower(), c["menu"][lang]) for c in data["commands"] if "menu" in c]


def test_the_telegram_menu_has_the_same_commands_in_every_language() -> None:
    menus = {lang: _menu(lang) for lang in LANGUAGES}
    names = [name for name, _ in menus["en"]]
    for lang, menu in menus.items():
        assert [name for name, _ in menu] == names, lang
        for name, description in menu:
            assert re.fullmatch(r"[a-z0-9_]{1,32}", name), name  # what Telegram allows
            assert 3 <= len(description) <= 256, (lang, name, description)
    assert len(set(names)) == len(names)
    # Each is read by the Telegram front: its own words, or a command of bot.commands.
    for name in names:
        assert name in ("cancel", "language") or commands.find(name) is not None, name
    for lang in TWINS:
        assert [d for _, d in menus[lang]] != [d for _, d in menus["en"]]


def test_the_telegram_menu_is_set_in_three_languages() -> None:
    menus = commands_by_language()
    assert sorted(menus) == ["", "es", "fr"]
    for language, pairs in menus.items():
        assert len(pairs) == 16, language
        assert pairs == _menu(language or "en")
