"""Reading real-world email: charsets, HTML, attachments, loop markers."""

from __future__ import annotations

from bot.channels.email.reading import read_email

HEAD = b"From: Vong <vong@nra.example>\r\nTo: submit@portal.test\r\nSubject: NEED\r\n"


def read(raw: bytes, sender: str = "vong@nra.example"):  # type: ignore[no-untyped-def]
    return read_email(raw, sender, ["submit@portal.test"])


def test_plain_text_in_windows_1252() -> None:
    raw = HEAD + (
        b"Content-Type: text/plain; charset=windows-1252\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nTitle: D\xe9minage \x96 phase 2\r\n"
    )
    assert read(raw).text == "Title: Déminage – phase 2\n"


def test_an_unknown_charset_does_not_stop_us() -> None:
    raw = HEAD + (
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nTitle: Caf\xc3\xa9\r\n"
    )
    assert read(raw).text == "Title: Café\n"


def test_a_wrong_charset_label_falls_back() -> None:
    raw = HEAD + (
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nPa\xefs: Liban\r\n"
    )
    assert read(raw).text == "Païs: Liban\n"


def test_html_only_mail_becomes_text() -> None:
    raw = HEAD + (
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><body><p>Title: Survey teams</p><p>Areas: <b>clearance</b></p>"
        b"</body></html>\r\n"
    )
    lines = [line for line in read(raw).text.splitlines() if line.strip()]
    assert lines == ["Title: Survey teams", "Areas: clearance"]


def test_plain_part_preferred_and_attachments_noted() -> None:
    raw = (
        HEAD
        + b"""MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary="m"\r
\r
--m\r
Content-Type: multipart/alternative; boundary="a"\r
\r
--a\r
Content-Type: text/plain; charset=utf-8\r
\r
Title: plain wins\r
--a\r
Content-Type: text/html; charset=utf-8\r
\r
<p>Title: html loses</p>\r
--a--\r
--m\r
Content-Type: application/pdf\r
Content-Disposition: attachment; filename="plan.pdf"\r
Content-Transfer-Encoding: base64\r
\r
JVBERi0xLjQK\r
--m--\r
"""
    )
    inbound = read(raw)
    assert inbound.text == "Title: plain wins"
    assert inbound.attachments == ("plan.pdf",)


def test_loop_markers() -> None:
    assert read(HEAD + b"\r\nhi\r\n", sender="").automatic == "bounce (null sender)"
    assert read(HEAD + b"Auto-Submitted: auto-replied\r\n\r\nhi\r\n").automatic == (
        "auto-submitted: auto-replied"
    )
    assert read(HEAD + b"Auto-Submitted: no\r\n\r\nhi\r\n").automatic is None
    assert read(HEAD + b"X-Auto-Response-Suppress: All\r\n\r\nhi\r\n").automatic == (
        "auto-reply (X-Auto-Response-Suppress)"
    )
    assert (
        read(
            HEAD.replace(b"Subject: NEED", b"Subject: Out of Office: back Monday") + b"\r\nhi\r\n"
        ).automatic
        == "out-of-office subject"
    )
    assert (
        read(
            HEAD.replace(b"Subject: NEED", b"Subject: R\xc3\xa9ponse automatique") + b"\r\nhi\r\n"
        ).automatic
        == "out-of-office subject"
    )


def test_two_addresses_in_from_are_not_a_sender() -> None:
    raw = (
        HEAD.replace(b"From: Vong <vong@nra.example>", b"From: a@x.example, b@y.example")
        + b"\r\nhi\r\n"
    )
    assert read(raw, sender="envelope@z.example").sender == "envelope@z.example"
