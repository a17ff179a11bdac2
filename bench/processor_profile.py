"""Profile the processor alone: keep N submissions in the inbox, then handle them all in this
process under cProfile (the processor is what bounds the end-to-end intake rate).

    python -m bench.processor_profile [--messages 300] [--db sqlite|postgresql] [--out FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

from bench.cli import quiet
from bench.databases import scratch
from bench.intake import submissions
from bench.seed import register_people
from bot.pipeline.intake import keeper
from bot.pipeline.processor import Processor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--out", type=Path, default=Path("processor.prof"))
    args = parser.parse_args()
    quiet()
    with scratch(args.db, "processor") as place:
        portal = place.portal()
        register_people(portal)
        keep = keeper(portal.sessions, "email")
        messages = submissions(args.messages)
        started = time.perf_counter()
        for message in messages:
            keep(message.sender, ["submit@portal.test"], None, message.raw)
        kept = time.perf_counter() - started
        processor = Processor(portal.sessions, portal.settings)
        started = time.perf_counter()
        handled = processor.process_all()
        plain = time.perf_counter() - started
        for n, message in enumerate(messages):  # the same again, under the profiler
            keep(message.sender, ["submit@portal.test"], f"<again.{n}@bench>", message.raw)
        profile = cProfile.Profile()
        profile.enable()
        processor.process_all()
        profile.disable()
        portal.close()
    profile.dump_stats(str(args.out))
    print(f"kept {len(messages) / kept:.0f}/s one after another; "
          f"processed {handled / plain:.1f}/s without the profiler")  # fmt: skip
    pstats.Stats(str(args.out)).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
