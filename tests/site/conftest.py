"""A site built from the records of tests/site/records.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import Portal
from bot.site import build_site
from tests.site.records import GENERATED, fill


@pytest.fixture
def built(portal: Portal, tmp_path: Path) -> Path:
    fill(portal)
    out = tmp_path / "public" / "site"
    result = build_site(portal.sessions, portal.settings, out, GENERATED)
    assert (result.pages, result.records) == (40, 7)
    return out


def read(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")
