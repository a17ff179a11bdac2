"""The inbox's dedup key is defined for any text, and unchanged for text that is valid UTF-8."""

from __future__ import annotations

import hashlib
import re

from hypothesis import given
from hypothesis import strategies as st

from store.inbox import dedup_key

# Any code point, with lone surrogates (what aiosmtpd makes of bytes that are not UTF-8) often.
# (Joined from a list: st.text() would merge the alphabets and drop the surrogates.)
ANY_TEXT = st.lists(st.characters(categories=["Cs"]) | st.characters(exclude_categories=())).map(
    "".join
)
HEX_64 = re.compile(r"[0-9a-f]{64}")


@given(sender=ANY_TEXT, message_id=st.none() | ANY_TEXT, raw=st.binary(max_size=64))
def test_any_sender_and_message_id_give_a_key(
    sender: str, message_id: str | None, raw: bytes
) -> None:
    """Before: UnicodeEncodeError for a lone surrogate, so the SMTP side answered 451 for ever."""
    assert HEX_64.fullmatch(dedup_key("email", sender, message_id, raw))


@given(sender=st.text(), message_id=st.text(min_size=1).filter(str.strip))
def test_keys_of_valid_text_are_as_before(sender: str, message_id: str) -> None:
    """Items already kept keep being recognised: the key of valid text did not change."""
    before = f"email\0{sender.lower()}\0{message_id.strip()}".encode()
    assert dedup_key("email", sender, message_id, b"") == hashlib.sha256(before).hexdigest()


def test_an_undecodable_byte_never_shares_a_key_with_the_text_its_bytes_spell() -> None:
    """b"\\xc3\\xa9" decoded with surrogateescape byte by byte is not "é": the keys differ
    (encoding with surrogateescape would give both the same bytes)."""
    escaped = b"v\xc3\xa9ng@nra.example".decode("ascii", "surrogateescape")
    assert escaped == "v\udcc3\udca9ng@nra.example"
    assert dedup_key("email", escaped, "<a@b>", b"") != dedup_key(
        "email", "véng@nra.example", "<a@b>", b""
    )
