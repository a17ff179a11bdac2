"""Which matches stay open: each record's best K, and those among their other record's best K.

A record's matches are ranked by score, then by the other record's id (the older one first), so
the order is total and a newcomer that only equals a match already held does not push it out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.matching.score import Match as Found
from store.matches import kth_best, ranked_at

log = logging.getLogger(__name__)


Bar = tuple[int, int] | None  # a record's k-th best open match (score, other id); None: < k


@dataclass(frozen=True)
class Kept:
    """What one record's refresh keeps: its matches to keep open, the other records' matches
    (need id, offer id) that it pushes out of both their records' best K, and the bars it knows
    anew (the record's own, and its counterparts' it looked at)."""

    matches: list[Found]
    dropped: set[tuple[int, int]]
    bars: dict[int, Bar]


def rank(score: int, other_id: int) -> tuple[int, int]:
    """The sort key of a match in one record's list: best first."""
    return -score, other_id


def keep(
    session: Session,
    kind: str,
    record_id: int,
    found: Sequence[Found],
    k: int,
    bars: dict[int, Bar],
) -> Kept:
    """The matches of a record (of `kind`, newly published or changed) to keep open: its best k,
    and those that enter their counterpart's best k. A counterpart's k-th match then falls to
    k+1-th: it is dropped unless it is among the best k of its other record.

    `bars` holds the counterparts' bars that are known (stored, for this k): a counterpart whose
    bar this match does not pass is settled without reading its matches; the others (a few at
    most, once records hold k matches) are ranked exactly in one query."""
    theirs = "offer" if kind == "need" else "need"

    def other(m: Found) -> int:
        return m.offer_id if kind == "need" else m.need_id

    ranked = sorted(found, key=lambda m: rank(m.score, other(m)))
    doubtful = [
        other(m)
        for m in ranked
        if other(m) not in bars
        or (bar := bars[other(m)]) is None
        or rank(m.score, record_id) < rank(*bar)
    ]
    places = [k - 1, k] if k > 1 else [k]
    exact = ranked_at(session, theirs, doubtful, places, excluding=record_id)
    looked = set(doubtful)
    kept: list[Found] = []
    pushed: dict[int, tuple[int, int]] = {}  # counterpart -> (score, id of its other) falling out
    new_bars: dict[int, Bar] = {}
    for place, m in enumerate(ranked):
        counterpart = other(m)
        enters = False
        if counterpart in looked:
            their_kth = exact.get((counterpart, k))
            enters = their_kth is None or rank(m.score, record_id) < rank(*their_kth)
            if enters and their_kth is not None:
                pushed[counterpart] = their_kth
            new_bars[counterpart] = _bar_after(
                exact.get((counterpart, k - 1)), their_kth, (m.score, record_id), enters, k
            )
        if place < k or enters:
            kept.append(m)
    last = ranked[k - 1] if len(ranked) >= k else None
    new_bars[record_id] = (last.score, other(last)) if last else None
    return Kept(kept, _dropped(session, kind, pushed, k), new_bars)


def _bar_after(before: Bar, kth: Bar, mine: tuple[int, int], enters: bool, k: int) -> Bar:
    """A counterpart's bar once this match is open: its k-th was `kth` and its (k-1)-th `before`
    (both leaving this match out)."""
    if not enters:
        return kth
    if k == 1:
        return mine
    if before is None:
        return None  # fewer than k-1 others: fewer than k with this one
    return max(before, mine, key=lambda bar: rank(*bar))


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
