"""Reply tokens: a round trip, and each way a token is refused."""

from datetime import UTC, datetime, timedelta

from bot import tokens

KEY = b"k" * 32
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_a_token_answers_what_it_was_made_for() -> None:
    token = tokens.make(KEY, "r", 42, "Vong@NRA.example", NOW)
    assert token == token.lower() and token.startswith("r42-")
    assert tokens.check(KEY, token, "vong@nra.example", NOW) == tokens.TokenCheck(
        tokens.Token("r", 42)
    )
    assert tokens.check(KEY, token.upper(), "vong@nra.example", NOW).token == tokens.Token("r", 42)


def test_an_altered_token_is_refused() -> None:
    token = tokens.make(KEY, "r", 42, "vong@nra.example", NOW)
    for altered in (
        token.replace("r42-", "r43-", 1),
        token[:-1] + ("a" if token[-1] != "a" else "b"),
        "r42",
        "",
        token + "x",
    ):
        assert tokens.check(KEY, altered, "vong@nra.example", NOW) == tokens.TokenCheck(
            None, "altered"
        )
    assert tokens.check(b"other key" * 4, token, "vong@nra.example", NOW).problem == "altered"


def test_a_forwarded_token_is_refused() -> None:
    token = tokens.make(KEY, "g", 7, "isu@ccm.example", NOW)
    assert tokens.check(KEY, token, "colleague@ccm.example", NOW).problem == "forwarded"


def test_an_expired_token_is_refused() -> None:
    token = tokens.make(KEY, "i", 9, "vong@nra.example", NOW)
    assert tokens.check(KEY, token, "vong@nra.example", NOW + timedelta(days=59)).token
    assert tokens.check(KEY, token, "vong@nra.example", NOW + timedelta(days=62)).problem == (
        "expired"
    )


def test_the_token_is_found_among_the_recipients() -> None:
    found = tokens.from_recipients(
        ("submit@portal.test", "reply+r1-abc@other.example", "REPLY+r2-xyz@Portal.Test"),
        "portal.test",
    )
    assert found == "r2-xyz"
    assert tokens.from_recipients(("submit@portal.test",), "portal.test") is None
