"""The command line imports what a command needs when it runs (issue 19), and `--help` still
lists every command with the short help its own docstring gives."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from bot.cli import COMMANDS, cli
from bot.cli.lazy import LazyGroup
from bot.cli.mailbox import mailbox

HEAVY = ("sqlalchemy", "alembic", "jinja2", "telegram", "aiohttp", "aiosmtpd", "imapclient",
         "prometheus_client", "babel", "store", "digests")  # fmt: skip


def imported_by(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages (and our modules) a fresh interpreter has after running `code`."""
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_command_line_imports_no_heavy_package() -> None:
    modules = imported_by("import bot.cli")
    assert sorted(m for m in modules if m.split(".")[0] in HEAVY) == []
    assert sorted(m for m in modules if m.startswith("bot.cli.")) == [
        "bot.cli.base",
        "bot.cli.lazy",
    ]


def test_help_imports_no_command_module() -> None:
    modules = imported_by(
        "from bot.cli import cli\ncli.main(['--help'], prog_name='portal', standalone_mode=False)"
    )
    assert sorted(m for m in modules if m.split(".")[0] in HEAVY) == []
    assert sorted(m for m in modules if m.startswith("bot.cli.")) == [
        "bot.cli.base",
        "bot.cli.lazy",
    ]


def test_records_list_reads_without_sqlalchemy(sqlite_template: Path, tmp_path: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "portal.db")
    modules = imported_by(
        "from bot.cli import cli\n"
        "cli.main(['records', 'list'], prog_name='portal', standalone_mode=False)",
        {"PORTAL_HOME": str(tmp_path), "PORTAL_DATABASE_URL": ""},
    )
    assert "store.listing" in modules
    assert (
        sorted(m for m in modules if m.split(".")[0] in ("sqlalchemy", "alembic", "jinja2")) == []
    )


LAZY = [(cli, name) for name in COMMANDS] + [(mailbox, "authorize")]


@pytest.mark.parametrize(("group", "name"), LAZY, ids=[f"{g.name} {n}" for g, n in LAZY])
def test_each_short_help_is_the_commands_own(group: LazyGroup, name: str) -> None:
    assert group.lazy[name][1] == group.load(name).get_short_help_str(1000)


def test_help_lists_every_command_with_its_short_help() -> None:
    loaded = {name: cli.load(name) for name in COMMANDS}
    eager = click.Group(commands=loaded, name="portal", help=cli.help)
    lazy = LazyGroup(name="portal", help=cli.help, lazy=COMMANDS)
    assert lazy.get_help(click.Context(lazy)) == eager.get_help(click.Context(eager))
    assert sorted(COMMANDS) == [
        "actors", "backup", "call", "confirm", "digest", "doctor", "focal-point", "inbox",
        "init", "mailbox", "matches", "outbox", "records", "reject", "report", "restore", "run",
        "secretariat", "site", "status",
    ]  # fmt: skip
