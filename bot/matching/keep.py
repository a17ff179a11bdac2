"""Which matches stay open: each record keeps its best K, and a match stays while it is among the
best K of its need or of its offer.

A record's matches are ranked by score, then by the other record's id (the older one first), so
the order is total and a newcomer that only equals a match already held does not push it out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.matching.score import Match as Found
from store.matches import kth_best

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kept:
    """What one record's refresh keeps: its matches to keep open, and the other records' matches
    (need id, offer id) that it pushes out of both their records' best K."""

    matches: list[Found]
    dropped: set[tuple[int, int]]


def rank(score: int, other_id: int) -> tuple[int, int]:
    """The sort key of a match in one record's list: best first."""
    return -score, other_id


def keep(session: Session, kind: str, record_id: int, found: Sequence[Found], k: int) -> Kept:
    """The matches of a record (of `kind`, newly published or changed) to keep open: its best k,
    and those that enter their counterpart's best k. A counterpart's k-th match then falls to
    k+1-th: it is dropped unless it is among the best k of its other record."""
    theirs = "offer" if kind == "need" else "need"

    def other(m: Found) -> int:
        return m.offer_id if kind == "need" else m.need_id

    ranked = sorted(found, key=lambda m: rank(m.score, other(m)))
    kth = kth_best(session, theirs, [other(m) for m in ranked], k, excluding=record_id)
    kept: list[Found] = []
    pushed: dict[int, tuple[int, int]] = {}  # counterpart -> (score, id of its other) falling out
    for place, m in enumerate(ranked):
        counterpart = other(m)
        their_kth = kth.get(counterpart)
        enters = their_kth is None or rank(m.score, record_id) < rank(*their_kth)
        if enters and their_kth is not None:
            pushed[counterpart] = their_kth
        if place < k or enters:
            kept.append(m)
    return Kept(kept, _dropped(session, kind, pushed, k))


def _dropped(
    session: Session, kind: str, pushed: dict[int, tuple[int, int]], k: int
) -> set[tuple[int, int]]:
    """Of the matches pushed out of a counterpart's best k, those not among the best k of their
    other record (of `kind`, the refreshed record's kind) either."""
    if not pushed:
        return set()
    holders = {other for _, other in pushed.values()}
    kth = kth_best(session, kind, holders, k)
    dropped = set()
    for counterpart, (score, holder) in pushed.items():
        their_kth = kth.get(holder)
        if their_kth is not None and rank(score, counterpart) > rank(*their_kth):
            pair = (holder, counterpart) if kind == "need" else (counterpart, holder)
            dropped.add(pair)
    log.debug("%d matches pushed out, %d dropped", len(pushed), len(dropped))
    return dropped
