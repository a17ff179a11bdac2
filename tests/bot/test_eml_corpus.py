"""Real-client emails read and parsed: every expected field of every sample is its own case."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from bot.channels.email.reading import read_email
from bot.envelope import Inbound
from bot.parsing.parser import ParseResult, parse_submission

DATA = Path(__file__).parent.parent / "data" / "eml"
EXPECTED: dict[str, dict[str, object]] = json.loads(
    (DATA / "expected.json").read_text(encoding="utf-8")
)
ENVELOPE_SENDER = "bounces@relay.example"  # not the From: address, so From is what is tested
FIELDS = (
    "sender",
    "kind",
    "title",
    "countries",
    "areas",
    "assistance",
    "amount",
    "currency",
    "period",
    "languages",
    "description_starts",
    "description_ends",
    "attachments",
    "problems",
)


@cache
def read(name: str) -> tuple[Inbound, ParseResult]:
    raw = (DATA / name).read_bytes()
    inbound = read_email(raw, ENVELOPE_SENDER, ["submit@portal.test"])
    return inbound, parse_submission(inbound.text, inbound.subject)


def actual(name: str, field: str) -> object:
    """The value of one expected field, in the JSON form of expected.json."""
    inbound, result = read(name)
    sub = result.submission
    expected = EXPECTED[name][field]
    description = sub.description or ""
    values: dict[str, object] = {
        "sender": inbound.sender,
        "kind": sub.kind,
        "title": sub.title,
        "countries": list(sub.countries),
        "areas": list(sub.areas),
        "assistance": list(sub.assistance),
        "amount": None if sub.amount is None else str(sub.amount),
        "currency": sub.currency,
        "period": None
        if sub.period_start is None or sub.period_end is None
        else [sub.period_start.isoformat(), sub.period_end.isoformat()],
        "languages": list(sub.languages),
        "attachments": list(inbound.attachments),
        "problems": [[p.field, p.code] for p in result.problems],
    }
    if field == "description_starts":
        return description[: len(str(expected))]
    if field == "description_ends":
        return description[-len(str(expected)) :]
    return values[field]


def test_every_sample_has_its_expectations() -> None:
    assert sorted(path.name for path in DATA.glob("*.eml")) == sorted(EXPECTED)
    assert [sorted(fields) for fields in EXPECTED.values()] == [sorted(FIELDS)] * len(EXPECTED)


@pytest.mark.parametrize(
    ("name", "field"), [(name, field) for name in sorted(EXPECTED) for field in FIELDS]
)
def test_field(name: str, field: str) -> None:
    assert actual(name, field) == EXPECTED[name][field]
