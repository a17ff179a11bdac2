"""Text a sender wrote never becomes markup, a mail header, a reordered line, or SQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.app import Portal
from bot.channels.email.sending import compose
from bot.context import Context
from bot.envelope import Inbound
from bot.parsing.parser import clean_text, parse_submission
from digests.send import ensure_period
from store.db import transaction
from store.outbox import OutboxItem
from store.records import Record, by_public_id
from tests.factories import focal_point, publish, subscribe
from tests.flows.test_need_by_email import LAO_NEED
from tests.security.conftest import deliver, message

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(1)">'
BIDI = "\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
HEADERISH = "Survey\r\nBcc: victim@elsewhere.example\r\nX-Injected: yes"
ROOT = Path(__file__).resolve().parents[2]


def header_names(raw: bytes) -> list[str]:
    return [name.lower() for name in message_from_bytes(raw, policy=policy.SMTP)]


# ---- HTML digests --------------------------------------------------------------------------


MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 2026-W48


def test_markup_in_titles_is_escaped_in_the_html_digest(portal: Portal) -> None:
    focal_point(portal, "LAO", "vong@nra.example")
    focal_point(portal, "NOR", "ingrid@mfa.example")
    need = f"""Type: need
Title: {SCRIPT} Survey teams for Savannakhet
Areas: technical survey
Assistance: financial
Description: Six teams. {IMG}
"""
    offer = f"""Type: offer
Title: {IMG} Grant window for survey
Country: any
Areas: technical survey
Assistance: financial
Description: Grants.
"""
    publish(portal, "vong@nra.example", need, MONDAY - timedelta(days=3))
    publish(portal, "ingrid@mfa.example", offer, MONDAY - timedelta(days=2))
    subscribe(portal, "watch@donor.example", MONDAY - timedelta(days=30))
    report = ensure_period(portal.sessions, portal.settings, "2026-W48", MONDAY)
    assert report.sent == 3
    with portal.sessions() as session:
        digests = session.scalars(select(OutboxItem).where(OutboxItem.kind == "digest")).all()
    assert len(digests) == 3
    for digest in digests:
        html = digest.html or ""
        assert "<script" not in html.lower() and "<img" not in html.lower()
        assert "onerror=" not in html or "&lt;img" in html
    watcher = next(d for d in digests if d.recipient == "watch@donor.example")
    html = watcher.html or ""
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Survey teams for Savannakhet" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; Grant window for survey" in html
    assert f"{SCRIPT} Survey teams for Savannakhet" in watcher.body  # plain text stays as sent


# ---- mail headers --------------------------------------------------------------------------


def test_a_title_cannot_carry_a_line_break_out_of_the_parser() -> None:
    result = parse_submission(LAO_NEED.replace("Title: Technical", f"Title: {HEADERISH}\nTech"))
    title = result.submission.title or ""
    assert "\r" not in title and "\n" not in title
    # "Bcc:" reads as a label the template does not know: it ends the title, and is no field
    assert title == "Survey"
    assert "Bcc" not in str(result.submission.fields)


@pytest.mark.parametrize("breaker", ["\r\n", "\n", "\r", "\u2028", "\x85", "\x0b", "\x0c"])
def test_compose_puts_every_header_on_one_line(breaker: str) -> None:
    item = OutboxItem(
        id=7,
        channel="email",
        recipient="vong@nra.example",
        kind="receipt",
        subject=f"Received: N-2026-0001 Survey{breaker}Bcc: victim@elsewhere.example",
        body="Body.\n",
        headers={"References": f"<a@b>{breaker}X-Injected: yes", "In-Reply-To": "<a@b>"},
        message_id="<x@portal.test>",
        created_at=MONDAY,
    )
    raw = compose(item, from_name=f"Portal{breaker}Bcc: x@y.example", from_address="submit@p.test")
    names = header_names(raw.as_bytes())
    assert "bcc" not in names and "x-injected" not in names
    assert names.count("subject") == 1
    parsed = message_from_bytes(raw.as_bytes(), policy=policy.SMTP)
    assert parsed["Subject"] == "Received: N-2026-0001 Survey Bcc: victim@elsewhere.example"
    assert parsed["References"] == "<a@b> X-Injected: yes"


def test_a_stored_title_with_line_breaks_gives_a_one_line_subject(people: Portal) -> None:
    """Were a title with CR/LF ever stored (an import, an old row), replies stay one-line."""
    deliver(people, message("vong@nra.example", "NEED", LAO_NEED))
    with transaction(people.sessions) as session:
        session.execute(update(Record).values(title=HEADERISH))
    shown = deliver(people, message("vong@nra.example", "SHOW N-2026-0001"))
    (reply,) = shown.mail
    assert reply.subject == "N-2026-0001 Survey Bcc: victim@elsewhere.example X-Injected: yes"
    raw = compose(reply, from_name="Cooperation Portal", from_address="submit@portal.test")
    names = header_names(raw.as_bytes())
    assert "bcc" not in names and "x-injected" not in names


def test_context_replies_render_a_one_line_subject(people: Portal) -> None:
    with transaction(people.sessions) as session:
        ctx = Context(
            session,
            people.settings,
            Inbound(channel="email", sender="vong@nra.example", subject="", text=""),
            None,
        )
        item = ctx.reply("no_such_record", public_id=f"N-2026-0001{HEADERISH}")
        assert item is not None
        assert "\n" not in item.subject and "\r" not in item.subject


# ---- bidirectional controls ------------------------------------------------------------------


def test_bidi_controls_are_removed_from_what_a_record_says(people: Portal) -> None:
    need = LAO_NEED.replace(
        "Title: Technical survey teams",
        f"Title: Technical {BIDI}survey\u202e teams",
    ).replace("We need 6", f"We need\u2067 6{BIDI}")
    done = deliver(people, message("vong@nra.example", "NEED", need))
    assert done.outcome == "need N-2026-0001 created"
    with people.sessions() as session:
        record = by_public_id(session, "N-2026-0001")
        assert record is not None
        assert record.title == "Technical survey teams for two districts of Savannakhet"
        assert "We need 6 technical survey teams for 18 months." in record.description
        for revision in record.revisions:
            assert not set(BIDI) & set(str(revision.content))
    (receipt, _) = done.mail
    assert not set(BIDI) & set(receipt.subject + receipt.body)


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        (f"N-2026-0001{BIDI} withdrawn", "N-2026-0001 withdrawn"),
        ("Line one\nLine two\twith a tab", "Line one\nLine two\twith a tab"),
        ("bell\x07 escape\x1b[31m nul\x00", "bell escape[31m nul"),
        ("العربية and ລາວ stay", "العربية and ລາວ stay"),
        ("zero\u200dwidth joiner stays", "zero\u200dwidth joiner stays"),
    ],
)
def test_clean_text(text: str, clean: str) -> None:
    assert clean_text(text) == clean


def test_the_subject_quoted_in_a_refusal_is_cleaned(people: Portal) -> None:
    raw = (
        b"From: a@x.example, b@y.example\r\nTo: submit@portal.test\r\n"
        b"Subject: =?utf-8?q?WITHDRAW_=E2=80=AEall?=\r\nMessage-ID: <bidi@x.example>\r\n\r\nx\r\n"
    )
    done = deliver(people, raw, envelope="a@x.example")
    (reply,) = done.mail
    assert "The subject line of that message: WITHDRAW all" in reply.body.splitlines()


# ---- SQL is never built from strings ---------------------------------------------------------

# Where SQL text is handed to the database: SQLAlchemy's text(), execute(), exec_driver_sql().
SQL_CALL = r"\b(?:text|execute|exec_driver_sql|executescript)\(\s*"
LITERAL = r"""[rbu]?(?:"[^"\n]*"|'[^'\n]*')"""
UNSAFE_SQL = {
    "f-string": re.compile(SQL_CALL + r"[rbu]?f[\"']", re.IGNORECASE),
    "% formatting": re.compile(SQL_CALL + LITERAL + r"\s*%"),
    ".format()": re.compile(SQL_CALL + LITERAL + r"\s*\.format\("),
    "concatenation": re.compile(SQL_CALL + LITERAL + r"\s*\+"),
    "a variable built elsewhere": re.compile(r"\b(?:text|exec_driver_sql)\(\s*[a-z_]\w*\s*[,)]"),
}


def unsafe_sql(source: str) -> list[str]:
    return [name for name, pattern in UNSAFE_SQL.items() if pattern.search(source)]


@pytest.mark.parametrize(
    "bad",
    [
        'session.execute(text(f"SELECT * FROM records WHERE id = {x}"))',
        "conn.execute('SELECT * FROM records WHERE title = \"%s\"' % title)",
        'conn.exec_driver_sql("DELETE FROM people WHERE id = {}".format(i))',
        'cursor.execute("SELECT " + column)',
        "session.execute(text(query))",
    ],
)
def test_the_static_check_catches_string_built_sql(bad: str) -> None:
    assert unsafe_sql(bad)


def test_no_sql_is_built_from_strings_in_the_source() -> None:
    """An honest grep: every query goes through SQLAlchemy expressions with bound values."""
    files = [p for folder in ("bot", "store", "digests") for p in (ROOT / folder).rglob("*.py")]
    assert len(files) > 50
    found = {
        str(path.relative_to(ROOT)): problems
        for path in files
        if (problems := unsafe_sql(path.read_text(encoding="utf-8")))
    }
    assert found == {}
