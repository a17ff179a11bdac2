"""Digests: 1k and 10k subscribers with varied filters over 50k records: the time and peak
memory of digests.send.ensure_period for a whole period (gather, build, render, queue), each
run in a fresh child process so that its peak RSS (VmHWM) is the run's own.
Baseline, same run: writing as many outbox rows of a digest's size, one transaction each.

    python -m bench.digests [--quick] [--db sqlite|postgresql|both]
"""

from __future__ import annotations

import cProfile
import json
import math
import os
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from bench.cli import finish, options, quiet, say
from bench.corpus import NOW, Corpus, Spec
from bench.databases import Scratch, kinds, scratch
from bench.seed import (
    insert_matches,
    insert_records,
    insert_subscribers,
    ledger_of_last_week,
    register_people,
)
from bench.table import Row, ratio, verdict
from store.db import transaction
from store.digests import DigestEntry, DigestRun
from store.outbox import OutboxItem
from store.records import EXPIRED, FULFILLED, PUBLISHED, WITHDRAWN
from store.subscriptions import Subscription

RECORDS = 50_000
YEARS = 5  # records arrive over five years; unrenewed ones expire after twelve months
TARGET_SECONDS, TARGET_GROWTH, TARGET_MB = 60.0, 2.2, 500.0
SIZES = (1_000, 10_000)
QUICK_RECORDS, QUICK_SIZES = 5_000, (500, 1_000)
# Seconds a run may take before it is stopped and its end projected from the digests it wrote:
# the largest size gets the target itself (still running at 60 s is a miss), smaller ones more.
LIMIT, SMALL_LIMIT = TARGET_SECONDS, 90.0
FLOOR_ROWS = 2_000  # the baseline is timed on at most this many rows, then scaled
PERIOD, LAST_PERIOD = "2026-W48", "2026-W47"
FOCAL_POINTS_PER_ACTOR = 2
STARTED = "digest-run-started"  # the child writes the time ensure_period began here
PROFILE_ENV = "BENCH_DIGEST_PROFILE"  # a path prefix: cProfile each run there


def seed(place: Scratch, records: int) -> dict[str, int]:
    """Fifty thousand records of five years, matches made as each was published, people."""
    portal = place.portal()
    register_people(portal, FOCAL_POINTS_PER_ACTOR)
    corpus, rng = Corpus(seed=21), random.Random(22)
    rows: list[tuple[Spec, str, datetime, datetime | None]] = []
    for _ in range(records):
        spec = corpus.spec("need" if rng.random() < 0.6 else "offer")
        published = NOW - timedelta(seconds=rng.randint(600, YEARS * 365 * 86400))
        age = NOW - published
        if age < timedelta(days=365):
            rows.append((spec, PUBLISHED, published, published))
        elif rng.random() < 0.25:  # renewed within the last twelve months
            renewed = NOW - timedelta(seconds=rng.randint(600, 364 * 86400))
            rows.append((spec, PUBLISHED, published, renewed))
        else:
            status = rng.choices((EXPIRED, FULFILLED, WITHDRAWN), (5, 3, 2))[0]
            rows.append((spec, status, published, None))
    inserted = insert_records(portal, rows, 1)
    recent = [
        r for r in inserted if r.status == PUBLISHED and r.published_at > NOW - timedelta(days=7)
    ]
    eight_weeks = [
        r
        for r in inserted
        if r.status == PUBLISHED
        and r.spec.kind == "need"
        and NOW - timedelta(weeks=9) < r.published_at <= NOW - timedelta(weeks=8)
    ]
    matches = insert_matches(portal, recent + eight_weeks, inserted)
    portal.close()
    return {
        "published": sum(r.status == PUBLISHED for r in inserted),
        "this_week": len(recent),
        "matches": matches,
    }


def grow_subscribers(place: Scratch, total: int) -> int:
    """Filtered subscribers up to `total` addresses (the focal points count too)."""
    portal = place.portal()
    with portal.sessions() as session:
        have = session.scalar(select(func.count(func.distinct(Subscription.address)))) or 0
    if total > have:
        insert_subscribers(portal, Corpus(seed=23), total - have, first=have)
    ledger_of_last_week(portal, LAST_PERIOD, NOW - timedelta(days=7))
    with portal.sessions() as session:
        have = session.scalar(select(func.count(func.distinct(Subscription.address)))) or 0
    portal.close()
    return have


def forget_period(place: Scratch) -> None:
    """Undo a run of PERIOD, so the next size runs it again from nothing."""
    portal = place.portal()
    with transaction(portal.sessions) as session:
        session.execute(delete(DigestEntry).where(DigestEntry.period == PERIOD))
        session.execute(delete(OutboxItem).where(OutboxItem.kind.in_(("digest", "bench_floor"))))
        session.execute(delete(DigestRun).where(DigestRun.period == PERIOD))
    portal.close()


def measure(place: Scratch) -> dict[str, Any]:
    """In this (fresh) process: ensure_period for the whole period. Printed as JSON."""
    from digests.send import ensure_period

    portal = place.portal()
    with portal.sessions() as session:  # warm the pool, the mappers and the vocabulary
        session.scalar(select(func.count()).select_from(Subscription))
    before = _rss_mb()
    profile = cProfile.Profile() if os.environ.get(PROFILE_ENV) else None
    if profile is not None:
        profile.enable()
    (place.home / STARTED).write_text(str(time.time()))
    started = time.perf_counter()
    report = ensure_period(portal.sessions, portal.settings, PERIOD, NOW)
    seconds = time.perf_counter() - started
    if profile is not None:
        profile.disable()
        profile.dump_stats(os.environ[PROFILE_ENV] + f".{report.recipients}.{place.kind}.prof")
    # VmHWM, not getrusage's ru_maxrss: Linux hands a child the high-water mark of the process
    # that spawned it (vfork, then exec), and this bench's parent peaks while seeding.
    peak = _peak_of(os.getpid())
    portal.close()
    return {
        "seconds": seconds,
        "peak_mb": peak,
        "before_mb": before,
        "recipients": report.recipients,
        "sent": report.sent,
        "empty": report.empty,
        "finished": True,
    }


def digest_sizes(place: Scratch) -> tuple[int, int]:
    """The average length of a queued digest's text and HTML bodies."""
    portal = place.portal()
    with portal.sessions() as session:
        body, html = session.execute(
            select(
                func.avg(func.length(OutboxItem.body)), func.avg(func.length(OutboxItem.html))
            ).where(OutboxItem.kind == "digest")
        ).one()
    portal.close()
    return int(body or 0), int(html or 0)


def floor(place: Scratch, count: int) -> float:
    """The least a run must do: one committed outbox row of a digest's size per recipient
    (timed on at most FLOOR_ROWS rows and scaled: each commit costs the same)."""
    body, html = digest_sizes(place)
    portal = place.portal()
    rows = min(count, FLOOR_ROWS)
    seconds = _floor(portal, rows, body, html)
    portal.close()
    return seconds * count / rows


def _floor(portal, count: int, body: int, html: int) -> float:  # type: ignore[no-untyped-def]
    """The least a run must do: one committed outbox row of a digest's size per recipient."""
    text, markup = "x" * body, "x" * html
    started = time.perf_counter()
    for n in range(count):
        with transaction(portal.sessions) as session:
            session.add(
                OutboxItem(
                    channel="email",
                    recipient=f"floor{n}@x.example",
                    kind="bench_floor",
                    subject="Digest",
                    body=text,
                    html=markup,
                    message_id=f"<floor.{n}@x>",
                    created_at=NOW,
                )  # fmt: skip
            )
    return time.perf_counter() - started


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_in_child(place: Scratch, expected: int, limit: float) -> dict[str, Any]:
    """ensure_period in a child process; past `limit` seconds it is stopped, and its time is
    projected from the digests it had written (peak memory is then the peak so far)."""
    command = [sys.executable, "-m", "bench.digests", "--measure", place.kind, str(place.home),
               place.url]  # fmt: skip
    marker = place.home / STARTED
    marker.unlink(missing_ok=True)
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while child.poll() is None:
        time.sleep(0.25)
        if marker.exists() and time.time() - float(marker.read_text() or time.time()) > limit:
            break
    if child.poll() is not None:
        out, err = child.communicate()
        if child.returncode != 0:
            raise RuntimeError(f"digest run failed:\n{err[-3000:]}")
        return json.loads(out.strip().splitlines()[-1])
    peak = _peak_of(child.pid)
    elapsed = time.time() - float(marker.read_text())
    child.kill()
    child.communicate()
    portal = place.portal()
    with portal.sessions() as session:
        done = (
            session.scalar(
                select(func.count()).select_from(DigestEntry).where(DigestEntry.period == PERIOD)
            )
            or 0
        )
    portal.close()
    return {
        "seconds": elapsed * expected / max(done, 1),
        "peak_mb": peak,
        "before_mb": 0.0,
        "recipients": expected,
        "sent": done,
        "empty": 0,
        "finished": False,
        "elapsed": elapsed,
    }


def _peak_of(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_on(
    kind: str, records: int, sizes: tuple[int, ...], limit: float, small_limit: float
) -> list[Row]:
    rows: list[Row] = []
    seconds: dict[int, float] = {}
    finished: dict[int, bool] = {}
    with scratch(kind, "digests") as place:
        say(f"digests/{kind}: seeding {records:,} records and their matches")
        started = time.perf_counter()
        facts = seed(place, records)
        say(f"digests/{kind}: seeded in {time.perf_counter() - started:.0f}s: {facts}")
        for size in sizes:
            forget_period(place)
            have = grow_subscribers(place, size)
            allowed = limit if size == sizes[-1] else small_limit
            say(f"digests/{kind}: {have:,} subscribers, running {PERIOD} (at most {allowed:.0f}s)")
            result = measure_in_child(place, have, allowed)
            baseline = floor(place, have)
            seconds[size], finished[size] = result["seconds"], result["finished"]
            world = (
                f"{facts['this_week']} records published this week, "
                f"{facts['matches']:,} matches, {facts['published']:,} published of {records:,}"
            )
            if result["finished"]:
                note = f"{result['sent']:,} queued, {result['empty']:,} empty; {world}"
                memory = f"({result['before_mb']:.0f} MB before the run)"
            else:
                note = (
                    f"STOPPED after {result['elapsed']:.0f}s with {result['sent']:,} of "
                    f"{have:,} digests written: time projected; {world}"
                )
                memory = "(peak so far, when stopped)"
            last = size == sizes[-1]
            rows.append(
                Row(
                    "digests",
                    f"time, {have:,} subscribers, {records:,} records",
                    kind,
                    result["seconds"],
                    "s",
                    baseline,
                    "1 outbox commit per recipient",
                    ratio(result["seconds"], baseline),
                    f"≤ {TARGET_SECONDS:.0f} s" if last else "",
                    verdict(result["seconds"] <= TARGET_SECONDS) if last else "",
                    note,
                )  # fmt: skip
            )
            rows.append(
                Row(
                    "digests",
                    f"peak memory, {have:,} subscribers",
                    kind,
                    result["peak_mb"],
                    "MB",
                    target=f"≤ {TARGET_MB:.0f} MB",
                    verdict=verdict(result["peak_mb"] <= TARGET_MB),
                    note=f"peak RSS of the child process (VmHWM) {memory}",
                )  # fmt: skip
            )
    small, large = sizes[-2], sizes[-1]
    growth = seconds[large] / seconds[small]
    allowed = TARGET_GROWTH ** math.log2(large / small)  # 2.2 × per doubling
    measured = finished[small] and finished[large]
    rows.append(
        Row(
            "digests",
            f"time growth {small:,}→{large:,} subscribers",
            kind,
            growth,
            "×",
            large / small,
            "subscriber growth",
            ratio(growth, large / small),
            f"≤ 2.2× per doubling (≤ {allowed:.1f}×)",
            verdict(growth <= allowed) if measured else "",
            "" if measured else "from projected times: not judged",
        ),  # fmt: skip
    )
    return rows


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        quiet()
        kind, home, url = sys.argv[2], Path(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else ""
        print(json.dumps(measure(Scratch(kind, home, url))))
        return
    parser = options(__doc__ or "")
    parser.add_argument(
        "--limit", type=float, default=LIMIT, help="seconds for the largest run (%(default)s)"
    )
    parser.add_argument(
        "--small-limit", type=float, default=SMALL_LIMIT, help="for smaller ones (%(default)s)"
    )
    args = parser.parse_args()
    quiet()
    records, sizes = (QUICK_RECORDS, QUICK_SIZES) if args.quick else (RECORDS, SIZES)
    rows: list[Row] = []
    for kind in kinds(args.db):
        rows += run_on(kind, records, sizes, args.limit, args.small_limit)
    finish(rows, args.json, args.quick)


if __name__ == "__main__":
    main()
