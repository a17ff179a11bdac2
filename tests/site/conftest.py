"""A site built from the records of tests/site/records.py."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from bot.app import Portal
from bot.site import build_site
from tests.site.records import GENERATED, fill, fill_more

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).parents[2] / "artifacts"


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


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed (.ci/run installs them)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})  # each request it makes
    profile = tempfile.mkdtemp(prefix="portal-chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--window-size=1280,1600",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)
