"""Where a sampling profiler saw the processor: py-spy's raw (collapsed) stacks summed by the
components of bench.processor_profile, each stack counted once per component it passes.

    py-spy record --format raw -o /tmp/p.txt -- python -m bench.processor_profile --plain
    python -m bench.stacks /tmp/p.txt [--messages 300]
"""

from __future__ import annotations

import argparse
import inspect
import re
from pathlib import Path

from bench.processor_profile import COMPONENTS, resolve

FRAME = re.compile(r"^(?P<name>\S+) \((?P<file>[^:]+):\d+\)$")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("stacks", type=Path)
    parser.add_argument("--rate", type=int, default=250, help="py-spy's samples per second")
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    codes = [inspect.unwrap(resolve(target)[2]).__code__ for _i, _l, target in COMPONENTS]
    counts = [0] * len(COMPONENTS)
    for line in args.stacks.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        frames = [(f["name"], f["file"]) for f in map(FRAME.match, stack.split(";")) if f]
        for n, code in enumerate(codes):
            if any(
                name == code.co_qualname and code.co_filename.endswith(file)
                for name, file in frames
            ):
                counts[n] += int(number)
    whole = counts[0] or 1
    print(f"{'component':<48} {'ms/submission':>14} {'share':>7}   (py-spy samples)")
    for (indent, label, _target), count in zip(COMPONENTS, counts, strict=True):
        ms = 1000 * count / args.rate / args.messages
        print(f"{'  ' * indent + label:<48} {ms:>14.2f} {100 * count / whole:>6.1f}%")


if __name__ == "__main__":
    main()
