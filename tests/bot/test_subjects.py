"""Reply and forward prefixes are read off subjects in one place, for every language."""

from __future__ import annotations

import pytest

from bot.parsing.subjects import is_reply_or_forward, without_prefixes, without_tags


@pytest.mark.parametrize(
    ("subject", "own"),
    [
        ("RE: RE: TR: Besoin Borkou", "Besoin Borkou"),
        ("Fwd: Fw: offer", "offer"),
        ("AW: WG: Angebot", "Angebot"),
        ("RV: Solicitud de apoyo", "Solicitud de apoyo"),
        ("RIF: proposta", "proposta"),
        ("[EXTERNAL] RE: Need", "Need"),
        ("Re[2]: Need", "Need"),
        ("RE：need", "need"),
        ("Need for survey teams", "Need for survey teams"),
    ],
)
def test_prefixes_and_tags_come_off(subject: str, own: str) -> None:
    assert without_prefixes(subject) == own


@pytest.mark.parametrize(
    ("subject", "answered"),
    [
        ("RE: Need", True),
        ("[Portal] TR: offre", True),
        ("SV: tilbud", True),
        ("Request for support", False),
        ("Rehabilitation need", False),
        ("NEED", False),
    ],
)
def test_a_reply_or_a_forward_is_told(subject: str, answered: bool) -> None:
    assert is_reply_or_forward(subject) is answered


def test_tags_alone_come_off() -> None:
    assert without_tags("[Portal] [#12] NEED") == "NEED"
    assert without_tags("RE: NEED") == "RE: NEED"
