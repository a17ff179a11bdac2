"""Pathological emails that the reading path must get through: long runs, deep and wide MIME."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

SENDER = "vong@nra.example"
TITLE = "Technical survey teams for two districts of Savannakhet"
HEAD = f"Type: need\nTitle: {TITLE}\n"
FIELDS = """\
Areas: technical survey, clearance
Assistance: financial, equipment
Amount: 250k USD
Period: 2027-01 to 2027-12
Languages: English, Lao
Reference: National Strategic Plan 2021-2030
"""
DESCRIPTION = """\
Description:
Village-level non-technical survey is complete.
We need 6 technical survey teams for 18 months.
"""
NEED = HEAD + FIELDS + DESCRIPTION


def email(body: str, subject: bytes = b"NEED", *extra: bytes) -> bytes:
    """A one-part text/plain message; the body in base64, so that any text arrives unchanged."""
    encoded = base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n")
    return _headers(subject, *extra) + (
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + encoded
    )


def _headers(subject: bytes, *extra: bytes) -> bytes:
    lines = [
        b"From: Vong Saysana <" + SENDER.encode() + b">",
        b"To: submit@portal.test",
        b"Subject: " + subject,
        b"Message-ID: <pathological@nra.example>",
        b"MIME-Version: 1.0",
        *extra,
    ]
    return b"\r\n".join(lines) + b"\r\n"


def between_fields(junk: str) -> bytes:
    """The need with `junk` after a blank line below its title: a one-line field is closed."""
    return email(HEAD + "\n" + junk + "\n\n" + FIELDS + DESCRIPTION)


# ---- runs inside the text ---------------------------------------------------------------


def blank_lines(n: int) -> bytes:
    return between_fields("\n" * n)


def blank_body(n: int) -> bytes:
    """Nothing but blank lines (the 3 KB message that held the portal 17 s)."""
    return email("\n" * n)


def whitespace_lines(n: int) -> bytes:
    return between_fields(" \t \n" * n)


def spaces_line(n: int) -> bytes:
    """One line of `n` spaces inside the need (200 of them took 20 s)."""
    return between_fields(" " * n)


def spaces_after_label(n: int) -> bytes:
    return email(NEED.replace("Amount: ", "Amount:" + " " * n))


def spaces_before_colon(n: int) -> bytes:
    return email(NEED.replace("Amount: ", "Amount" + " " * n + ": "))


def tabs_in_field(n: int) -> bytes:
    return email(NEED.replace("Amount: ", "Amount:" + "\t" * n))


def colons(n: int) -> bytes:
    return between_fields(":" * n)


def asterisks(n: int) -> bytes:
    return between_fields("*" * n)


def dashes(n: int) -> bytes:
    return between_fields("-" * n)


def quote_marks(n: int) -> bytes:
    """A line of `>` after the need: the quote starts there."""
    return email(NEED + ">" * n + "\n")


def quoted_labels(n: int) -> bytes:
    """The need below `n` quoted label lines (a long quote of blank templates): quotequail's
    header scan took time in the square of such lines."""
    attribution = "On Mon, 30 Nov 2026 at 11:02, Portal <submit@portal.test> wrote:\n"
    return email(attribution + "> Type: need\n> Title:\n" * n + "\n" + NEED)


def blank_run_after_need(n: int) -> bytes:
    """A line of `n` spaces and tabs below the need, where closings and disclaimers are looked
    for."""
    return email(NEED + "\n" + " \t" * n + "\n")


def forward_header_line(n: int) -> bytes:
    """A forwarded need whose From line is `n` characters long."""
    header = "From: " + "a" * n + "\nSent: Monday, 30 November 2026 11:02\nSubject: need\n\n"
    return email("Please publish.\n\n" + header + NEED)


def label_prefixes(n: int) -> bytes:
    """ "Title: Title: Title: …" on a line of its own: a second, different title."""
    return between_fields("Title: " * n)


def unknown_label_prefixes(n: int) -> bytes:
    return between_fields("Note: " * n)


def bold_labels(n: int) -> bytes:
    return between_fields("**x**: " * n)


def attribution_openings(n: int) -> bytes:
    """`n` lines of "On On On …" (199 characters): each is tried as the opening of an "On …
    wrote:" line, by our patterns and by mail-parser-reply's (which reads 1,000 lines at most)."""
    return between_fields((("On " * 67)[:199] + "\n") * n)


def carriage_returns(n: int) -> bytes:
    return between_fields("\r" * n)


def spaces_in_subject(n: int) -> bytes:
    return email(NEED, b"Re:" + b" " * n + b"NEED")


# ---- structure ----------------------------------------------------------------------------


def deep_mime(levels: int) -> bytes:
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (n, n)
        for n in range(levels)
    )
    closing = b"".join(b"\r\n--b%d--\r\n" % n for n in reversed(range(levels)))
    return (
        _headers(b"NEED")
        + opening
        + b"Content-Type: text/plain\r\n\r\n"
        + NEED.replace("\n", "\r\n").encode()
        + closing
    )


def wide_mime(parts: int) -> bytes:
    part = b"--b\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n"
    return (
        _headers(b"NEED", b'Content-Type: multipart/mixed; boundary="b"')
        + b"\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
        + NEED.replace("\n", "\r\n").encode()
        + b"\r\n"
        + part * parts
        + b"--b--\r\n"
    )


def folded_header(size: int) -> bytes:
    """An X-Filler header of about `size` bytes, folded into 70-byte lines."""
    lines = b"\r\n ".join([b"x" * 68] * max(1, size // 71))
    return email(NEED, b"NEED", b"X-Filler: " + lines)


@dataclass(frozen=True)
class Kind:
    """One kind of pathological input and the sizes it is tried at."""

    name: str
    build: Callable[[int], bytes]
    sizes: tuple[int, ...]


KINDS = (
    Kind("blank-lines", blank_lines, (1_600, 3_200, 50_000)),
    Kind("blank-body", blank_body, (1_600, 3_200, 50_000)),
    Kind("whitespace-lines", whitespace_lines, (1_600, 3_200, 50_000)),
    Kind("spaces-line", spaces_line, (200, 100_000)),
    Kind("spaces-after-label", spaces_after_label, (200, 100_000)),
    Kind("spaces-before-colon", spaces_before_colon, (200, 100_000)),
    Kind("tabs-in-field", tabs_in_field, (200, 100_000)),
    Kind("colons", colons, (200, 100_000)),
    Kind("asterisks", asterisks, (200, 100_000)),
    Kind("dashes", dashes, (200, 100_000)),
    Kind("quote-marks", quote_marks, (200, 100_000)),
    Kind("quoted-labels", quoted_labels, (200, 20_000)),
    Kind("blank-run-after-need", blank_run_after_need, (200, 100_000)),
    Kind("forward-header-line", forward_header_line, (200, 100_000)),
    Kind("label-prefixes", label_prefixes, (200, 10_000)),
    Kind("unknown-label-prefixes", unknown_label_prefixes, (200, 10_000)),
    Kind("bold-labels", bold_labels, (200, 10_000)),
    Kind("carriage-returns", carriage_returns, (1_600, 50_000)),
    Kind("attribution-openings", attribution_openings, (200, 4_000)),
    Kind("spaces-in-subject", spaces_in_subject, (200, 20_000)),
    Kind("deep-mime", deep_mime, (100,)),
    Kind("wide-mime", wide_mime, (5_000,)),
    Kind("folded-header", folded_header, (200_000,)),
)
