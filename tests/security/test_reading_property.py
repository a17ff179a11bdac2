"""Every reader takes any text: it returns, or raises only the errors people are told about."""

from __future__ import annotations

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import commands
from bot.channels.email.quotes import split_quoted
from bot.channels.email.reading import read_email
from bot.channels.telegram.reading import read_update
from bot.errors import UnreadableMessage
from bot.parsing.fields import country
from bot.parsing.language import detect_language
from bot.parsing.lists import resolve_list
from bot.parsing.money import money
from bot.parsing.normalise import FieldError, fold
from bot.parsing.parser import parse_submission
from bot.parsing.periods import period
from tests.security import pathological

NASTY = list(" \t\n\r\x0b\x0c:：*>-=_.,;/&\x00\x01\x1b\x7f\x85\xa0\u2028\u202e\u200f€$1 ")
PIECES = [
    "Title:",
    "Type: need",
    "Amount:",
    "Period:",
    "Description:",
    "Areas: clearance, ",
    "**Titre** :",
    "- Country:",
    "> ",
    "--",
    "-----Original Message-----",
    "On 1 Jan 2027, Vong wrote:",
    "From: a@b.example",
    "Sent: Monday 10:30",
    "Subject: x",
    "Best regards",
    "Re: ",
    "250k USD",
    "2027-01 to 2027-12",
    " and ",
    "NO CHANGE",
]
TEXT = st.lists(
    st.one_of(st.sampled_from(NASTY), st.sampled_from(PIECES), st.text(max_size=8)),
    max_size=60,
).map("".join)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(TEXT, TEXT)
def test_the_email_reader_takes_any_subject_and_body(subject: str, body: str) -> None:
    header = " ".join(subject.replace("\r", " ").replace("\n", " ").split()).encode()
    raw = pathological.email(body, header or b"NEED")
    inbound = read_email(raw, pathological.SENDER, ["submit@portal.test"])
    assert "\x00" not in inbound.subject + inbound.text + inbound.sender
    assert "\n" not in inbound.subject
    detect_language(inbound.subject, inbound.text)
    commands.read_command(inbound.subject, inbound.text)
    parse_submission(inbound.text, inbound.subject)


@PROPERTY
@given(st.binary(max_size=400))
def test_the_email_reader_takes_any_bytes(raw: bytes) -> None:
    with contextlib.suppress(UnreadableMessage):  # the one error its sender is told about
        read_email(raw, pathological.SENDER, ["submit@portal.test"])


@PROPERTY
@given(TEXT)
def test_the_text_readers_take_any_text(text: str) -> None:
    detect_language(text, text)
    own, quoted = split_quoted(text)
    assert len(own) + len(quoted) <= len(text) + 2  # at most a newline added to each
    result = parse_submission(text, text)
    assert all(p.field and p.code for p in result.problems)
    commands.read_command(text, text)
    fold(text)
    resolve_list(text, country)


@PROPERTY
@given(TEXT)
def test_money_and_periods_raise_only_field_errors(text: str) -> None:
    for read in (money, period):
        try:
            read(text)
        except FieldError as error:
            assert error.value == text


@PROPERTY
@given(TEXT, TEXT)
def test_the_telegram_reader_takes_any_text(text: str, name: str) -> None:
    update = {
        "update_id": 7,
        "message": {
            "message_id": 1,
            "from": {"id": 5, "first_name": name, "language_code": name[:5]},
            "chat": {"id": 5, "type": "private"},
            "text": text,
        },
    }
    inbound = read_update(json.dumps(update).encode())
    assert "\x00" not in inbound.text
    assert inbound.sender == "5"
