"""The reading path gets through every pathological input, to the exact outcome (the time it
takes, and how it grows, is measured by bench/pathological.py, never asserted here)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot import commands
from bot.envelope import Inbound
from bot.errors import UnreadableMessage
from bot.parsing.parser import ParseResult, Problem, Submission, parse_submission
from bot.pipeline.reading import read_inbound
from store.inbox import InboxItem
from tests.security import pathological
from tests.security.pathological import KINDS, NEED, SENDER, TITLE


def read(raw: bytes) -> tuple[Inbound, ParseResult]:
    """As the processor reads a message: the Inbound, then its command and its template."""
    item = InboxItem(
        id=1, channel="email", sender=SENDER, recipients=["submit@portal.test"], raw=raw
    )
    inbound = read_inbound(item)
    commands.read_command(inbound.subject, inbound.text)
    return inbound, parse_submission(inbound.text, inbound.subject)


def lao_need() -> Submission:
    _, result = read(pathological.email(NEED))
    assert result.ok, result.problems
    return result.submission


def test_the_need_of_the_corpus_reads_as_expected() -> None:
    need = lao_need()
    assert (need.kind, need.title, need.countries) == ("need", TITLE, ())
    assert need.areas == ("art4.survey.technical", "art4.clearance")
    assert (need.amount, need.currency) == (Decimal("250000"), "USD")
    assert (need.period_start, need.period_end) == (date(2027, 1, 1), date(2027, 12, 31))
    assert need.languages == ("en", "lo")
    assert need.description == (
        "Village-level non-technical survey is complete.\n"
        "We need 6 technical survey teams for 18 months."
    )


SAME_NEED = [
    "blank-lines",
    "whitespace-lines",
    "spaces-line",
    "spaces-after-label",
    "spaces-before-colon",
    "tabs-in-field",
    "colons",
    "asterisks",
    "dashes",
    "unknown-label-prefixes",
    "bold-labels",
    "carriage-returns",
    "attribution-openings",
]


def cases(names: list[str]) -> list[tuple[str, int]]:
    return [(k.name, size) for k in KINDS if k.name in names for size in k.sizes]


def build(name: str, size: int) -> bytes:
    (kind,) = [k for k in KINDS if k.name == name]
    return kind.build(size)


@pytest.mark.parametrize(("name", "size"), cases(SAME_NEED))
def test_a_run_inside_a_need_leaves_it_the_same_need(name: str, size: int) -> None:
    inbound, result = read(build(name, size))
    assert result.ok, result.problems
    assert result.submission == lao_need()
    assert (inbound.language, inbound.quoted) == ("en", "")


@pytest.mark.parametrize("size", [1_600, 3_200, 50_000])
def test_a_body_of_blank_lines_has_no_fields(size: int) -> None:
    inbound, result = read(pathological.blank_body(size))
    assert (inbound.text, inbound.language) == ("\n" * size, "en")
    assert result == ParseResult(Submission(kind="need"), (Problem("template", "no_fields"),))


@pytest.mark.parametrize("size", [200, 100_000])
def test_a_line_of_quote_marks_after_a_need_starts_the_quote(size: int) -> None:
    inbound, result = read(pathological.quote_marks(size))
    assert result.submission == lao_need()
    assert inbound.quoted == ">" * size + "\n"


@pytest.mark.parametrize(
    ("name", "size"), cases(["quoted-labels", "blank-run-after-need", "forward-header-line"])
)
def test_a_need_below_a_quote_or_forwarded_is_read_whole(name: str, size: int) -> None:
    _, result = read(build(name, size))
    assert result.ok, result.problems
    assert result.submission == lao_need()


@pytest.mark.parametrize("size", [200, 10_000])
def test_a_line_of_title_labels_is_a_second_title(size: int) -> None:
    _, result = read(pathological.label_prefixes(size))
    assert result.problems == (Problem("title", "ambiguous", " ".join(["Title:"] * (size - 1))),)
    assert result.submission.title == TITLE


@pytest.mark.parametrize("size", [200, 20_000])
def test_spaces_in_the_subject_are_one(size: int) -> None:
    inbound, result = read(pathological.spaces_in_subject(size))
    assert inbound.subject == "Re: NEED"
    assert result.submission == lao_need()


@pytest.mark.parametrize(
    ("raw", "problem", "reason"),
    [
        pytest.param(
            pathological.deep_mime(100),
            "depth",
            "its parts are nested more than 25 levels deep",
            id="100-levels",
        ),
        pytest.param(
            pathological.wide_mime(5_000),
            "parts",
            "it has more than 200 parts (attachments and alternatives)",
            id="5000-parts",
        ),
        pytest.param(
            pathological.folded_header(200_000),
            "header_line",
            "one of its header lines is longer than 64 KB",
            id="200-KB-header",
        ),
        pytest.param(
            pathological.email(NEED, b"NEED", *[b"X-Filler: " + b"x" * 900] * 600),
            "header",
            "its header is larger than 512 KB",
            id="540-KB-header",
        ),
    ],
)
def test_unreadable_structure_is_refused_by_name(raw: bytes, problem: str, reason: str) -> None:
    with pytest.raises(UnreadableMessage) as refused:
        read(raw)
    assert (refused.value.problem, refused.value.reason, str(refused.value)) == (
        problem,
        reason,
        reason,
    )


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(pathological.deep_mime(20), id="20-levels"),
        pytest.param(pathological.wide_mime(190), id="190-parts"),
        pytest.param(pathological.folded_header(60_000), id="60-KB-header"),
    ],
)
def test_structure_within_the_limits_is_read(raw: bytes) -> None:
    _, result = read(raw)
    assert result.submission == lao_need()
