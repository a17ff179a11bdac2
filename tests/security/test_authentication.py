"""Who really sent it: the front server's Authentication-Results, our DKIM check, one From."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage

import dkim
import pytest

from bot import tokens
from bot.app import Portal
from bot.channels.email.authentication import (
    aligned,
    ambiguous_from,
    headers_of,
    organisational_domain,
)
from bot.channels.email.results import parse_authentication_results
from bot.config import Settings
from bot.render import LANGUAGES, render
from store.base import utcnow
from store.records import list_records
from tests.flows.test_need_by_email import LAO_NEED
from tests.security.conftest import deliver, message
from tests.security.keys import KeyPair, rsa_key_pair

MX = "mx.portal.test"
FAILED = f"Authentication-Results: {MX}; dmarc=fail"
PASSED = f"Authentication-Results: {MX}; dmarc=pass header.from=nra.example"


def on_top(mail: EmailMessage, *headers: str) -> bytes:
    """The message with headers put above all others, as a receiving server adds them."""
    raw = mail.as_bytes(policy=policy.SMTP)
    return b"".join(f"{h}\r\n".encode() for h in headers) + raw


def records(portal: Portal) -> list[tuple[str, str]]:
    with portal.sessions() as session:
        return [(r.public_id, r.status) for r in list_records(session)]


@pytest.fixture
def checked(settings: Settings) -> Settings:
    """The portal behind a front server that says "mx.portal.test" in its A-R headers."""
    return settings.with_changes(trusted_authserv_id=MX)


# ---- Authentication-Results ----------------------------------------------------------------


def test_a_dmarc_pass_from_the_front_server_lets_the_focal_point_act(
    people: Portal, checked: Settings
) -> None:
    raw = on_top(
        message("Vong Saysana <vong@nra.example>", "NEED", LAO_NEED),
        f"Authentication-Results: {MX}; spf=pass smtp.mailfrom=nra.example;"
        " dkim=pass header.d=nra.example; dmarc=pass (p=reject) header.from=nra.example",
    )
    done = deliver(people, raw, settings=checked)
    assert done.outcome == "need N-2026-0001 created"
    assert [(m.recipient, m.kind) for m in done.mail] == [
        ("vong@nra.example", "receipt"),
        ("isu@ccm.example", "pending_for_secretariat"),
    ]


def test_a_dmarc_fail_changes_nothing_answers_nobody_and_tells_the_owner(
    people: Portal, checked: Settings
) -> None:
    raw = on_top(
        message("Vong Saysana <vong@nra.example>", "NEED: forged survey", LAO_NEED),
        f"Authentication-Results: {MX}; spf=fail smtp.mailfrom=evil.example;"
        " dkim=none; dmarc=fail (p=none) header.from=nra.example",
    )
    done = deliver(people, raw, envelope="bounce@evil.example", settings=checked)
    assert done.outcome == "refused: dmarc fail"
    assert records(people) == []
    (notice,) = done.mail
    assert (notice.recipient, notice.kind) == ("vong@nra.example", "spoofed_mail")
    assert notice.subject == "A message sent in your name was refused"
    assert "nothing has been changed" in notice.body
    assert "The subject line of that message: NEED: forged survey" in notice.body.splitlines()
    assert "Reply-To" not in notice.headers  # nothing to answer: no reply token


def test_a_dmarc_fail_from_an_unregistered_address_is_only_marked(
    people: Portal, checked: Settings
) -> None:
    raw = on_top(message("x@nowhere.example", "HELP"), FAILED)
    done = deliver(people, raw, settings=checked)
    assert (done.outcome, done.mail) == ("refused: dmarc fail", [])


@pytest.mark.parametrize("result", ["dmarc=temperror", "dmarc=permerror", "dmarc=quarantine"])
def test_any_dmarc_result_but_pass_or_none_is_a_fail(
    people: Portal, checked: Settings, result: str
) -> None:
    raw = on_top(
        message("vong@nra.example", "NEED", LAO_NEED), f"Authentication-Results: {MX}; {result}"
    )
    assert deliver(people, raw, settings=checked).outcome == "refused: dmarc fail"
    assert records(people) == []


def test_only_the_topmost_header_of_our_server_counts(people: Portal, checked: Settings) -> None:
    """The sender wrote "dmarc=pass" under our server's name lower down: ignored."""
    forged = message(
        "vong@nra.example",
        "NEED",
        LAO_NEED,
        Authentication_Results=f"{MX}; dmarc=pass header.from=nra.example",
    )
    raw = on_top(
        forged,
        "Authentication-Results: other.example; dmarc=pass header.from=nra.example",
        f"Authentication-Results: {MX.upper()}; dmarc=fail header.from=nra.example",
    )
    assert deliver(people, raw, settings=checked).outcome == "refused: dmarc fail"
    assert records(people) == []


def test_a_pass_for_another_domain_is_a_fail(people: Portal, checked: Settings) -> None:
    raw = on_top(
        message("vong@nra.example", "WITHDRAW N-2026-0001"),
        f"Authentication-Results: {MX}; dmarc=pass header.from=evil.example",
    )
    assert deliver(people, raw, settings=checked).outcome == "refused: dmarc fail"


def test_without_our_header_writes_are_refused_and_reading_is_answered(
    people: Portal, checked: Settings
) -> None:
    someone_elses = "Authentication-Results: other.example; dmarc=pass header.from=nra.example"
    raw = on_top(message("vong@nra.example", "NEED", LAO_NEED), someone_elses)
    need = deliver(people, raw, settings=checked)
    assert need.outcome == "refused: unauthenticated"
    assert [(m.recipient, m.kind) for m in need.mail] == [("vong@nra.example", "spoofed_mail")]
    assert records(people) == []

    help_ = deliver(people, message("vong@nra.example", "HELP"), settings=checked)
    assert (help_.outcome, help_.recipients) == ("help sent", ["vong@nra.example"])
    listing = deliver(people, message("vong@nra.example", "LIST"), settings=checked)
    assert (listing.outcome, listing.recipients) == ("list: 0 record(s)", ["vong@nra.example"])
    template_only = deliver(people, message("vong@nra.example", "", LAO_NEED), settings=checked)
    assert template_only.outcome == "refused: unauthenticated"


def test_our_header_without_a_dmarc_result_is_no_evidence(
    people: Portal, checked: Settings
) -> None:
    raw = on_top(
        message("vong@nra.example", "NEED", LAO_NEED), f"Authentication-Results: {MX}; none"
    )
    assert deliver(people, raw, settings=checked).outcome == "refused: unauthenticated"


def test_a_flood_of_forgeries_tells_the_owner_once_a_day(people: Portal, checked: Settings) -> None:
    first = deliver(
        people, on_top(message("vong@nra.example", "NEED", LAO_NEED), FAILED), settings=checked
    )
    second = deliver(people, on_top(message("vong@nra.example", "LIST"), FAILED), settings=checked)
    assert (first.outcome, second.outcome) == ("refused: dmarc fail", "refused: dmarc fail")
    assert ([m.kind for m in first.mail], second.mail) == (["spoofed_mail"], [])


def test_a_forged_confirm_in_the_secretariats_name_publishes_nothing(
    people: Portal, checked: Settings
) -> None:
    deliver(people, message("vong@nra.example", "NEED", LAO_NEED))  # before the check was on
    raw = on_top(message("isu@ccm.example", "CONFIRM N-2026-0001"), FAILED)
    done = deliver(people, raw, settings=checked)
    assert done.outcome == "refused: dmarc fail"
    assert [(m.recipient, m.kind) for m in done.mail] == [("isu@ccm.example", "spoofed_mail")]
    assert records(people) == [("N-2026-0001", "pending")]


def test_a_genuine_reply_token_does_not_vouch_for_a_forged_from(
    people: Portal, checked: Settings
) -> None:
    deliver(people, on_top(message("vong@nra.example", "NEED", LAO_NEED), PASSED), settings=checked)
    address = tokens.reply_address(
        b"test-secret-key", "portal.test", "r", 1, "vong@nra.example", utcnow()
    )
    forged = on_top(message("vong@nra.example", "Re: Received", "WITHDRAW", to=address), FAILED)
    done = deliver(people, forged, recipients=[address], settings=checked)
    assert done.outcome == "refused: dmarc fail"
    assert records(people) == [("N-2026-0001", "pending")]


@pytest.mark.parametrize(
    ("value", "server", "results"),
    [
        (
            "mx.portal.test 1; dmarc=pass (p=reject dis=none) header.from=nra.example",
            "mx.portal.test",
            [("dmarc", "pass", {"header.from": "nra.example"})],
        ),
        (
            'MX.Portal.Test (our front server; "quoted"); spf = pass smtp.mailfrom="a;b@x.example";'
            " dkim/1=fail (bad sig) header.d=x.example header.s=sel ; dmarc=fail",
            "mx.portal.test",
            [
                ("spf", "pass", {"smtp.mailfrom": "a;b@x.example"}),
                ("dkim", "fail", {"header.d": "x.example", "header.s": "sel"}),
                ("dmarc", "fail", {}),
            ],
        ),
        ("mx.portal.test; none", "mx.portal.test", []),
        ("", "", []),
        ("(only a comment)", "", []),
    ],
)
def test_authentication_results_are_read_as_rfc_8601_writes_them(
    value: str, server: str, results: list[tuple[str, str, dict[str, str]]]
) -> None:
    found_server, found = parse_authentication_results(value)
    assert found_server == server
    assert [(r.method, r.result, r.properties) for r in found] == results


# ---- DKIM, checked by the portal itself ------------------------------------------------------


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return rsa_key_pair()


@pytest.fixture
def dkim_on(settings: Settings) -> Settings:
    return settings.with_changes(verify_dkim="1")


class Dns:
    """A TXT zone for the tests; remembers what was asked."""

    def __init__(self, records: dict[bytes, bytes]) -> None:
        self.records = records
        self.asked: list[bytes] = []

    def __call__(self, name: bytes, timeout: int = 5) -> bytes | None:
        self.asked.append(name)
        return self.records.get(name)


def signed(
    mail: EmailMessage, key: KeyPair, domain: str = "nra.example", *, length: bool = False
) -> bytes:
    raw = mail.as_bytes(policy=policy.SMTP)
    signature = dkim.sign(raw, b"sel", domain.encode(), key.private_pem, length=length)
    return bytes(signature) + raw


def zone(key: KeyPair, *domains: str) -> Dns:
    return Dns({f"sel._domainkey.{d}.".encode(): key.dns_record for d in domains})


def test_a_valid_aligned_signature_lets_the_focal_point_act(
    people: Portal, dkim_on: Settings, key: KeyPair
) -> None:
    dns = zone(key, "nra.example")
    raw = signed(message("Vong Saysana <vong@nra.example>", "NEED", LAO_NEED), key)
    done = deliver(people, raw, settings=dkim_on, dnsfunc=dns)
    assert done.outcome == "need N-2026-0001 created"
    assert dns.asked == [b"sel._domainkey.nra.example."]


def test_a_signature_of_a_subdomain_is_aligned(
    people: Portal, dkim_on: Settings, key: KeyPair
) -> None:
    raw = signed(message("vong@nra.example", "NEED", LAO_NEED), key, "mail.nra.example")
    done = deliver(people, raw, settings=dkim_on, dnsfunc=zone(key, "mail.nra.example"))
    assert done.outcome == "need N-2026-0001 created"


def test_a_message_changed_after_signing_is_treated_as_a_dmarc_fail(
    people: Portal, dkim_on: Settings, key: KeyPair
) -> None:
    raw = signed(message("vong@nra.example", "NEED", LAO_NEED), key)
    tampered = raw.replace(b"250k USD", b"990k USD")
    done = deliver(people, tampered, settings=dkim_on, dnsfunc=zone(key, "nra.example"))
    assert done.outcome == "refused: dkim fail"
    assert [(m.recipient, m.kind) for m in done.mail] == [("vong@nra.example", "spoofed_mail")]
    assert records(people) == []


def test_a_valid_signature_of_another_domain_is_not_aligned(
    people: Portal, dkim_on: Settings, key: KeyPair
) -> None:
    dns = zone(key, "evil.example")
    raw = signed(message("vong@nra.example", "NEED", LAO_NEED), key, "evil.example")
    done = deliver(people, raw, settings=dkim_on, dnsfunc=dns)
    assert done.outcome == "refused: dkim fail"
    assert dns.asked == []  # refused before any lookup
    assert records(people) == []


def test_a_signature_with_a_body_length_is_refused(
    people: Portal, dkim_on: Settings, key: KeyPair
) -> None:
    """With l=, anyone may append text below the signed part: a "WITHDRAW" line, say."""
    raw = signed(message("vong@nra.example", "NEED", LAO_NEED), key, length=True)
    assert b"l=" in raw.split(b"\r\n")[0] + raw.split(b"\r\n")[1]
    done = deliver(people, raw, settings=dkim_on, dnsfunc=zone(key, "nra.example"))
    assert done.outcome == "refused: dkim fail"
    assert records(people) == []


def test_an_unsigned_message_may_read_but_not_write(
    people: Portal, dkim_on: Settings, key: KeyPair
) -> None:
    dns = zone(key, "nra.example")
    mail = message("vong@nra.example", "NEED", LAO_NEED)
    need = deliver(people, mail, settings=dkim_on, dnsfunc=dns)
    assert need.outcome == "refused: unauthenticated"
    help_ = deliver(people, message("vong@nra.example", "HELP"), settings=dkim_on, dnsfunc=dns)
    assert (help_.outcome, help_.recipients) == ("help sent", ["vong@nra.example"])
    assert dns.asked == [] and records(people) == []


def test_a_failing_dns_lookup_is_a_refusal_not_a_crash(
    people: Portal, dkim_on: Settings, key: KeyPair
) -> None:
    def broken(name: bytes, timeout: int = 5) -> bytes | None:
        raise OSError("no resolver")

    raw = signed(message("vong@nra.example", "NEED", LAO_NEED), key)
    done = deliver(people, raw, settings=dkim_on, dnsfunc=broken)
    assert done.outcome == "refused: dkim fail"
    assert records(people) == []


def test_a_trusted_front_server_wins_over_our_own_dkim_check(
    people: Portal, dkim_on: Settings, key: KeyPair
) -> None:
    both = dkim_on.with_changes(trusted_authserv_id=MX)
    dns = zone(key, "nra.example")
    raw = f"{FAILED}\r\n".encode() + signed(message("vong@nra.example", "NEED", LAO_NEED), key)
    assert deliver(people, raw, settings=both, dnsfunc=dns).outcome == "refused: dmarc fail"
    assert dns.asked == []


@pytest.mark.parametrize(
    ("domain", "organisation"),
    [
        ("nra.example", "nra.example"),
        ("mail.NRA.example.", "nra.example"),
        ("smtp.mofa.gov.la", "mofa.gov.la"),
        ("lmac.gov.lb", "lmac.gov.lb"),
        ("mail.npaid.org", "npaid.org"),
        ("localhost", "localhost"),
        ("smtp.mofa.go.jp", "mofa.go.jp"),
        ("mail.defence.gc.ca", "defence.gc.ca"),
        ("mx.diplomatie.gouv.fr", "diplomatie.gouv.fr"),
        ("correo.sre.gob.mx", "sre.gob.mx"),
        ("mail.fcdo.co.uk", "fcdo.co.uk"),
        ("lists.example.org", "example.org"),
        ("example.org", "example.org"),
        ("gov.la", "gov.la"),  # a public suffix stays itself
    ],
)
def test_the_organisational_domain_is_by_the_public_suffix_list(
    domain: str, organisation: str
) -> None:
    assert organisational_domain(domain) == organisation


def test_alignment_is_relaxed_but_not_across_organisations() -> None:
    assert aligned("mail.nra.example", "nra.example")
    assert not aligned("nra.example.evil.example", "nra.example")
    assert not aligned("other.gov.la", "mofa.gov.la")
    assert not aligned("", "nra.example")
    # under a shared suffix (go.jp, gc.ca, gouv.fr, gob.mx, co.uk) agencies are apart
    assert not aligned("mod.go.jp", "mofa.go.jp")
    assert not aligned("forces.gc.ca", "defence.gc.ca")
    assert not aligned("interieur.gouv.fr", "diplomatie.gouv.fr")
    assert not aligned("sedena.gob.mx", "sre.gob.mx")
    assert not aligned("evil.co.uk", "fcdo.co.uk")
    assert aligned("mail.mofa.go.jp", "mofa.go.jp")
    assert aligned("example.org", "lists.example.org")


# ---- one From, one address ---------------------------------------------------------------


TWO_FROMS = (
    b"From: Vong Saysana <vong@nra.example>\r\n"
    b"From: Rana Haddad <rana@lmac.example>\r\n"
    b"To: submit@portal.test\r\n"
    b"Subject: WITHDRAW N-2026-0001\r\n"
    b"Message-ID: <two-froms@sender.example>\r\n"
    b"\r\n"
    b"WITHDRAW N-2026-0001\r\n"
)


def test_two_from_headers_are_refused_and_only_the_envelope_sender_is_told(
    people: Portal,
) -> None:
    deliver(people, message("vong@nra.example", "NEED", LAO_NEED))
    done = deliver(people, TWO_FROMS, envelope="relay@lists.example")
    assert done.outcome == "refused: ambiguous From"
    (reply,) = done.mail
    assert (reply.recipient, reply.kind) == ("relay@lists.example", "ambiguous_from")
    assert reply.subject == "Your message could not be used: several senders"
    assert "The subject line of that message: WITHDRAW N-2026-0001" in reply.body.splitlines()
    assert records(people) == [("N-2026-0001", "pending")]


LAST_FIRST = (
    b"From: Saysana, Vong <vong@nra.example>\r\n"
    b"To: submit@portal.test\r\n"
    b"Subject: NEED\r\n"
    b"Message-ID: <last-first@nra.example>\r\n"
    b"\r\n"
)


def test_a_last_first_name_without_quotes_is_one_sender(people: Portal) -> None:
    """Outlook writes "Saysana, Vong <vong@…>" without quotes: a name with a comma, one address."""
    done = deliver(people, LAST_FIRST + LAO_NEED.encode(), envelope="vong@nra.example")
    assert done.outcome != "refused: ambiguous From"
    assert records(people) == [("N-2026-0001", "pending")]


def test_several_addresses_in_one_from_are_refused(people: Portal, checked: Settings) -> None:
    raw = on_top(message("vong@nra.example, rana@lmac.example", "NEED", LAO_NEED), PASSED)
    done = deliver(people, raw, envelope="someone@else.example", settings=checked)
    assert done.outcome == "refused: ambiguous From"
    assert [(m.recipient, m.kind) for m in done.mail] == [
        ("someone@else.example", "ambiguous_from")
    ]
    assert records(people) == []


def test_the_ambiguous_from_reply_goes_out_once_a_day(people: Portal) -> None:
    first = deliver(people, TWO_FROMS, envelope="relay@lists.example")
    again = TWO_FROMS.replace(b"<two-froms@", b"<two-froms-again@")
    second = deliver(people, again, envelope="relay@lists.example")
    assert (len(first.mail), second.mail) == (1, [])
    assert second.outcome == "refused: ambiguous From"


@pytest.mark.parametrize(
    ("raw", "ambiguous"),
    [
        (TWO_FROMS, True),
        (b"From: a@x.example, b@y.example\r\n\r\nx", True),
        (b"From: team: a@x.example, b@y.example;\r\n\r\nx", True),
        (b"From: \r\n\r\nx", True),
        (b'From: "b@y.example" <a@x.example>\r\n\r\nx', False),
        (b"Subject: no From at all\r\n\r\nx", False),
    ],
)
def test_what_counts_as_an_ambiguous_from(raw: bytes, ambiguous: bool) -> None:
    assert ambiguous_from(headers_of(raw)) is ambiguous


# ---- the two new messages render in every language ---------------------------------------


@pytest.mark.parametrize("subject", ["NEED: survey", ""])
@pytest.mark.parametrize("template", ["spoofed_mail", "ambiguous_from"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_refusal_messages_render(template: str, lang: str, subject: str) -> None:
    common = {**Settings().names_in(lang), "submit_address": "submit@portal.test", "person": None}
    title, body = render(template, lang, subject=subject, **common)
    assert title and "\n" not in title
    assert body.count("\n-- \n") == 1
    if lang != "en":
        english_title, english = render(template, "en", subject=subject, **common)
        assert (title, body) != (english_title, english)
        assert [bool(s.strip()) for s in body.splitlines()] == [
            bool(s.strip()) for s in english.splitlines()
        ]
