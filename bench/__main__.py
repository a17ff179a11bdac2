"""`python -m bench` (and `make bench`): every bench, each in its own process, then one table.

python -m bench [--quick] [--db sqlite|postgresql|both] [--only intake,matching,...]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.cli import options, say
from bench.machine import describe
from bench.table import Row, load, render

BENCHES = ("parser", "intake", "matching", "digests", "pathological", "understanding", "startup")


def main() -> int:
    parser = options(__doc__ or "")
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated benches")
    args = parser.parse_args()
    chosen = [name for name in args.only.split(",") if name]
    unknown = set(chosen) - set(BENCHES)
    if unknown:
        parser.error(f"unknown bench(es): {', '.join(sorted(unknown))}")
    rows: list[Row] = []
    failed: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as folder:
        for name in chosen:
            out = Path(folder) / f"{name}.json"
            command = [sys.executable, "-m", f"bench.{name}", "--db", args.db, "--json", str(out)]
            if args.quick:
                command.append("--quick")
            say(f"{name}: {' '.join(command[1:])}")
            began = time.perf_counter()
            done = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
            say(f"{name}: done in {time.perf_counter() - began:.0f}s")
            if done.returncode != 0 or not out.exists():
                failed.append(name)
                continue
            rows += load(out)
    print()
    print(f"Machine: {describe()}")
    print(f"Run: python -m bench {' '.join(sys.argv[1:])}".rstrip()
          + f" — {time.perf_counter() - started:.0f}s in all")  # fmt: skip
    print()
    print(render(rows))
    misses = sum(r.verdict == "MISS" for r in rows)
    passes = sum(r.verdict == "PASS" for r in rows)
    if args.quick:
        print("\n--quick: smaller sizes, so no figure is judged against the targets.")
    else:
        print(f"\n{passes} PASS, {misses} MISS against the issue's targets.")
    if failed:
        print(f"FAILED to run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
