"""`portal backup` then `portal restore` on an empty home: the same records, people, and the
reply addresses made before the backup still verify; restore never overwrites anything."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import tokens
from bot.app import Portal
from bot.channels.email.oauth2_tokens import token_path
from bot.config import Settings
from bot.errors import ConfigError
from bot.operations.backup import make_backup
from bot.operations.restore import restore
from store.migrate import head_revision
from store.people import EmailAddress
from store.records import Record
from tests.factories import publish, register_people
from tests.flows.test_need_by_email import LAO_NEED

HEAD = head_revision()

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def contents(portal: Portal) -> tuple[list[tuple[str, str, str]], list[str]]:
    with portal.sessions() as session:
        records = [
            (r.public_id, r.status, r.title)
            for r in session.scalars(select(Record).order_by(Record.public_id))
        ]
        people = sorted(session.scalars(select(EmailAddress.address)))
    return records, people


@pytest.fixture
def original(settings: Settings, tmp_path: Path) -> Portal:
    """A portal whose secret key is kept in its home (not given by the environment)."""
    portal = Portal.open(settings.with_changes(secret_key="", home=tmp_path / "original"))
    register_people(portal)
    publish(portal, "vong@nra.example", LAO_NEED, NOW)
    return portal


def test_restore_gives_the_same_records_people_and_tokens(
    original: Portal, empty_database_url: str, tmp_path: Path
) -> None:
    key = original.settings.secret_key.encode()
    record_id = 1
    token = tokens.make(key, "r", record_id, "vong@nra.example", NOW)
    toml = tmp_path / "portal.toml"
    toml.write_text('bot_name = "Cooperation Portal"\n')
    archive = make_backup(original.settings, tmp_path / "b.tar.gz", settings_path=toml)
    before = contents(original)
    original.close()

    target = original.settings.with_changes(
        home=tmp_path / "restored-home", database_url=empty_database_url, secret_key=""
    )
    restored_toml = tmp_path / "elsewhere" / "portal.toml"
    restored_toml.parent.mkdir()
    manifest = restore(target, archive, restored_toml)

    restored = Portal.open(target)
    try:
        assert restored.is_current()
        assert contents(restored) == before
        assert before[0] == [
            ("N-2026-0001", "published", "Technical survey teams for two districts of Savannakhet")
        ]
        assert len(before[1]) == 4
        check = tokens.check(restored.settings.secret_key.encode(), token, "vong@nra.example", NOW)
        assert check == tokens.TokenCheck(tokens.Token("r", record_id))
    finally:
        restored.close()
    assert (target.home / "secret_key").stat().st_mode & 0o777 == 0o600
    assert restored_toml.read_text() == 'bot_name = "Cooperation Portal"\n'
    assert sorted(manifest["files"]) == [
        "database/portal." + ("db" if empty_database_url.startswith("sqlite") else "pgdump"),
        "portal.toml",
        "secret_key",
    ]

    stranger = Portal.open(target.with_changes(home=tmp_path / "another", database_url=""))
    assert tokens.check(stranger.settings.secret_key.encode(), token, "vong@nra.example", NOW) == (
        tokens.TokenCheck(None, "altered")
    )
    stranger.close()


def test_restore_refuses_a_home_that_is_not_empty(original: Portal, tmp_path: Path) -> None:
    archive = make_backup(original.settings, tmp_path / "b.tar.gz", settings_path=tmp_path / "x")
    before = contents(original)
    with pytest.raises(ConfigError, match="exists: restore only onto an empty PORTAL_HOME"):
        restore(original.settings, archive, tmp_path / "x")
    assert contents(original) == before
    original.close()


def test_restore_refuses_a_database_with_tables(original: Portal, tmp_path: Path) -> None:
    archive = make_backup(original.settings, tmp_path / "b.tar.gz", settings_path=tmp_path / "x")
    target = original.settings.with_changes(home=tmp_path / "fresh")
    message = "has tables" if target.database_url.startswith("postgresql") else "portal.db exists"
    with pytest.raises(ConfigError, match=message):
        restore(target, archive, tmp_path / "x")
    assert not (tmp_path / "fresh" / "secret_key").exists()
    original.close()


def test_a_damaged_archive_is_refused_and_nothing_written(
    original: Portal, empty_database_url: str, tmp_path: Path
) -> None:
    archive = make_backup(original.settings, tmp_path / "b.tar.gz", settings_path=tmp_path / "x")
    original.close()
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member)
            assert data is not None
            body = data.read()
            if member.name == "secret_key":
                body = b"0" * len(body)
            member.size = len(body)
            copy.addfile(member, io.BytesIO(body))
    target = original.settings.with_changes(
        home=tmp_path / "fresh", database_url=empty_database_url
    )
    with pytest.raises(ConfigError, match="secret_key is missing or damaged"):
        restore(target, damaged, tmp_path / "x")
    assert not (tmp_path / "fresh" / "secret_key").exists()


def test_the_archive_is_private_and_says_what_it_holds(original: Portal, tmp_path: Path) -> None:
    archive = make_backup(original.settings, settings_path=tmp_path / "none.toml", now=NOW)
    original.close()
    assert archive == original.settings.home / "backups" / f"portal-{HEAD}-20260302T090000Z.tar.gz"
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest_file = tar.extractfile("manifest.json")
        assert manifest_file is not None
        manifest = json.loads(manifest_file.read())
    kind = "sqlite" if original.settings.database_url.startswith("sqlite") else "postgresql"
    database = "database/portal.db" if kind == "sqlite" else "database/portal.pgdump"
    assert names == ["manifest.json", database, "secret_key"]
    assert manifest["format"] == 1 and manifest["database"] == kind
    assert manifest["revision"] == HEAD and manifest["created_at"] == NOW.isoformat()
    assert sorted(manifest["files"]) == [database, "secret_key"]


def test_a_sqlite_backup_taken_while_a_writer_commits_is_consistent(tmp_path: Path) -> None:
    """Each write commits ten rows of one batch; the copy holds whole batches only."""
    home = tmp_path / "home"
    portal = Portal.open(Settings(home=home))
    portal.init()
    portal.close()
    database = home / "portal.db"
    with sqlite3.connect(database) as setup:
        setup.execute("CREATE TABLE writes (batch INTEGER, n INTEGER)")
    stop, under_way = threading.Event(), threading.Event()
    batches = [0]

    def writer() -> None:
        connection = sqlite3.connect(database, timeout=30)
        while not stop.is_set():
            with connection:
                connection.executemany(
                    "INSERT INTO writes VALUES (?, ?)", [(batches[0], n) for n in range(10)]
                )
            batches[0] += 1
            if batches[0] == 20:
                under_way.set()
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert under_way.wait(60)
        archives = [make_backup(Settings(home=home), tmp_path / f"b{i}.tar.gz") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    for archive in archives:
        with tarfile.open(archive) as tar:
            tar.extract("database/portal.db", tmp_path / archive.stem, filter="data")
        copy = sqlite3.connect(tmp_path / archive.stem / "database" / "portal.db")
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        sizes = copy.execute("SELECT batch, count(*) FROM writes GROUP BY batch").fetchall()
        assert sizes and {size for _, size in sizes} == {10}
        copy.close()


def test_a_postgresql_backup_without_pg_dump_says_what_to_install(
    original: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if original.settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite needs no client tools")
    original.close()
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    with pytest.raises(ConfigError) as refused:
        make_backup(original.settings, tmp_path / "b.tar.gz")
    assert str(refused.value) == (
        "pg_dump is not installed: backups of a PostgreSQL database need the PostgreSQL "
        "client tools (Debian/Ubuntu: apt install postgresql-client)"
    )
    assert list(tmp_path.glob("*.tar.gz")) == []


def test_the_mailbox_authorisation_goes_with_the_backup_and_comes_back_private(
    original: Portal, empty_database_url: str, tmp_path: Path
) -> None:
    """PORTAL_HOME/oauth2.json (bot.channels.email.oauth2_tokens) is as hard to make again as
    the key: an operator would have to sign in to the provider's console again."""
    authorisation = original.settings.home / token_path(original.settings).name
    authorisation.write_text('{"refresh_token": "1//kept"}')
    authorisation.chmod(0o600)
    archive = make_backup(original.settings, tmp_path / "b.tar.gz", settings_path=tmp_path / "x")
    original.close()
    target = original.settings.with_changes(
        home=tmp_path / "restored-home", database_url=empty_database_url, secret_key=""
    )
    target.home.mkdir()
    (target.home / "oauth2.json").write_text("{}")
    with pytest.raises(ConfigError, match="oauth2.json exists: restore only onto an empty"):
        restore(target, archive, tmp_path / "x")
    (target.home / "oauth2.json").unlink()

    manifest = restore(target, archive, tmp_path / "x")

    assert "oauth2.json" in manifest["files"]
    kept = target.home / "oauth2.json"
    assert (kept.read_text(), kept.stat().st_mode & 0o777) == (
        '{"refresh_token": "1//kept"}',
        0o600,
    )


def test_a_token_renewed_while_the_backup_is_written_leaves_an_archive_restore_takes(
    original: Portal, empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The running portal renames a renewed oauth2.json over the old one at any moment: here
    just after the backup computed its checksum. The archive holds one version, and restore
    accepts it."""
    from bot.channels.email.oauth2_tokens import TokenRecord, read_record, write_record
    from bot.operations import backup

    path = token_path(original.settings)
    before = TokenRecord("google", "portal@ministry.example", "1//first", "ya29.first", 1000.0)
    renewed = TokenRecord("google", "portal@ministry.example", "1//second", "ya29.second", 5000.0)
    write_record(path, before)
    checksum = backup._sha256
    renewals: list[str] = []

    def checksum_then_renew(of: Path) -> str:
        digest = checksum(of)
        if of.name == path.name and not renewals:
            write_record(path, renewed)  # os.replace, as OAuth2Tokens does
            renewals.append(of.name)
        return digest

    monkeypatch.setattr(backup, "_sha256", checksum_then_renew)
    archive = make_backup(original.settings, tmp_path / "b.tar.gz", settings_path=tmp_path / "x")
    original.close()
    assert renewals == ["oauth2.json"]
    assert read_record(path) == renewed  # the portal's file moved on
    target = original.settings.with_changes(
        home=tmp_path / "restored-home", database_url=empty_database_url, secret_key=""
    )

    manifest = restore(target, archive, tmp_path / "x")

    database = (
        "database/portal.db" if manifest["database"] == "sqlite" else "database/portal.pgdump"
    )
    assert sorted(manifest["files"]) == [database, "oauth2.json", "secret_key"]
    assert read_record(target.home / "oauth2.json") == before  # the version checksummed
