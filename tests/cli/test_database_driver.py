"""PostgreSQL's driver is the optional extra `postgresql`: without it, one clear error naming it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from store.db import MissingDriver, make_engine

MESSAGE = (
    "a postgresql:// database needs the psycopg driver, which is not installed: "
    "pip install 'cooperation-portal[postgresql]' (in a checkout: pip install -e '.[postgresql]')"
)


@pytest.fixture
def without_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails


@pytest.mark.parametrize(
    "url", ["postgresql://portal@127.0.0.1/portal", "postgresql+psycopg://portal@db/portal"]
)
def test_a_postgresql_url_without_psycopg_names_the_extra(without_psycopg: None, url: str) -> None:
    with pytest.raises(MissingDriver) as raised:
        make_engine(url)
    assert str(raised.value) == MESSAGE


def test_sqlite_needs_no_driver_of_its_own(without_psycopg: None, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'portal.db'}")
    assert engine.dialect.name == "sqlite"
    engine.dispose()


def test_the_command_line_says_it_in_one_line(
    without_psycopg: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PORTAL_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("PORTAL_DATABASE_URL", "postgresql://portal:db-pass@127.0.0.1/portal")
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 1
    assert result.output == f"Error: {MESSAGE}\n"
