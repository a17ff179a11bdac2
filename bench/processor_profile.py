"""Profile the processor alone: keep N submissions in the inbox, then handle them all in this
process, once plainly (CPU time and SQL statements per submission) and once under cProfile
(where the time goes, by component; the processor is what bounds the end-to-end intake rate).

    python -m bench.processor_profile [--messages 300] [--db sqlite|postgresql] [--out FILE]
                                      [--cpu] [--top 25]

`--cpu` profiles with the process's CPU clock instead of the wall clock: on a machine shared
with other work the wall clock also counts the time spent waiting for a core (and for fsync).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.cli import quiet
from bench.databases import scratch
from bench.intake import submissions
from bench.seed import register_people
from bot.pipeline.intake import keeper
from bot.pipeline.processor import Processor

# What one submission goes through, as (indent, label, function): each function's time is
# inclusive (an indented row is part of the row above it). The functions are matched by file
# ending and name in the profile.
COMPONENTS = (
    (0, "handling one inbox item", "bot/pipeline/processor.py", "process_next"),
    (1, "claiming it (one transaction)", "store/inbox.py", "claim_next"),
    (1, "reading the email (front.read)", "bot/channels/email/front.py", "read"),
    (2, "the MIME message and its text", "bot/channels/email/reading.py", "read_email"),
    (2, "the language", "bot/parsing/language.py", "detect_language"),
    (2, "is it a delivery report", "bot/channels/email/bounces.py", "read_bounce"),
    (1, "the sender and authentication (admit)", "bot/channels/email/front.py", "admit"),
    (1, "the command in the subject", "bot/channels/email/front.py", "command"),
    (1, "parsing the template (every call)", "bot/parsing/parser.py", "parse_submission"),
    (1, "the record (create_record)", "bot/records/create.py", "create_record"),
    (1, "the receipt and error replies (Context.reply)", "bot/context.py", "reply"),
    (1, "the secretariat's notice (tell_secretariat)", "bot/records/create.py", "tell_secretariat"),
    (1, "rendering every message (render)", "bot/render.py", "render"),
    (1, "ORM flushes", "sqlalchemy/orm/session.py", "_flush"),
    (1, "database commits", "sqlalchemy/engine/base.py", "_connection_commit_impl"),
)


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
        statements[0] = 0
        started, cpu = time.perf_counter(), time.process_time()
        handled = processor.process_all()
        plain, cpu = time.perf_counter() - started, time.process_time() - cpu
        sql = statements[0]
        if args.plain:
            portal.close()
            print(summary(len(messages) / kept, handled, plain, cpu, sql))
            return
        for n, message in enumerate(messages):  # the same again, under the profiler
            keep(message.sender, ["submit@portal.test"], f"<again.{n}@bench>", message.raw)
        profile = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
        profile.enable()
        processor.process_all()
        profile.disable()
        portal.close()
    profile.dump_stats(str(args.out))
    print(summary(len(messages) / kept, handled, plain, cpu, sql))
    stats = pstats.Stats(str(args.out))
    print(components(stats, handled, "CPU" if args.cpu else "wall"))
    stats.sort_stats("cumulative").print_stats(args.top)


def summary(kept: float, handled: int, wall: float, cpu: float, sql: int) -> str:
    return (f"kept {kept:.0f}/s one after another; "
            f"processed {handled / wall:.1f}/s without the profiler: "
            f"{1000 * wall / handled:.1f} ms wall, {1000 * cpu / handled:.1f} ms CPU and "
            f"{sql / handled:.1f} SQL statements per submission")  # fmt: skip


def components(stats: pstats.Stats, handled: int, clock: str) -> str:
    """The COMPONENTS table: ms per submission and share of the whole, from the profile."""
    found: dict[tuple[str, str], float] = {}
    for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        for _indent, _label, ending, wanted in COMPONENTS:
            if name == wanted and filename.endswith(ending):
                found[ending, wanted] = found.get((ending, wanted), 0.0) + cumulative
    whole = found.get(COMPONENTS[0][2:], 0.0) or 1.0
    lines = [f"{'component':<48} {'ms/submission':>14} {'share':>7}   ({clock} clock)"]
    for indent, label, ending, wanted in COMPONENTS:
        spent = found.get((ending, wanted), 0.0)
        lines.append(f"{'  ' * indent + label:<48} {1000 * spent / handled:>14.2f} "
                     f"{100 * spent / whole:>6.1f}%")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
