"""Profile the processor alone: keep N submissions in the inbox, then handle them all in this
process, once plainly (CPU time and SQL statements per submission) and once under cProfile
(where the time goes, by component; the processor is what bounds the end-to-end intake rate).

    python -m bench.processor_profile [--messages 300] [--db sqlite|postgresql] [--out FILE]
                                      [--cpu] [--top 25] [--plain]

The plain pass times each component (COMPONENTS) with a CPU timer around it; the first
submission is handled before, as what is built once is built then. `--cpu` profiles with the
process's CPU clock instead of the wall clock: on a machine shared with other work the wall
clock also counts the time spent waiting for a core (and for fsync). `--plain` skips the
cProfile pass, for a sampling profiler (py-spy, then bench.stacks).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import inspect
import pstats
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.cli import quiet
from bench.databases import scratch
from bench.intake import submissions
from bench.seed import register_people
from bot.pipeline.intake import keeper
from bot.pipeline.processor import Processor

# What one submission goes through, as (indent, label, "module:qualified name"): each row's
# time is inclusive (an indented row is part of the row above it).
COMPONENTS = (
    (0, "handling one inbox item", "bot.pipeline.processor:Processor.process_next"),
    (1, "claiming it (one transaction)", "store.inbox:claim_next"),
    (1, "reading the email (front.read)", "bot.channels.email.front:EmailFront.read"),
    (2, "the MIME message and its text", "bot.channels.email.reading:read_email"),
    (2, "the language", "bot.parsing.language:detect_language"),
    (2, "is it a delivery report", "bot.channels.email.bounces:read_bounce"),
    (1, "the sender and authentication (admit)", "bot.channels.email.front:EmailFront.admit"),
    (1, "the command in the subject", "bot.channels.email.front:EmailFront.command"),
    (1, "parsing the template (every call)", "bot.parsing.parser:parse_submission"),
    (1, "the record (create_record)", "bot.records.create:create_record"),
    (1, "the receipt and error replies (Context.reply)", "bot.context:Context.reply"),
    (1, "the secretariat's notice (tell_secretariat)", "bot.records.create:tell_secretariat"),
    (1, "rendering every message (render)", "bot.render:render"),
    (1, "ORM flushes", "sqlalchemy.orm.session:Session._flush"),
    (1, "database commits", "sqlalchemy.engine.base:RootTransaction._connection_commit_impl"),
)


def resolve(target: str) -> tuple[Any, str, Callable[..., Any]]:
    """(the module or class that holds it, its name there, the function) of "module:name"."""
    module, _, qualified = target.partition(":")
    owner: Any = importlib.import_module(module)
    *classes, name = qualified.split(".")
    for cls in classes:
        owner = getattr(owner, cls)
    return owner, name, getattr(owner, name)


@contextmanager
def timed(spent: dict[str, float]) -> Iterator[None]:
    """Each COMPONENTS function adds its CPU time (inclusive, outermost call only) to
    `spent`, under its target, while inside: a timer around a dozen calls per submission,
    which costs next to nothing, where cProfile times every call. A function is replaced
    wherever it was imported (`from m import f` copies it) and put back on leaving."""
    replaced: list[tuple[Any, str, Any]] = []
    for _indent, _label, target in COMPONENTS:
        owner, name, function = resolve(target)
        wrapper = _timer(function, target, spent)
        holders = [owner] if isinstance(owner, type) else [
            module for module in list(sys.modules.values())
            if getattr(module, name, None) is function
        ]  # fmt: skip
        for holder in holders:
            replaced.append((holder, name, holder.__dict__[name]))
            setattr(holder, name, wrapper)
    try:
        yield
    finally:
        for holder, name, original in reversed(replaced):
            setattr(holder, name, original)


def _timer(function: Callable[..., Any], target: str, spent: dict[str, float]) -> Any:
    depth = [0]

    @functools.wraps(function)
    def timing(*args: Any, **kwargs: Any) -> Any:
        depth[0] += 1
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                spent[target] = spent.get(target, 0.0) + time.process_time() - started

    return timing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--out", type=Path, default=Path("processor.prof"))
    parser.add_argument("--cpu", action="store_true", help="profile CPU time, not wall time")
    parser.add_argument("--top", type=int, default=25, help="functions listed by cumulative time")
    parser.add_argument(
        "--plain", action="store_true", help="no cProfile pass (for a sampling profiler)"
    )
    args = parser.parse_args()
    quiet()
    with scratch(args.db, "processor") as place:
        portal = place.portal()
        register_people(portal)
        statements = [0]

        @event.listens_for(portal.engine, "before_cursor_execute")
        def _count(*_: Any) -> None:
            statements[0] += 1

        keep = keeper(portal.sessions, "email")
        messages = submissions(args.messages)
        started = time.perf_counter()
        for message in messages:
            keep(message.sender, ["submit@portal.test"], None, message.raw)
        kept = time.perf_counter() - started
        processor = Processor(portal.sessions, portal.settings)
        # The first submission also builds what is built once (the vocabularies, the language
        # index, the templates): a steady state is measured from the second on.
        processor.process_next()
        statements[0] = 0
        spent: dict[str, float] = {}
        with timed(spent):
            started, cpu = time.perf_counter(), time.process_time()
            handled = processor.process_all()
            plain, cpu = time.perf_counter() - started, time.process_time() - cpu
        sql = statements[0]
        print(summary(len(messages) / kept, handled, plain, cpu, sql))
        print(table(spent, handled, "CPU time, timers around each component"))
        if args.plain:
            portal.close()
            return
        for n, message in enumerate(messages):  # the same again, under the profiler
            keep(message.sender, ["submit@portal.test"], f"<again.{n}@bench>", message.raw)
        profile = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
        profile.enable()
        processor.process_all()
        profile.disable()
        portal.close()
    profile.dump_stats(str(args.out))
    stats = pstats.Stats(str(args.out))
    clock = "CPU" if args.cpu else "wall"
    print(table(profiled(stats), handled, f"cProfile, {clock} clock (its overhead included)"))
    stats.sort_stats("cumulative").print_stats(args.top)


def summary(kept: float, handled: int, wall: float, cpu: float, sql: int) -> str:
    return (f"kept {kept:.0f}/s one after another; "
            f"processed {handled / wall:.1f}/s without the profiler: "
            f"{1000 * wall / handled:.1f} ms wall, {1000 * cpu / handled:.1f} ms CPU and "
            f"{sql / handled:.1f} SQL statements per submission")  # fmt: skip


def profiled(stats: pstats.Stats) -> dict[str, float]:
    """The cumulative time of each COMPONENTS function in the profile, by target."""
    codes = {}
    for _indent, _label, target in COMPONENTS:
        code = inspect.unwrap(resolve(target)[2]).__code__
        codes[code.co_filename, code.co_firstlineno, code.co_name] = target
    found: dict[str, float] = {}
    for key, (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if key in codes:
            found[codes[key]] = found.get(codes[key], 0.0) + cumulative
    return found


def table(spent: dict[str, float], handled: int, how: str) -> str:
    """ms per submission and share of the whole, by component."""
    whole = spent.get(COMPONENTS[0][2], 0.0) or 1.0
    lines = [f"{'component':<48} {'ms/submission':>14} {'share':>7}   ({how})"]
    for indent, label, target in COMPONENTS:
        ms = 1000 * spent.get(target, 0.0) / handled
        share = 100 * spent.get(target, 0.0) / whole
        lines.append(f"{'  ' * indent + label:<48} {ms:>14.2f} {share:>6.1f}%")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
