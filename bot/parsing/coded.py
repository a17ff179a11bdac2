"""A word of a list read as vocabulary codes: as written, as "head – tail" ("VA – rehabilitation",
"technical expertise – survey advisers"), else by its content words (bot.parsing.terms)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.parsing.normalise import fold, lookup
from bot.parsing.terms import Codes, Terms

# "VA – rehabilitation", "AV: apoyo psicosocial": a head, a dash between spaces or a colon, a tail.
HEAD_AND_TAIL = re.compile(r"\s+[-–—]\s+|\s*[:：]\s+")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def coded(
    index: Mapping[str, tuple[str, ...]], text: str, terms: Terms | None = None
) -> Codes | None:
    """The codes of a word, or of a "head – tail" pair: the tail when it is one of the head's
    codes (a group's member), both when both are known, the head alone when the tail only
    qualifies a single code ("technical expertise – survey advisers"), the one member of a group
    the tail's words point to ("VA – school inclusion of child survivors"), else the group.
    Else the one value whose terms hold all the word's content words ("VA coordination",
    "informe de municiones retenidas")."""
    codes = lookup(index, fold(text))
    if codes is not None:
        return codes
    parts = HEAD_AND_TAIL.split(text, maxsplit=1)
    if len(parts) == 2 and "," not in text:  # "," : a list's items joined
        head = _known(index, terms, _BRACKETED.sub(" ", parts[0]))
        tail = lookup(index, fold(parts[1]))
        if head and tail:
            return tail if set(tail) <= set(head) else tuple(dict.fromkeys(head + tail))
        if head and len(head) > 1:
            return _member_of(index, head, parts[0], parts[1], terms)
        if head:
            return head
    return terms.find(text) if terms is not None else None


def _member_of(
    index: Mapping[str, Codes], group: Codes, head: str, tail: str, terms: Terms | None
) -> Codes:
    """The member of a group that "head – tail" names: the one head and tail name together
    ("survey – technical": "technical survey"), else the one the tail's words point to, else
    the group."""
    for joined in (f"{tail} {head}", f"{head} {tail}"):
        codes = lookup(index, fold(joined))
        if codes and set(codes) < set(group):
            return codes
    child = terms.pointed_to(group, tail) if terms is not None else None
    return (child,) if child else group


def _known(
    index: Mapping[str, tuple[str, ...]], terms: Terms | None, text: str
) -> tuple[str, ...] | None:
    codes = lookup(index, fold(text))
    return codes if codes is not None or terms is None else terms.find(text)
