"""`portal records list` through the real command line: the quick read (store.listing) and
SQLAlchemy, which reads the URLs the quick read leaves, print the same list."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.app import Portal
from bot.cli import cli

LISTED = [
    "id           status     actor  title",
    "N-2026-0001  published  LAO    Technical survey teams for Savannakhet",
    "O-2026-0001  withdrawn  NOR    Grant window for survey and clearance",
    "N-2026-0002  pending    LBN    Risk education in the South",
    "3 record(s)",
]
PENDING_NEEDS = [
    "id           status   actor  title",
    "N-2026-0002  pending  LBN    Risk education in the South",
    "1 record(s)",
]


def records_list(monkeypatch: pytest.MonkeyPatch, home: Path, url: str, *options: str) -> Result:
    monkeypatch.setenv("PORTAL_HOME", str(home))
    monkeypatch.setenv("PORTAL_DATABASE_URL", url)
    return CliRunner().invoke(cli, ["records", "list", *options])


def test_the_list_shows_each_record(three_records: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    home, url = three_records.settings.home, three_records.settings.effective_database_url
    assert records_list(monkeypatch, home, url).output.splitlines() == LISTED
    only = records_list(monkeypatch, home, url, "--status", "pending", "--kind", "need")
    assert only.output.splitlines() == PENDING_NEEDS


def test_sqlalchemy_lists_the_same(three_records: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    url = three_records.settings.effective_database_url
    if not url.startswith("sqlite"):
        pytest.skip("the quick read reads every PostgreSQL URL")
    home, url = three_records.settings.home, f"{url}?timeout=30"  # a URL the quick read leaves
    assert records_list(monkeypatch, home, url).output.splitlines() == LISTED
    only = records_list(monkeypatch, home, url, "--status", "pending", "--kind", "need")
    assert only.output.splitlines() == PENDING_NEEDS


def test_a_damaged_database_is_said_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "portal.db").write_bytes(b"not a database, " * 100)
    result = records_list(monkeypatch, tmp_path, f"sqlite:///{tmp_path / 'portal.db'}")
    assert (result.exit_code, result.output) == (
        1,
        "Error: the database cannot be used: file is not a database\n",
    )
