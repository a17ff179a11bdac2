"""Subject lines as mail clients leave them: the reply and forward prefixes people's clients put
before the words ("Re:", "TR:", "RV:", "AW:", "WG:", "RIF:", "SV:", "Fwd:", "[Portal]"), in
every language the portal hears from, read in one place."""

from __future__ import annotations

import re

_PREFIX = r"(?:re|fwd?|fw|tr|rv|aw|wg|rif|sv|vs|antw|r|res|enc|odp|vl|ynt)\s*(?:\[\d+\])?\s*[:：]"
_TAG = r"\[[^\]]*\]"  # "[Portal]", "[#123]", "[EXTERNAL]": a gateway's or a list's mark
_REPLY_OR_FORWARD = re.compile(rf"^\s*(?:{_TAG}\s*)*{_PREFIX}", re.I)
_PREFIXES = re.compile(rf"^\s*(?:(?:{_PREFIX}|{_TAG})\s*)+", re.I)
_TAGS = re.compile(rf"^\s*(?:{_TAG}\s*)+")


def is_reply_or_forward(subject: str) -> bool:
    """The subject is someone else's, answered or passed on: "RE: RE: Plantilla", "[EXT] TR: …"."""
    return bool(_REPLY_OR_FORWARD.match(subject))


def without_prefixes(subject: str) -> str:
    """The subject's own words, less every reply or forward prefix and tag before them."""
    return _PREFIXES.sub("", subject).strip()


def without_tags(subject: str) -> str:
    """The subject less the bracketed tags before it ("[Portal] NEED" is "NEED")."""
    return _TAGS.sub("", subject)
