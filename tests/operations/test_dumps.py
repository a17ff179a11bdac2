"""pg_dump and pg_restore are given the database's password in their environment, never in
their arguments, where `ps` shows it to every user of the machine."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from bot.operations import dumps


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("postgresql+psycopg://portal:s3cret@db.lan:5433/portal?sslmode=require", "s3cret"),
        (
            "postgresql+psycopg://portal@db.lan:5433/portal?password=s3cret&sslmode=require",
            "s3cret",
        ),
        ("postgresql+psycopg://portal@db.lan:5433/portal?sslmode=require", None),
    ],
    ids=["in-the-address", "query-parameter", "none"],
)
def test_the_password_goes_to_pgpassword_not_to_the_command_line(
    url: str, password: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runs: list[tuple[list[str], dict[str, str]]] = []

    def run(argv: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        runs.append((argv, options["env"]))
        return subprocess.CompletedProcess(argv, 0, "", "")

    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setattr(dumps.subprocess, "run", run)
    dumps._run(["pg_dump", "--file", str(tmp_path / "dump")], url)
    ((argv, env),) = runs
    assert argv == [
        "pg_dump",
        "--file",
        str(tmp_path / "dump"),
        "--dbname",
        "postgresql://portal@db.lan:5433/portal?sslmode=require",
    ]
    assert env.get("PGPASSWORD") == password
