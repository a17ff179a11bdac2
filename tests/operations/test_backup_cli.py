"""`portal backup` and `portal restore` as an operator types them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from bot.app import Portal
from bot.cli.base import cli
from bot.config import Settings
from store.migrate import head_revision

HEAD = head_revision()


def portal(args: list[str], home: Path) -> Result:
    env = {
        "PORTAL_HOME": str(home),
        "PORTAL_CONFIG": str(home.parent / "portal.toml"),
        "PORTAL_LOG_LEVEL": "WARNING",
    }
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def test_backup_then_restore_elsewhere_then_refuse_to_overwrite(tmp_path: Path) -> None:
    home, elsewhere = tmp_path / "a" / "var", tmp_path / "b" / "var"
    first = Portal.open(Settings(home=home))
    first.init()
    first.close()
    archive = tmp_path / "portal.tar.gz"

    made = portal(["backup", "--out", str(archive)], home)
    assert (made.exit_code, made.output) == (0, f"backup written to {archive}\n")

    restored = portal(["restore", str(archive)], elsewhere)
    assert restored.exit_code == 0
    assert restored.output.startswith(f"restored {archive}: database revision {HEAD}, made ")
    assert (elsewhere / "secret_key").read_text() == (home / "secret_key").read_text()
    assert portal(["status"], elsewhere).output.splitlines()[2] == (
        f"revision            {HEAD} (up to date)"
    )

    again = portal(["restore", str(archive)], elsewhere)
    assert again.exit_code == 1
    assert again.output == (
        f"Error: {elsewhere / 'secret_key'} exists: restore only onto an empty PORTAL_HOME "
        "(nothing was changed)\n"
    )
