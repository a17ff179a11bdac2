"""The portal's own addresses: a domain of its own, or one address in a shared mailbox."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import addresses, tokens, verp
from bot.addresses import Addresses
from bot.config import Settings
from bot.errors import ConfigError

KEY = b"k" * 32
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
OWN_DOMAIN = Addresses("portal.test")
PLUS = Addresses("localhost", "portal@ministry.example", "+")
DASH = Addresses("localhost", "portal@ministry.example", "-")


def test_a_portal_with_a_domain_of_its_own_is_as_before() -> None:
    assert OWN_DOMAIN.submit == "submit@portal.test"
    assert OWN_DOMAIN.reply("r1-a-b-c") == "reply+r1-a-b-c@portal.test"
    assert OWN_DOMAIN.token_in(("submit@portal.test", "REPLY+R1-A-B-C@Portal.Test")) == "r1-a-b-c"
    assert OWN_DOMAIN.token_in(("reply+r1-a-b-c@other.example", "submit@portal.test")) is None
    assert OWN_DOMAIN.is_ours("anyone@PORTAL.test")
    assert not OWN_DOMAIN.is_ours("vong@nra.example")
    assert not OWN_DOMAIN.accepted_by_smtp("submit@portal.test")  # the listener's own rule


@pytest.mark.parametrize(
    "portal", [PLUS, DASH, Addresses("localhost", "portal@ministry.example", "=")]
)
def test_a_mailbox_portal_gets_replies_at_its_separator_forms(portal: Addresses) -> None:
    token = tokens.make(KEY, "r", 12, "vong@nra.example", NOW)
    assert "-" in token  # tokens hold the "-" separator themselves
    reply_to = portal.reply(token)
    assert reply_to == f"portal{portal.separator}{token}@ministry.example"
    recipients = ("portal@ministry.example", "boss@gov.example", reply_to.upper())
    assert portal.token_in(recipients) == token
    assert tokens.check(KEY, token, "vong@nra.example", NOW) == tokens.TokenCheck(
        tokens.Token("r", 12)
    )
    assert portal.submit == "portal@ministry.example"
    # not a reply address: the bare address, another domain, reply+ at a domain not ours
    assert portal.token_in(("portal@ministry.example",)) is None
    assert portal.token_in((f"portal{portal.separator}{token}@other.example",)) is None
    assert portal.token_in((f"reply+{token}@localhost",)) is None
    assert portal.token_in((f"portal{portal.separator}@ministry.example",)) is None


def test_only_the_address_and_its_separator_forms_are_ours_in_a_shared_domain() -> None:
    token = tokens.make(KEY, "r", 12, "vong@nra.example", NOW)
    bounce = f"bounce-{verp.tag(KEY, 7)}"
    assert PLUS.is_ours("portal@ministry.example")
    assert PLUS.is_ours("Portal@Ministry.Example")
    assert PLUS.is_ours(f"portal+{token}@ministry.example")
    assert PLUS.is_ours(f"PORTAL+{bounce.upper()}@ministry.example")
    assert not PLUS.is_ours("colleague@ministry.example")
    assert not PLUS.is_ours("portalx@ministry.example")
    assert not PLUS.is_ours(f"portal-{token}@ministry.example")
    assert not PLUS.is_ours("portal@other.example")
    assert not PLUS.is_ours("")
    assert DASH.is_ours(f"portal-{token}@ministry.example")
    assert DASH.is_ours(f"portal-{bounce}@ministry.example")
    assert not DASH.is_ours(f"portal+{token}@ministry.example")


@pytest.mark.parametrize("portal", [PLUS, DASH], ids=["plus", "dash"])
def test_a_colleague_named_like_the_portal_is_somebody_else(portal: Addresses) -> None:
    """Only a token's or a bounce tag's shape after the separator makes a separator form ours:
    portal-team@ is a colleague (and a "+" form that is no token is nobody's reply address)."""
    sep = portal.separator
    for colleague in ("team", "desk-2", "bounce", "bounce-7", "bounce-7-x", "r1-x"):
        address = f"portal{sep}{colleague}@ministry.example"
        assert not portal.is_ours(address), address
        assert portal.token_in((address, "portal@ministry.example")) is None, address
    # a bounce address is ours but holds no reply token
    assert portal.token_in((f"portal{sep}bounce-{verp.tag(KEY, 7)}@ministry.example",)) is None


def test_the_smtp_listener_takes_the_address_only_at_its_own_domain() -> None:
    at_home = Addresses("ministry.example", "portal@ministry.example", "+")
    token = tokens.make(KEY, "r", 1, "vong@nra.example", NOW)
    assert at_home.accepted_by_smtp(f"Portal+{token.upper()}@ministry.example")
    assert not at_home.accepted_by_smtp("portal+team@ministry.example")
    assert at_home.accepted_by_smtp("portal@ministry.example")
    assert not at_home.accepted_by_smtp("colleague@ministry.example")
    assert not PLUS.accepted_by_smtp("portal@ministry.example")  # PORTAL_DOMAIN elsewhere


def test_reply_plus_at_an_explicit_domain_still_reads_in_mailbox_mode() -> None:
    at_home = Addresses("ministry.example", "portal@ministry.example", "+")
    assert at_home.token_in(("reply+r1-a@ministry.example",)) == "r1-a"


def test_message_ids_use_portal_domain_when_set_else_the_addresses() -> None:
    assert OWN_DOMAIN.message_domain == "portal.test"
    assert PLUS.message_domain == "ministry.example"
    explicit = Addresses("portal.ministry.example", "portal@ministry.example", "+")
    assert explicit.message_domain == "portal.ministry.example"
    ours = PLUS.message_id()
    assert ours.endswith(".portal@ministry.example>") and PLUS.wrote(ours)
    assert PLUS.wrote(PLUS.message_id("digest.7.", 12))
    # a colleague's client writes Message-IDs at the same domain: not ours
    assert not PLUS.wrote("<5f1c2b7e-3d4a-4c1e-9b2d-1a2b3c4d5e6f@ministry.example>")
    assert OWN_DOMAIN.wrote(OWN_DOMAIN.message_id())
    assert len(OWN_DOMAIN.message_id()) == len("<>@portal.test") + 32
    assert not OWN_DOMAIN.wrote("<abc@nra.example>")


def load(**env: str) -> Settings:
    return Settings.load(
        {f"PORTAL_{k.upper()}": v for k, v in env.items()}, toml_path=Path("/nonexistent")
    )


def test_the_settings_name_the_portals_address() -> None:
    settings = load(address="Portal@Ministry.Example", mail_provider="Google")
    assert (settings.submit_address, settings.mail_provider) == (
        "portal@ministry.example",
        "google",
    )
    assert addresses.of(settings).reply("r1-x") == "portal+r1-x@ministry.example"
    assert load(address_separator="-", address="portal@ministry.example").address_separator == "-"
    assert load().submit_address == "submit@localhost"


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"address": "portal@ministry.example, other@ministry.example"}, "one bare address"),
        ({"address": "Portal <portal@ministry.example>"}, "one bare address"),
        ({"address": "portal"}, "must be one address"),
        ({"address": "portal@localhost"}, "must be one address"),
        ({"address": "a@b@ministry.example"}, "one bare address"),
        ({"address": "portal+bot@ministry.example"}, "holds the separator"),
        ({"address": "co-op@ministry.example", "address_separator": "-"}, "holds the separator"),
        ({"address_separator": "."}, "must be one of"),
        ({"address_separator": "_"}, "must be one of"),
        ({"mail_provider": "yahoo"}, "google, microsoft or empty"),
    ],
)
def test_a_wrong_address_setting_is_refused(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        load(**env)


@pytest.mark.parametrize(
    ("imap_url", "address", "own"),
    [
        ("imaps://portal%40ministry.example:pw@imap.example/INBOX", "", "portal@ministry.example"),
        ("imaps://Portal@Ministry.example@imap.example/INBOX", "", "portal@ministry.example"),
        ("imaps://portal%40x.org;AUTH=XOAUTH2@imap.gmail.com/", "", "portal@x.org"),
        ("imaps://isu-desk:pw@imap.example/INBOX", "", ""),  # a login, not an address
        ("imaps://isu%40x.org:pw@imap.example/Shared", "ccm@x.org", "ccm@x.org"),
        ("", "", ""),
    ],
)
def test_the_mailbox_login_is_the_portal_s_address_unless_one_is_set(
    imap_url: str, address: str, own: str
) -> None:
    settings = Settings(imap_url=imap_url, address=address)
    assert addresses.own_address(settings) == own
    assert settings.submit_address == (own or "submit@localhost")
