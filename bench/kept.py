"""The open matches a portal holds once every record keeps its best K, approximated in bulk.

For the matching bench: computing them exactly would take hours at 100k records.
Each published record gets as many open matches as it would hold as its own best K (fewer when
it has fewer matches), with scores drawn from the real best-K scores of a sample of records of
its kind, scored as they are when stored (the newer record then just published), against
partners drawn at random among the records of the other kind.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import delete, insert

from bench.corpus import NOW
from bench.seed import BATCH, Published, _table
from bot.app import Portal
from bot.matching.refresh import region_countries
from bot.matching.score import best_matches
from store.db import transaction
from store.matches import OPEN, Match, rebuild_bars
from store.records import PUBLISHED

SAMPLES = 20  # records of each kind whose real best K are scored


def best_k_scores(
    sides: dict[str, list[Any]], kind: str, k: int, rng: random.Random
) -> list[list[int]]:
    """The scores of the best k matches of SAMPLES records of `kind`, each as if just published."""
    other = "offer" if kind == "need" else "need"
    lists = []
    for side in rng.sample(sides[kind], min(SAMPLES, len(sides[kind]))):
        found = best_matches(
            replace(side, published_at=NOW), sides[other], region_countries=region_countries,
            now=NOW,
        )  # fmt: skip
        lists.append([m.score for m in found[:k]])
    return lists


def insert_kept_matches(portal: Portal, published: Sequence[Published], k: int, seed: int) -> int:
    """Replace every stored match by the approximate steady state; returns the rows stored."""
    rng = random.Random(seed)
    sides: dict[str, list[Any]] = {"need": [], "offer": []}
    for record in published:
        if record.status == PUBLISHED:
            sides[record.spec.kind].append(record.side())
    scores = {kind: best_k_scores(sides, kind, k, rng) for kind in sides}
    with transaction(portal.sessions) as session:
        session.execute(delete(_table(Match)))
    stored = 0
    batch: list[dict[str, Any]] = []
    for row in _rows(sides, scores, rng):
        batch.append(row)
        if len(batch) == BATCH * 10:
            stored += _insert(portal, batch)
            batch = []
    stored += _insert(portal, batch)
    with transaction(portal.sessions) as session:
        rebuild_bars(session, k)  # each record's k-th best, as refresh() keeps it
    return stored


def _rows(
    sides: dict[str, list[Any]], scores: dict[str, list[list[int]]], rng: random.Random
) -> Iterator[dict[str, Any]]:
    ids = {kind: [side.record_id for side in sides[kind]] for kind in sides}
    taken: set[int] = set()  # need id << 32 | offer id
    for kind, other in (("need", "offer"), ("offer", "need")):
        for record_id in ids[kind]:
            chosen = rng.choice(scores[kind]) if scores[kind] else []
            partners = rng.sample(ids[other], min(len(chosen), len(ids[other])))
            for score, partner in zip(chosen, partners, strict=False):
                need, offer = (record_id, partner) if kind == "need" else (partner, record_id)
                if (key := need << 32 | offer) in taken:
                    continue
                taken.add(key)
                yield {
                    "need_id": need, "offer_id": offer, "score": score, "reasons": [],
                    "status": OPEN, "created_at": NOW, "updated_at": NOW, "closed_at": None,
                }  # fmt: skip


def _insert(portal: Portal, rows: list[dict[str, Any]]) -> int:
    if rows:
        with transaction(portal.sessions) as session:
            session.execute(insert(_table(Match)), rows)
    return len(rows)
