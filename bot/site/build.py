"""Building the site: every file rendered in memory, written to a new folder, then swapped in."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.errors import UserError
from bot.records.views import vocabulary
from bot.site.feeds import atom, data_csv, data_json
from bot.site.model import Site, gather
from bot.site.pages import pages
from bot.site.worldmap import LAND, land

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
ASSETS = ("assets/style.css", "assets/filter.js")
SCHEMA = "data.schema.json"
MARKER = ".portal-site"  # says a folder is a built site, which a new build may replace


@dataclass(frozen=True)
class Built:
    """What a build wrote."""

    out: Path
    pages: int
    records: int


def site_files(site: Site) -> dict[str, str]:
    """Every file of the site by its path, sorted: the same site gives the same bytes."""
    files = pages(site, vocabulary())
    files["data.json"] = data_json(site)
    files["data.csv"] = data_csv(site)
    files["feed.atom"] = atom(site)
    files[LAND] = land()
    for name in (*ASSETS, SCHEMA):
        files[name] = (HERE / name).read_text(encoding="utf-8")
    files[MARKER] = "Built by `portal site build`; the next build replaces this whole folder.\n"
    return dict(sorted(files.items()))


def write_site(files: Mapping[str, str], out: Path) -> None:
    """Write every file into a fresh folder next to `out`, then put it in `out`'s place.

    A reader sees the old site or the new one, never a part of either. A folder that is not
    a site built here (no marker file) and not empty is never replaced.
    """
    out = out.absolute()
    if out.exists() and not _replaceable(out):
        raise UserError(f"{out} is not a site built by the portal: choose another folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for name, text in files.items():
            path = fresh / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
        fresh.chmod(0o755)  # mkdtemp makes it private; a web server must read it
        _swap(fresh, out)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def _replaceable(out: Path) -> bool:
    return out.is_dir() and ((out / MARKER).is_file() or not any(out.iterdir()))


def _swap(fresh: Path, out: Path) -> None:
    if not out.exists():
        os.rename(fresh, out)
        return
    old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
    os.rename(out, old)
    try:
        os.rename(fresh, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def build_site(
    sessions: sessionmaker[Session],
    settings: Settings,
    out: Path,
    generated_at: datetime,
    base_url: str | None = None,
) -> Built:
    """Read the published records, render every file, write the site into `out`."""
    with sessions() as session:
        site = gather(
            session,
            settings,
            generated_at,
            settings.public_url if base_url is None else base_url,
        )
    files = site_files(site)
    write_site(files, out)
    count = sum(name.endswith(".html") for name in files)
    log.info("site %s: %d page(s), %d record(s)", out, count, len(site.records))
    return Built(out, count, len(site.records))
