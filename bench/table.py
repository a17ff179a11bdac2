"""One row per figure, with its baseline, ratio and target; printed as one table."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Row:
    """A measured figure next to the baseline measured in the same run."""

    bench: str
    case: str
    db: str  # "sqlite", "postgresql" or "-" when no database is involved
    value: float
    unit: str
    baseline: float | None = None
    baseline_is: str = ""  # what the baseline measured
    ratio: float | None = None  # value / baseline
    target: str = ""
    verdict: str = ""  # PASS, MISS, or empty when there is no target
    note: str = ""


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def ratio(value: float, baseline: float | None) -> float | None:
    return value / baseline if baseline else None


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 0.1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def render(rows: list[Row]) -> str:
    """A plain-text table, also valid Markdown."""
    head = ("bench", "case", "db", "figure", "baseline", "ratio", "target", "", "note")
    body = [
        (
            r.bench,
            r.case,
            r.db,
            f"{_number(r.value)} {r.unit}",
            f"{_number(r.baseline)} ({r.baseline_is})" if r.baseline is not None else "",
            f"{r.ratio:.3g}×" if r.ratio is not None else "",
            r.target,
            r.verdict,
            r.note,
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(head), rule, *(line(cells) for cells in body)])


def save(rows: list[Row], path: Path) -> None:
    path.write_text(json.dumps([asdict(r) for r in rows], indent=1))


def load(path: Path) -> list[Row]:
    return [Row(**data) for data in json.loads(path.read_text())]
