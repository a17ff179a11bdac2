"""Backup archives: database, secret key, settings file and a manifest; automatic ones pruned."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import stat
import tarfile
import tempfile
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot.config import Settings, settings_file
from bot.errors import ConfigError
from bot.operations.dumps import dump, kind_of, sqlite_path
from store import migrate
from store.base import utcnow
from store.db import make_engine

log = logging.getLogger(__name__)

FORMAT = 1  # of the archive; restore refuses what it does not know
MANIFEST = "manifest.json"
DATABASE = {"sqlite": "database/portal.db", "postgresql": "database/portal.pgdump"}
SECRET_KEY = "secret_key"
OAUTH2 = "oauth2.json"  # the mailbox's OAuth2 authorisation (bot.channels.email.oauth2_tokens)
PRIVATE = (SECRET_KEY, OAUTH2)  # files of PORTAL_HOME, readable by the portal's user only
SETTINGS_FILE = "portal.toml"
AUTOMATIC = "auto-"
SUFFIX = ".tar.gz"


def portal_version() -> str:
    try:
        return version("cooperation-portal")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def make_backup(
    settings: Settings,
    out: Path | None = None,
    *,
    automatic: bool = False,
    now: datetime | None = None,
    settings_path: Path | None = None,
) -> Path:
    """Write the archive (readable by its owner only) and return its path."""
    url = settings.effective_database_url
    kind = kind_of(url)
    if kind == "sqlite" and not sqlite_path(url).exists():
        raise ConfigError(f"there is no database at {sqlite_path(url)}: nothing to back up")
    engine = make_engine(url)
    try:
        revision = migrate.current_revision(engine)
    finally:
        engine.dispose()
    now = now or utcnow()
    if out is None:
        prefix = AUTOMATIC if automatic else "portal-"
        out = settings.backups / f"{prefix}{revision or 'empty'}-{now:%Y%m%dT%H%M%SZ}{SUFFIX}"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".backup-") as work:
        # the small files are copied first, each read once: the manifest's checksums and the
        # archive are of those copies, so a file replaced meanwhile (the running portal renews
        # its OAuth2 token by renaming a new oauth2.json over it) cannot make them disagree
        files: dict[str, Path] = {}
        key = settings.home / "secret_key"
        if key.is_file():
            files[SECRET_KEY] = _copied(key, Path(work))
        elif settings.secret_key:
            log.warning(
                "the secret key is set by PORTAL_SECRET_KEY, not kept in PORTAL_HOME: it is not "
                "in the backup; keep it with the backup yourself"
            )
        authorisation = settings.home / OAUTH2
        if authorisation.is_file():
            files[OAUTH2] = _copied(authorisation, Path(work))
        toml = settings_path or settings_file()
        if toml.is_file():
            files[SETTINGS_FILE] = _copied(toml, Path(work), SETTINGS_FILE)
        files = {DATABASE[kind]: Path(work) / "database", **files}  # the database first
        dump(url, files[DATABASE[kind]])
        manifest = {
            "format": FORMAT,
            "portal_version": portal_version(),
            "database": kind,
            "revision": revision,
            "created_at": now.isoformat(),
            "files": {name: _sha256(path) for name, path in files.items()},
        }
        _write_archive(out, manifest, files)
    log.info("backup written to %s (database revision %s)", out, revision)
    return out


def backup_before_migration(settings: Settings, engine: Engine) -> Path | None:
    """An automatic backup when the database is behind the code (none for a new, empty one);
    the oldest automatic backups beyond PORTAL_BACKUPS_KEPT are removed."""
    revision = migrate.current_revision(engine)
    if revision is None or revision == migrate.head_revision():
        return None
    log.info(
        "database at revision %s, the code at %s: backing up first",
        revision,
        migrate.head_revision(),
    )
    path = make_backup(settings, automatic=True)
    prune(settings.backups, settings.backups_kept)
    return path


def automatic_backups(folder: Path) -> list[Path]:
    """The automatic backups in `folder`, oldest first (by the time in their names)."""
    found = folder.glob(f"{AUTOMATIC}*{SUFFIX}") if folder.is_dir() else []
    return sorted(found, key=lambda p: p.name.removesuffix(SUFFIX).rsplit("-", 1)[-1])


def prune(folder: Path, kept: int) -> list[Path]:
    """Remove all but the `kept` newest automatic backups; returns those removed."""
    backups = automatic_backups(folder)
    removed = backups[: max(len(backups) - kept, 0)]
    for path in removed:
        path.unlink()
        log.info("old automatic backup %s removed (PORTAL_BACKUPS_KEPT=%d)", path.name, kept)
    return removed


def latest_backup(folder: Path) -> Path | None:
    """The most recently written archive in `folder`, automatic or not."""
    found = list(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []
    return max(found, key=lambda p: p.stat().st_mtime, default=None)


def _copied(source: Path, folder: Path, name: str = "") -> Path:
    """`source` read once into `folder` (private, with the source's mode): a file renamed over
    `source` meanwhile is in the copy whole, or not at all."""
    target = folder / (name or source.name)
    with source.open("rb") as stream:
        mode = stat.S_IMODE(os.fstat(stream.fileno()).st_mode)
        body = stream.read()
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as copy:
        copy.write(body)
    target.chmod(mode)
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_archive(out: Path, manifest: dict[str, Any], files: dict[str, Path]) -> None:
    """The manifest first, then the files; written aside and renamed, so an archive with the
    final name is always whole."""
    partial = out.with_name(f".{out.name}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            with tarfile.open(fileobj=stream, mode="w:gz") as tar:
                body = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(body), 0o600, int(utcnow().timestamp())
                tar.addfile(info, io.BytesIO(body))
                for name, path in files.items():
                    tar.add(path, arcname=name, recursive=False)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
