"""`portal restore`: a backup archive put back on an empty home, its checksums verified first."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.errors import ConfigError
from bot.operations.backup import DATABASE, FORMAT, MANIFEST, PRIVATE, SETTINGS_FILE
from bot.operations.dumps import is_empty, kind_of, load, sqlite_path

log = logging.getLogger(__name__)


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise ConfigError(f"{archive} is not a portal backup ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise ConfigError(
            f"{archive} is a backup of format {manifest.get('format')!r}; "
            f"this portal reads format {FORMAT}"
        )
    return manifest


def restore(settings: Settings, archive: Path, settings_path: Path) -> dict[str, Any]:
    """Put the archive back; refuses, changing nothing, unless the home and database are empty."""
    manifest = read_manifest(archive)
    url = settings.effective_database_url
    kind = kind_of(url)
    files: dict[str, str] = manifest["files"]
    _refuse_unless_empty(settings, manifest, kind, url)
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        folder = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                if member.name not in files:
                    continue
                tar.extract(member, folder, filter="data")
        for name, expected in files.items():
            path = folder / name
            if not path.is_file() or _sha256(path) != expected:
                raise ConfigError(f"{archive}: {name} is missing or damaged (checksum differs)")
        kept_settings = folder / SETTINGS_FILE
        if (
            SETTINGS_FILE in files
            and settings_path.exists()
            and settings_path.read_bytes() != kept_settings.read_bytes()
        ):
            raise ConfigError(
                f"{settings_path} exists and differs from the one in the backup: move it "
                "away first (the backup's copy is not written over it)"
            )
        settings.home.mkdir(parents=True, exist_ok=True)
        load(url, folder / DATABASE[kind])
        for name in (name for name in PRIVATE if name in files):
            descriptor = os.open(settings.home / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write((folder / name).read_bytes())
        if SETTINGS_FILE in files and not settings_path.exists():
            settings_path.write_bytes((folder / SETTINGS_FILE).read_bytes())
            settings_path.chmod(0o600)
    log.info("backup %s restored (database revision %s)", archive, manifest.get("revision"))
    return manifest


def _refuse_unless_empty(settings: Settings, manifest: dict[str, Any], kind: str, url: str) -> None:
    if manifest.get("database") != kind:
        raise ConfigError(
            f"the backup holds a {manifest.get('database')} database but PORTAL_DATABASE_URL "
            f"points to {kind}: set it to a {manifest.get('database')} database"
        )
    for name in PRIVATE:
        if name in manifest["files"] and (settings.home / name).exists():
            raise ConfigError(
                f"{settings.home / name} exists: restore only onto an empty PORTAL_HOME "
                "(nothing was changed)"
            )
    if kind == "sqlite" and not is_empty(url):
        raise ConfigError(
            f"{sqlite_path(url)} exists: restore only onto an empty PORTAL_HOME "
            "(nothing was changed)"
        )
    if kind == "postgresql" and not is_empty(url):
        raise ConfigError(
            "the PostgreSQL database of PORTAL_DATABASE_URL has tables: restore only into an "
            "empty database (nothing was changed)"
        )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
