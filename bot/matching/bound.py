"""Which candidates are worth scoring: an upper bound on each score, and a threshold search.

The bound uses only what the candidate search knows without loading a record. A candidate is
scored when its bound could still put it among the record's best K or its own: the most
promising first, until the bound falls below the K-th score found.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from bot.matching.keep import rank
from bot.matching.score import (
    AMOUNT,
    AREAS,
    ASSISTANCE,
    LANGUAGES,
    NEED,
    PERIOD,
    RECENCY,
    Match,
    Side,
)
from store.match_keys import Candidate


def ceiling(me: Side, candidate: Candidate) -> int:
    """The highest score the candidate's match with `me` can have. The shares of the areas and
    forms of assistance are exact; each other factor counts in full unless it is neutral (half)
    for certain: languages, a period or an amount missing on either side. The same sum and
    rounding as bot.matching.score.points, written out: this runs for every candidate."""
    if me.kind == NEED:
        areas, forms = len(set(me.areas)), len(set(me.assistance))
    else:
        areas, forms = candidate.areas, candidate.forms
    halves = 2 * RECENCY  # the other factors, in half points
    halves += 2 * LANGUAGES if me.languages and candidate.languages else LANGUAGES
    halves += 2 * PERIOD if me.period and candidate.period else PERIOD
    halves += 2 * AMOUNT if candidate.amount else AMOUNT
    scale = areas * forms
    total = AREAS * candidate.shared_areas * forms + ASSISTANCE * candidate.shared_forms * areas
    return min(100, (2 * total + halves * scale + scale) // (2 * scale))


def could_enter_theirs(me: Side, candidate: Candidate, bound: int, k: int) -> bool:
    """Whether the match could enter the candidate's own best k: its bar is not known (for this
    k), it holds fewer than k, or the bound passes its k-th."""
    if candidate.bar_keep != k or candidate.bar_score is None or candidate.bar_other is None:
        return True
    return rank(bound, me.record_id) < rank(candidate.bar_score, candidate.bar_other)


def shortlist(
    me: Side,
    found: Sequence[Candidate],
    k: int,
    held: Collection[int],
    score: Callable[[list[int]], list[Match]],
) -> list[Match]:
    """The matches of the candidates that could be kept: every match among `me`'s best k, every
    one that could enter its candidate's best k, and those of the candidates in `held` (matched
    with `me` before). `score` loads and scores the candidates of the given ids."""
    bounds = {c.id: ceiling(me, c) for c in found}
    order = sorted(found, key=lambda c: rank(bounds[c.id], c.id))
    first = [c.id for c in order[:k]]
    first += [c.id for c in order[k:] if c.id in held or could_enter_theirs(me, c, bounds[c.id], k)]
    results = score(first)
    loaded = set(first)
    other_id = (lambda m: m.offer_id) if me.kind == NEED else (lambda m: m.need_id)
    while True:
        ranks = sorted(rank(m.score, other_id(m)) for m in results)
        kth = ranks[k - 1] if len(ranks) >= k else None
        pending = [
            c.id
            for c in order
            if c.id not in loaded and (kth is None or rank(bounds[c.id], c.id) < kth)
        ]
        if not pending:
            return results
        batch = pending[: max(k, len(loaded))]
        results += score(batch)
        loaded.update(batch)
