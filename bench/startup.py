"""How quickly the command line answers: `portal --help` and `portal records list` against a
bare click program, and `portal run` until SMTP greets (and until it answers 250 to a first
message) against a bare aiosmtpd server.

python -m bench.startup [--runs N] [--instructions]

--instructions: also count the instructions each CLI command executes (valgrind's callgrind),
a figure the machine's load does not move.
"""

from __future__ import annotations

import os
import re
import shutil
import smtplib
import subprocess
import sys
import time
from pathlib import Path

from bench.cli import finish, options, quiet, say
from bench.databases import kinds, scratch
from bench.servers import bare_command, free_port, portal_command, portal_env, running
from bench.table import Row, ratio, verdict

RUNS = 9  # runs of each command; the median is reported
BARE_CLICK = "import click\nclick.command()(lambda: click.echo('ok'))(['--help'])"
TARGETS = {"help": 0.3, "list": 0.3, "run": 0.5}  # seconds, issue 19


def portal(*arguments: str) -> list[str]:
    script = Path(sys.executable).with_name("portal")
    if script.exists():
        return [str(script), *arguments]
    return [sys.executable, "-c", "from bot.cli import main; main()", *arguments]


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def command_time(command: list[str], env: dict[str, str] | None, runs: int) -> float:
    """The median wall time of `command`, which must succeed."""
    environment = {**os.environ, **(env or {})}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=environment, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return median(times)


def instructions(command: list[str], env: dict[str, str] | None) -> float:
    """Millions of instructions `command` executes (callgrind; one run: they hardly vary)."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError("callgrind said no total:\n" + done.stderr[-2000:])
    return int(found.group(1)) / 1e6


def first_kept(port: int) -> float:
    """Seconds to send one message and read its 250."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        client.sendmail(
            "vong@nra.example",
            ["submit@portal.test"],
            f"From: vong@nra.example\r\nSubject: HELP\r\nMessage-ID: <{time.time_ns()}@bench>"
            "\r\n\r\nHELP\r\n",
        )
    return time.perf_counter() - started


def row(case: str, kind: str, value: float, baseline: float, baseline_is: str, target: float,
        runs: int) -> Row:  # fmt: skip
    return Row(
        "startup",
        case,
        kind,
        value,
        "s",
        baseline,
        baseline_is,
        ratio(value, baseline),
        target=f"< {target} s",
        verdict=verdict(value < target),
        note=f"median of {runs}",
    )


def instruction_rows(kind: str, env: dict[str, str]) -> list[Row]:
    bare_click = instructions([sys.executable, "-c", BARE_CLICK], None)
    rows = []
    for case, command in (
        ("python -c 'import sqlalchemy'", [sys.executable, "-c", "import sqlalchemy"]),
        ("python -c 'import sqlalchemy.orm'", [sys.executable, "-c", "import sqlalchemy.orm"]),
        ("portal --help", portal("--help")),
        ("portal records list", portal("records", "list")),
    ):
        counted = instructions(command, env)
        rows.append(Row("startup", f"{case} (instructions)", kind if "list" in case else "-",
                        counted, "M instr", bare_click, "bare click --help",
                        ratio(counted, bare_click), note="callgrind"))  # fmt: skip
    return rows


def cli_rows(kind: str, runs: int, counting: bool = False) -> list[Row]:
    bare_click = command_time([sys.executable, "-c", BARE_CLICK], None, runs)
    orm = command_time([sys.executable, "-c", "import sqlalchemy.orm"], None, runs)
    rows = []
    with scratch(kind, "startup") as place:
        env = place.environment()
        subprocess.run(portal("init"), env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                       check=True)  # fmt: skip
        helped = command_time(portal("--help"), env, runs)
        listed = command_time(portal("records", "list"), env, runs)
        rows.append(row("portal --help", "-", helped, bare_click, "bare click --help",
                        TARGETS["help"], runs))  # fmt: skip
        rows.append(row("portal records list", kind, listed, bare_click, "bare click --help",
                        TARGETS["list"], runs))  # fmt: skip
        rows.append(Row("startup", "import sqlalchemy.orm alone (records list needs none)", "-",
                        orm, "s", bare_click, "bare click --help", ratio(orm, bare_click),
                        note=f"median of {runs}"))  # fmt: skip
        bare: list[float] = []
        bare_kept = []
        for _ in range(runs):
            port = free_port()
            with running(bare_command(port), port) as server:
                bare.append(server.started_in)
                bare_kept.append(server.started_in + first_kept(port))
        ready, kept = [], []
        for _ in range(runs):
            port = free_port()
            with running(portal_command(), port, portal_env(place, port)) as server:
                ready.append(server.started_in)
                kept.append(server.started_in + first_kept(port))
        rows.append(row("portal run until SMTP greets", kind, median(ready), median(bare),
                        "bare aiosmtpd start", TARGETS["run"], runs))  # fmt: skip
        rows.append(Row("startup", "portal run until a first message is kept (250)", kind,
                        median(kept), "s", median(bare_kept), "bare aiosmtpd 250",
                        ratio(median(kept), median(bare_kept)),
                        note=f"median of {runs}"))  # fmt: skip
        if counting:
            rows += instruction_rows(kind, env)
    return rows


def main() -> None:
    parser = options(__doc__ or "")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs of each (default {RUNS})")
    parser.add_argument("--instructions", action="store_true",
                        help="also count each CLI command's instructions (valgrind)")  # fmt: skip
    args = parser.parse_args()
    quiet()
    runs = 3 if args.quick else args.runs
    rows: list[Row] = []
    for number, kind in enumerate(kinds(args.db)):
        say(f"startup/{kind}: {runs} runs of each command")
        counting = args.instructions and shutil.which("valgrind") is not None
        found = cli_rows(kind, runs, counting)
        rows += found if number == 0 else [r for r in found if r.db != "-"]
    finish(rows, args.json, args.quick)


if __name__ == "__main__":
    main()
