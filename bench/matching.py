"""Matching: the latency to match one newly published record among 1k, 10k and 100k published
ones (bot.matching.refresh: tag index, matcher, stored matches), against a naive scan that calls
the matcher on every record in memory (bot.matching.score.best_matches) in the same run.

    python -m bench.matching [--quick] [--db sqlite|postgresql|both] [--profile FILE]
"""

from __future__ import annotations

import cProfile
import gc
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from statistics import mean

from bench.cli import finish, options, percentile, quiet, say
from bench.corpus import NOW, Corpus, Spec
from bench.databases import kinds, scratch
from bench.kept import insert_kept_matches
from bench.seed import Published, actor_ids, insert_records, record_row, register_people
from bench.table import Row, ratio, verdict
from bot.app import Portal
from bot.matching.refresh import need_countries_for, offer_places_for, refresh, region_countries
from bot.matching.score import Side, best_matches
from store.db import WRITE
from store.match_keys import candidates
from store.records import PUBLISHED, Record

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 5_000)
SAMPLES = 40  # new records timed at each size
NAIVE_SAMPLES = 20
TARGET_MS = 20.0
KEEP = 25  # PORTAL_MATCHES_PER_RECORD's default


@dataclass(frozen=True)
class Timing:
    seconds: list[float]
    candidates: list[int]
    matches: list[int]
    closed: list[int]


def time_refresh(
    portal: Portal, specs: list[Spec], actors: dict[str, int], profile: cProfile.Profile | None
) -> Timing:
    """Publish each spec in a transaction, time refresh() and the flush of its matches, then
    roll back, so every sample sees the same published records."""
    seconds, found, opened_counts, closed_counts = [], [], [], []
    for n, spec in enumerate(specs):
        with portal.sessions() as session:
            session.begin()
            session.connection(execution_options={WRITE: True})
            row = record_row(spec, f"{spec.kind[0].upper()}-2099-{n:06d}", actors[spec.actor],
                             PUBLISHED, NOW, NOW)  # fmt: skip
            record = Record(**row)
            session.add(record)
            session.flush()
            if profile is not None:
                profile.enable()
            started = time.perf_counter()
            opened, closed = refresh(session, record, NOW, keep=KEEP)
            session.flush()
            seconds.append(time.perf_counter() - started)
            if profile is not None:
                profile.disable()
            opened_counts.append(opened)
            closed_counts.append(closed)
            found.append(len(_candidates(session, record)))
            session.rollback()
    return Timing(seconds, found, opened_counts, closed_counts)


def _candidates(session, record: Record) -> list[int]:  # type: ignore[no-untyped-def]
    other = "offer" if record.kind == "need" else "need"
    places = (
        offer_places_for(record.countries)
        if record.kind == "need"
        else need_countries_for(record.countries)
    )
    me = Side.of(record)
    found = candidates(
        session, other, me.areas, me.assistance, places, actor_id=me.actor_id, period=me.period,
        currency=me.currency if me.amount is not None else None,
    )  # fmt: skip
    return [c.id for c in found]


def time_naive(
    published: list[Published], specs: list[Spec], actors: dict[str, int]
) -> list[float]:
    """The matcher called on every published record, all already in memory as Sides."""
    everyone = [p.side() for p in published]
    seconds = []
    for n, spec in enumerate(specs):
        me = Side(-n - 1, "new", spec.kind, actors[spec.actor], spec.countries, spec.areas,
                  spec.assistance, spec.languages, spec.amount, spec.currency,
                  spec.period_start, spec.period_end, NOW)  # fmt: skip
        started = time.perf_counter()
        best_matches(me, everyone, region_countries=region_countries, now=NOW)
        seconds.append(time.perf_counter() - started)
    return seconds


def run_on(kind: str, sizes: tuple[int, ...], samples: int, profile_path: Path | None) -> list[Row]:
    rows: list[Row] = []
    corpus = Corpus(seed=11)
    newcomers = Corpus(seed=12)
    p50s: dict[int, float] = {}
    with scratch(kind, "matching") as place:
        portal = place.portal()
        register_people(portal)
        actors = actor_ids(portal)
        rng = random.Random(13)
        published: list[Published] = []
        for size in sizes:
            say(f"matching/{kind}: publishing up to {size:,} records")
            started = time.perf_counter()
            specs = [
                corpus.spec("need" if rng.random() < 0.6 else "offer")
                for _ in range(size - len(published))
            ]
            dated = [
                (spec, PUBLISHED, when, when)
                for spec in specs
                for when in [NOW - timedelta(seconds=rng.randint(3600, 364 * 86400))]
            ]
            published += insert_records(portal, dated, len(published) + 1)
            say(f"matching/{kind}: {size:,} published in {time.perf_counter() - started:.1f}s")
            started = time.perf_counter()
            kept = insert_kept_matches(portal, published, KEEP, seed=size)
            say(f"matching/{kind}: {kept:,} kept matches in {time.perf_counter() - started:.1f}s")
            fresh = [newcomers.spec(("need", "offer")[n % 2]) for n in range(samples + 4)]
            gc.collect()
            gc.freeze()  # the bench's own corpus must not make the portal's collections slow
            time_refresh(portal, fresh[:4], actors, None)  # warm the caches and the pool
            profile = cProfile.Profile() if profile_path and size == sizes[-1] else None
            timing = time_refresh(portal, fresh[4:], actors, profile)
            if profile is not None and profile_path is not None:
                profile.dump_stats(str(profile_path))
                say(f"matching/{kind}: profile of the largest size written to {profile_path}")
            naive = time_naive(published, fresh[4 : 4 + min(samples, NAIVE_SAMPLES)], actors)
            p50, p95 = percentile(timing.seconds, 0.5) * 1e3, percentile(timing.seconds, 0.95) * 1e3
            naive50, naive95 = percentile(naive, 0.5) * 1e3, percentile(naive, 0.95) * 1e3
            p50s[size] = p50
            per_candidate = sum(timing.seconds) / max(sum(timing.candidates), 1) * 1e6
            note = (
                f"{mean(timing.candidates):.0f} candidates, {mean(timing.matches):.0f} matches "
                f"opened and {mean(timing.closed):.0f} dropped per new record "
                f"({kept / size:.0f} open per record held); {per_candidate:.0f} µs per candidate; "
                f"{len(timing.seconds)} samples"
            )
            last = size == SIZES[-1]
            rows.append(
                Row(
                    "matching",
                    f"p50, {size:,} published",
                    kind,
                    p50,
                    "ms",
                    naive50,
                    "naive scan p50",
                    ratio(p50, naive50),
                    f"≤ {TARGET_MS:.0f} ms" if last else "",
                    verdict(p50 <= TARGET_MS) if last else "",
                    note,
                )  # fmt: skip
            )
            rows.append(
                Row(
                    "matching",
                    f"p95, {size:,} published",
                    kind,
                    p95,
                    "ms",
                    naive95,
                    "naive scan p95",
                    ratio(p95, naive95),
                )  # fmt: skip
            )
        portal.close()
    smallest, largest = sizes[0], sizes[-1]
    growth = p50s[largest] / p50s[smallest]
    records = largest / smallest
    rows.append(
        Row(
            "matching",
            f"p50 growth {smallest:,}→{largest:,}",
            kind,
            growth,
            "×",
            records,
            "record growth",
            ratio(growth, records),
            "≤ 0.1 × record growth",
            verdict(growth <= 0.1 * records),
        )  # fmt: skip
    )
    return rows


def main() -> None:
    parser = options(__doc__ or "")
    parser.add_argument("--profile", type=Path, help="cProfile of refresh() at the largest size")
    args = parser.parse_args()
    quiet()
    sizes = QUICK_SIZES if args.quick else SIZES
    samples = 20 if args.quick else SAMPLES
    rows: list[Row] = []
    for kind in kinds(args.db):
        profile = args.profile.with_suffix(f".{kind}.prof") if args.profile else None
        rows += run_on(kind, sizes, samples, profile)
    finish(rows, args.json, args.quick)


if __name__ == "__main__":
    main()
