"""A site built from the records of tests/site/records.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import Portal
from bot.site import build_site
from tests.site.records import GENERATED, fill, fill_more


@pytest.fixture
def built(portal: Portal, tmp_path: Path) -> Path:
    fill(portal)
    out = tmp_path / "public" / "site"
    result = build_site(portal.sessions, portal.settings, out, GENERATED)
    assert (result.pages, result.records) == (40, 7)
    return out


def read(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


@pytest.fixture
def built_more(portal: Portal, tmp_path: Path) -> Path:
    """The site of `built` with a French need of Chad and a Spanish need of Colombia."""
    assert fill_more(portal)[-2:] == ["N-2026-0005", "N-2026-0006"]
    out = tmp_path / "public" / "more"
    build_site(portal.sessions, portal.settings, out, GENERATED)
    return out
