"""`portal init` / `portal run` back the database up before migrating it, and keep only the
newest PORTAL_BACKUPS_KEPT automatic backups."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

from alembic import command
from click.testing import CliRunner

from bot.cli.base import cli
from store import migrate
from store.db import make_engine


def older_database(url: str) -> None:
    """A database at revision 0007, as an older portal left it."""
    engine = make_engine(url)
    config = migrate.alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
    engine.dispose()


def revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


def portal(args: list[str], home: Path, url: str, **env: str) -> str:
    result = CliRunner().invoke(
        cli,
        args,
        env={"PORTAL_HOME": str(home), "PORTAL_DATABASE_URL": url, "PORTAL_CONFIG": "-", **env},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result.output


def automatic(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "backups").glob("auto-*"))


def test_init_backs_up_a_database_behind_the_code_then_migrates(
    tmp_path: Path, empty_database_url: str
) -> None:
    home = tmp_path / "home"
    older_database(empty_database_url)
    portal(["init"], home, empty_database_url)
    (name,) = automatic(home)
    assert name.startswith("auto-0007-") and name.endswith("Z.tar.gz")
    assert revision(empty_database_url) == migrate.head_revision()
    with tarfile.open(home / "backups" / name) as tar:
        manifest_file = tar.extractfile("manifest.json")
        assert manifest_file is not None
        assert json.loads(manifest_file.read())["revision"] == "0007"


def test_no_backup_of_a_new_database_or_one_up_to_date(
    tmp_path: Path, empty_database_url: str
) -> None:
    home = tmp_path / "home"
    portal(["init"], home, empty_database_url)
    portal(["init"], home, empty_database_url)
    assert automatic(home) == []


def test_old_automatic_backups_are_pruned_to_the_number_kept(
    tmp_path: Path, empty_database_url: str
) -> None:
    home = tmp_path / "home"
    (home / "backups").mkdir(parents=True)
    older = ["auto-0006-20250101T000000Z.tar.gz", "auto-0007-20250201T000000Z.tar.gz"]
    for name in [*older, "portal-0006-20240101T000000Z.tar.gz"]:
        (home / "backups" / name).write_bytes(b"an older backup")
    older_database(empty_database_url)
    portal(["init"], home, empty_database_url, PORTAL_BACKUPS_KEPT="2")
    kept = automatic(home)
    assert len(kept) == 2
    assert kept[0] == "auto-0007-20250201T000000Z.tar.gz" and kept[1].startswith("auto-0007-2026")
    assert (home / "backups" / "portal-0006-20240101T000000Z.tar.gz").exists()  # never pruned
