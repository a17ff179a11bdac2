"""The envelope of a message taken from a mailbox, read off its delivery headers."""

from __future__ import annotations

from bot.channels.email.delivered import envelope_of

DELIVERED = (
    b"Return-Path: <Vong@NRA.example>\r\n"
    b"Delivered-To: portal+abc@ministry.example\r\n"
    b"X-Original-To: portal@ministry.example\r\n"
    b"From: Vong Saysana <vong@nra.example>\r\n"
    b"To: Portal <portal@ministry.example>, isu@ccm.example\r\n"
    b"Cc: ops@nra.example, ISU@ccm.example\r\n"
    b"Message-ID: <1@nra.example>\r\n"
    b"Subject: NEED\r\n"
    b"\r\n"
    b"To: not@a-header.example\r\n"
)


def test_the_return_path_is_the_sender_and_every_address_a_recipient_once() -> None:
    assert envelope_of(DELIVERED, 20) == (
        "Vong@NRA.example",
        [
            "portal+abc@ministry.example",
            "portal@ministry.example",
            "isu@ccm.example",
            "ops@nra.example",
        ],
        "<1@nra.example>",
    )


def test_recipients_stop_at_the_limit() -> None:
    assert envelope_of(DELIVERED, 2)[1] == [
        "portal+abc@ministry.example",
        "portal@ministry.example",
    ]


def test_without_a_return_path_the_from_address_is_the_sender() -> None:
    raw = DELIVERED.replace(b"Return-Path: <Vong@NRA.example>\r\n", b"")
    assert envelope_of(raw, 20)[0] == "vong@nra.example"


def test_a_bounce_keeps_its_null_sender_and_a_message_without_id_has_none() -> None:
    raw = b"Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example\r\nSubject: failure\r\n\r\nx\r\n"
    assert envelope_of(raw, 20) == ("", [], None)


def test_an_address_no_one_could_keep_is_left_out() -> None:
    raw = b"From: a@b.example\r\nTo: \x00bad@x.example, good@x.example\r\n\r\nx\r\n"
    assert envelope_of(raw, 20) == ("a@b.example", ["good@x.example"], None)
