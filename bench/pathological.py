"""Pathological inputs: how the time to read one grows with its size (linear reading doubles).

Each kind of tests/security/pathological.py is read as the processor reads a message
(pipeline.reading.read_inbound, then the command and the template parsed) at sizes doubling up to
its largest; each reading runs in a child process with a time budget, and a kind stops at the
first size past it. Per kind, the last three sizes reached (n, 2n, 4n), their times and the
growth per doubling: about 2 is linear, 4 quadratic, 8 cubic (not judged under 5 ms, where
the timer's noise is as large as the time).

    python -m bench.pathological [--quick] [--budget SECONDS]
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from bench.cli import finish, options, quiet, say
from bench.table import Row, verdict
from bot import commands
from bot.app import wire_channels
from bot.errors import UnreadableMessage
from bot.parsing.parser import parse_submission
from bot.pipeline import fronts
from bot.pipeline.reading import read_inbound
from store.inbox import InboxItem
from tests.security.pathological import KINDS, SENDER, Kind

BUDGET = 20.0  # seconds for one reading; a kind stops at the first size past it
STEPS = 7  # sizes tried per kind: its largest, halved down six times
LINEAR = 3.0  # growth per doubling at most this is taken as linear (timing noise included)
RUNS = 20  # readings of one input at most (within half a second); the best is kept
NOISE = 0.005  # seconds: below this, a growth is timer noise and is not judged


WARM_UP = (
    b"From: someone@example.org\r\nTo: submit@portal.test\r\nSubject: NEED\r\n\r\n"
    b"Bonjour,\r\nType: need\r\nTitle: t\r\nLangues : arabe\r\nAmount: 1 USD\r\n"
    b"Period: 2027\r\nDescription: d\r\n"
)


def read(raw: bytes) -> str:
    """Read and parse one message as the processor does; what came out, in a word."""
    item = InboxItem(
        id=1, channel="email", sender=SENDER, recipients=["submit@portal.test"], raw=raw
    )
    try:
        inbound = read_inbound(item)
    except UnreadableMessage:
        return "unreadable"
    commands.read_command(inbound.subject, inbound.text)
    result = parse_submission(inbound.text, inbound.subject)
    return "parsed" if result.ok else f"{len(result.problems)} problem(s)"


def _child(raw: bytes, pipe: Connection) -> None:
    runs, started = 0, time.perf_counter()
    best = float("inf")
    while runs < RUNS and (runs == 0 or time.perf_counter() - started < 0.5):
        began = time.perf_counter()
        outcome = read(raw)
        best = min(best, time.perf_counter() - began)
        runs += 1
    pipe.send((best, outcome))


def timed_read(raw: bytes, budget: float) -> tuple[float, str] | None:
    """The best time of up to RUNS readings in a child process; None past the budget."""
    ours, theirs = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=_child, args=(raw, theirs))
    child.start()
    found = ours.recv() if ours.poll(budget) else None
    if found is None:
        child.kill()
    child.join()
    return found


@dataclass(frozen=True)
class Ladder:
    kind: str
    sizes: list[int]
    times: list[float]
    outcomes: list[str]
    stopped_at: int | None  # the size that took longer than the budget


def climb(kind: Kind, budget: float, quick: bool) -> Ladder:
    largest = kind.sizes[-1] // (8 if quick else 1)
    sizes = sorted({max(1, largest >> k) for k in range(STEPS if largest >= 64 else 3)})
    reached: list[int] = []
    times: list[float] = []
    outcomes: list[str] = []
    for size in sizes:
        found = timed_read(kind.build(size), budget)
        if found is None:
            return Ladder(kind.name, reached, times, outcomes, size)
        reached.append(size)
        times.append(found[0])
        outcomes.append(found[1])
    return Ladder(kind.name, reached, times, outcomes, None)


def rows(ladder: Ladder, budget: float) -> list[Row]:
    found: list[Row] = []
    last = list(zip(ladder.sizes, ladder.times, ladder.outcomes, strict=True))[-3:]
    for index, (size, seconds, outcome) in enumerate(last):
        before = last[index - 1] if index else None
        growth = seconds / before[1] if before and before[1] > 0 else None
        judged = growth is not None and seconds >= NOISE
        note = outcome
        if ladder.stopped_at is not None and index == len(last) - 1:
            note += f"; {ladder.stopped_at:,} took > {budget:.0f}s"
        found.append(
            Row(
                "pathological",
                f"{ladder.kind}, n={size:,}",
                "-",
                seconds,
                "s",
                before[1] if before else None,
                f"n={before[0]:,}" if before else "",
                growth,
                f"growth ≤ {LINEAR:.0f}" if judged else "",
                verdict(growth <= LINEAR) if judged and growth is not None else "",
                note,
            )
        )
    if not last:
        found.append(
            Row(
                "pathological",
                f"{ladder.kind}, n={ladder.stopped_at:,}",
                "-",
                budget,
                "s",
                target="within budget",
                verdict="MISS",
                note=f"took > {budget:.0f}s",
            )
        )
    return found


def main() -> None:
    parser = options(__doc__ or "")
    parser.add_argument("--budget", type=float, default=BUDGET, help="seconds per reading")
    parser.add_argument("--kinds", default="", help="comma-separated kinds (default: all)")
    args = parser.parse_args()
    quiet()
    wire_channels()  # the readers of each channel, inherited by the forked readings
    fronts.make_all()  # made now, as a processor makes them at its start
    read(WARM_UP)  # the word indexes built once per process, inherited too: only reading is timed
    chosen = [k for k in KINDS if not args.kinds or k.name in args.kinds.split(",")]
    table: list[Row] = []
    for kind in chosen:
        say(f"pathological: {kind.name}")
        table += rows(climb(kind, args.budget, args.quick), args.budget)
    finish(table, args.json, args.quick)


if __name__ == "__main__":
    main()
