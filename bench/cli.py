"""What every bench script shares: its options, timing helpers, and how it reports."""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from bench.table import Row, render, save


def options(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes, for trying the script itself"
    )
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgresql", "both"),
        default="both",
        help="PostgreSQL runs only when PORTAL_TEST_POSTGRES_URL is set (default: both)",
    )
    parser.add_argument("--json", type=Path, help="also write the rows here, as JSON")
    return parser


def quiet() -> None:
    logging.basicConfig(level=logging.WARNING)
    for name in ("bot", "store", "digests", "alembic", "aiosmtpd", "mail.log"):
        logging.getLogger(name).setLevel(logging.WARNING)


def finish(rows: list[Row], json_path: Path | None, quick: bool = False) -> None:
    """Print the rows (and save them); a --quick run's smaller sizes are not judged."""
    if quick:
        rows = [replace(r, verdict="", target=f"({r.target})" if r.target else "") for r in rows]
    print(render(rows), flush=True)
    if json_path is not None:
        save(rows, json_path)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def percentile(values: Sequence[float], share: float) -> float:
    """The percentile, interpolated between ranks (share 0.5: the median, 0.95: p95)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(share * 100) - 1]


def say(text: str) -> None:
    """Progress on stderr, so the table on stdout stays clean."""
    import sys

    print(f"[bench] {text}", file=sys.stderr, flush=True)
