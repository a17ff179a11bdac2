"""The machine a run measured: CPUs, memory, disk, Python, SQLite and PostgreSQL versions."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path

import psycopg

from bench.databases import POSTGRES_ENV


def _first(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def _disk() -> str:
    """The block device under the temporary folder, rotational or not, as the kernel says."""
    try:
        device = os.stat("/tmp").st_dev
        sys_path = Path(f"/sys/dev/block/{os.major(device)}:{os.minor(device)}")
        name = sys_path.resolve().name
        rotational = (Path("/sys/block") / name / "queue/rotational").read_text().strip()
        return f"{name} ({'rotational' if rotational == '1' else 'non-rotational'} as reported)"
    except OSError:
        return "?"


def _postgres() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        return "not set"
    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            return f"PostgreSQL {row[0] if row else '?'}"
    except psycopg.Error as exc:
        return f"unreachable ({exc.__class__.__name__})"


def describe() -> str:
    memory_kb = int(_first("/proc/meminfo", "MemTotal").split()[0] or 0)
    return (
        f"{os.cpu_count()} CPU(s), {_first('/proc/cpuinfo', 'model name')}; "
        f"{memory_kb / 1024 / 1024:.0f} GiB RAM; disk {_disk()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {_postgres()}; "
        f"{platform.system()} {platform.release()}"
    )


if __name__ == "__main__":
    print(describe())
