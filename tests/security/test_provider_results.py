"""The mailbox provider's Authentication-Results (Google, Microsoft 365), read by the same rules
as a front server's: real header layouts from tests/data/provider-mail, through the pipeline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import addresses, tokens
from bot.app import Portal
from bot.channels.email.results import Result, parse_authentication_results
from bot.config import Settings
from bot.people import registry
from store.base import utcnow
from store.db import transaction
from tests.flows.test_need_by_email import LAO_NEED
from tests.security.conftest import deliver, message
from tests.security.test_authentication import on_top, records

SAMPLES = Path(__file__).parent.parent / "data" / "provider-mail"
CREATED = "need N-2026-0001 created"
FAIL = "refused: dmarc fail"
UNAUTHENTICATED = "refused: unauthenticated"
MX = "mx.portal.test"
VONG = "vong@nra.example"


def mailbox(settings: Settings, provider: str) -> Settings:
    """The portal reading portal@ministry.example at `provider` (PORTAL_DOMAIN not set)."""
    return settings.with_changes(
        address="portal@ministry.example", mail_provider=provider, domain="localhost"
    )


def sample(name: str) -> bytes:
    return (SAMPLES / f"{name}.eml").read_bytes()


@pytest.mark.parametrize(
    ("provider", "name", "outcome"),
    [
        ("google", "gmail-pass", CREATED),
        ("google", "gmail-dmarc-fail", FAIL),
        ("google", "gmail-no-dmarc-record-dkim-aligned", CREATED),
        ("google", "gmail-no-dmarc-record-dkim-of-another-domain", UNAUTHENTICATED),
        ("google", "gmail-no-dmarc-record-partial-body-signature", UNAUTHENTICATED),
        ("google", "gmail-forged-lower-header", FAIL),
        ("google", "gmail-no-dmarc-record-forged-lower-pass", UNAUTHENTICATED),
        ("microsoft", "microsoft-pass", CREATED),
        ("microsoft", "microsoft-dmarc-fail", FAIL),
        ("microsoft", "microsoft-bestguesspass", CREATED),
        ("microsoft", "microsoft-no-dmarc-record", UNAUTHENTICATED),
        ("microsoft", "microsoft-forged-lower-header", FAIL),
        # Exchange Online's AuthAs says the message did not come through its edge: no header
        # of Microsoft's, the topmost one is whoever wrote it
        ("microsoft", "microsoft-no-authas-forged-pass", UNAUTHENTICATED),
        # the other provider's header is no evidence
        ("microsoft", "gmail-pass", UNAUTHENTICATED),
        ("google", "microsoft-pass", UNAUTHENTICATED),
    ],
)
def test_the_providers_header_decides(
    people: Portal, settings: Settings, provider: str, name: str, outcome: str
) -> None:
    done = deliver(people, sample(name), settings=mailbox(settings, provider))
    assert done.outcome == outcome
    if outcome == CREATED:
        assert records(people) == [("N-2026-0001", "pending")]
        assert [(m.recipient, m.kind) for m in done.mail] == [
            ("vong@nra.example", "receipt"),
            ("isu@ccm.example", "pending_for_secretariat"),
        ]
    else:  # nothing changes, and the owner of the address is told, never the forger
        assert records(people) == []
        assert [(m.recipient, m.kind) for m in done.mail] == [("vong@nra.example", "spoofed_mail")]


COLLEAGUE = "souk@ministry.example"  # a focal point whose mailbox is in the portal's tenant


@pytest.fixture
def colleague(people: Portal) -> Portal:
    with transaction(people.sessions) as session:
        registry.add_focal_point(session, actor_name="LAO", email=COLLEAGUE, name="Souk")
    return people


def auth_as(raw: bytes, *values: str) -> bytes:
    """The sample with Exchange's AuthAs header(s) replaced by `values`."""
    lines = [
        line
        for line in raw.split(b"\n")
        if not line.startswith(b"X-MS-Exchange-Organization-AuthAs:")
    ]
    at = lines.index(b"MIME-Version: 1.0")
    added = [f"X-MS-Exchange-Organization-AuthAs: {value}".encode() for value in values]
    return b"\n".join(lines[:at] + added + lines[at:])


def test_a_colleague_in_the_tenant_is_authenticated_by_exchange(
    colleague: Portal, settings: Settings
) -> None:
    """AuthAs: Internal. The mail carries no header of Microsoft's edge, only the
    intra-organisation `dmarc=none` line; the tenant lets a mailbox send only as itself."""
    done = deliver(colleague, sample("microsoft-internal"), settings=mailbox(settings, "microsoft"))
    assert done.outcome == CREATED
    assert records(colleague) == [("N-2026-0001", "pending")]
    assert [(m.recipient, m.kind) for m in done.mail] == [
        (COLLEAGUE, "receipt"),
        ("isu@ccm.example", "pending_for_secretariat"),
    ]


@pytest.mark.parametrize(
    ("name", "values", "outcome"),
    [
        ("microsoft-internal", (), UNAUTHENTICATED),  # Exchange said nothing
        ("microsoft-internal", ("Partner",), UNAUTHENTICATED),
        ("microsoft-internal", ("Internal", "Anonymous"), UNAUTHENTICATED),  # not Exchange's own
        ("microsoft-internal", ("Anonymous",), UNAUTHENTICATED),  # dmarc=none, no DKIM pass
        ("microsoft-outsider-as-colleague", ("Anonymous",), FAIL),  # as it came from outside
        ("microsoft-pass", ("Partner",), UNAUTHENTICATED),
        ("microsoft-pass", ("Internal",), CREATED),
    ],
)
def test_only_exchanges_one_authas_header_says_how_the_mail_came(
    colleague: Portal, settings: Settings, name: str, values: tuple[str, ...], outcome: str
) -> None:
    raw = auth_as(sample(name), *values)
    done = deliver(colleague, raw, settings=mailbox(settings, "microsoft"))
    assert done.outcome == outcome
    if outcome != CREATED:
        assert records(colleague) == []
        sender = VONG if name == "microsoft-pass" else COLLEAGUE
        assert [(m.recipient, m.kind) for m in done.mail] == [(sender, "spoofed_mail")]


def test_the_receipt_of_a_mailbox_portal_asks_for_replies_at_its_plus_address(
    people: Portal, settings: Settings
) -> None:
    done = deliver(people, sample("gmail-pass"), settings=mailbox(settings, "google"))
    receipt = done.mail[0]
    reply_to = receipt.headers["Reply-To"]
    assert re.fullmatch(
        r"portal\+r1-[0-9a-f]+-[a-z2-7]{6}-[a-z2-7]{16}@ministry\.example", reply_to
    )
    portal = addresses.of(mailbox(settings, "google"))
    token = portal.token_in((reply_to.upper(),))
    assert token is not None
    check = tokens.check(settings.secret_key.encode(), token, "vong@nra.example", utcnow())
    assert (check.token, check.problem) == (tokens.Token("r", 1), None)
    assert re.fullmatch(r"<[0-9a-f]{32}\.portal@ministry\.example>", receipt.message_id)


def test_an_explicit_authserv_id_wins_over_the_providers(
    people: Portal, settings: Settings
) -> None:
    explicit = mailbox(settings, "google").with_changes(trusted_authserv_id=MX)
    assert deliver(people, sample("gmail-pass"), settings=explicit).outcome == UNAUTHENTICATED
    raw = on_top(
        message("vong@nra.example", "NEED", LAO_NEED, to="portal@ministry.example"),
        f"Authentication-Results: {MX}; dmarc=pass header.from=nra.example",
    )
    microsoft = mailbox(settings, "microsoft").with_changes(trusted_authserv_id=MX)
    assert deliver(people, raw, settings=microsoft).outcome == CREATED


# ---- the same rules for a front server ---------------------------------------------------


@pytest.mark.parametrize(
    ("results", "outcome"),
    [
        ("dmarc=bestguesspass header.from=nra.example", CREATED),
        ("dkim=pass header.d=nra.example; dmarc=none header.from=nra.example", CREATED),
        ("dkim=pass header.i=@mail.nra.example; spf=pass smtp.mailfrom=nra.example", CREATED),
        ("dkim=pass header.d=esp.example; dmarc=none header.from=nra.example", UNAUTHENTICATED),
        ("dkim=fail header.d=nra.example; dmarc=none header.from=nra.example", UNAUTHENTICATED),
        ("dmarc=none header.from=nra.example", UNAUTHENTICATED),
        ("dkim=pass header.d=nra.example; dmarc=fail header.from=nra.example", FAIL),
        ("dmarc=bestguesspass header.from=evil.example", FAIL),
    ],
)
def test_a_front_server_is_read_by_the_same_rules(
    people: Portal, settings: Settings, results: str, outcome: str
) -> None:
    raw = on_top(
        message("vong@nra.example", "NEED", LAO_NEED), f"Authentication-Results: {MX}; {results}"
    )
    checked = settings.with_changes(trusted_authserv_id=MX)
    assert deliver(people, raw, settings=checked).outcome == outcome


def test_microsofts_header_without_an_authserv_id_is_read() -> None:
    value = (
        "spf=pass (sender IP is 203.0.113.25) smtp.mailfrom=nra.example; dkim=pass (signature"
        " was verified) header.d=nra.example;dmarc=bestguesspass action=none"
        " header.from=nra.example;compauth=pass reason=109"
    )
    assert parse_authentication_results(value) == (
        "",
        [
            Result("spf", "pass", {"smtp.mailfrom": "nra.example"}),
            Result("dkim", "pass", {"header.d": "nra.example"}),
            Result("dmarc", "bestguesspass", {"header.from": "nra.example"}),
            Result("compauth", "pass", {}),
        ],
    )
    assert parse_authentication_results("mx.google.com; dmarc=pass header.from=a.example") == (
        "mx.google.com",
        [Result("dmarc", "pass", {"header.from": "a.example"})],
    )
