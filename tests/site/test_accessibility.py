"""Every kind of page passes axe-core's WCAG 2.1 A and AA rules in headless Chromium.

axe-core is the npm package pinned in tests/package.json (`make test` runs `npm ci` there);
it is read from tests/node_modules and run inside each page, which fetches nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from bot.app import Portal
from bot.report import figures
from bot.report_html import as_html
from bot.trends import trends
from tests.site.records import GENERATED

AXE = Path(__file__).parents[1] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    "index.html",  # the choice of language
    "en/index.html",  # the overview: map, totals, charts
    "en/needs.html",  # a list: map, filters, search
    "fr/offers.html",
    "es/record/N-2026-0006.html",  # a record
    "en/country/LAO.html",  # a country page
    "fr/country/TCD.html",
]


def missing(package: str) -> None:
    """Skip where the npm tools are not installed; in CI (`make test` installs them) fail."""
    message = f"{package} is not installed: run `npm ci` in tests/ (make test does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def violations(driver: webdriver.Chrome) -> list[tuple[str, str, list[str]]]:
    """(rule, impact, the elements that break it) for every WCAG 2.1 AA rule the page breaks."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const only = {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]};
        axe.run(document, only)
          .then((result) => done(result.violations.map((v) => ({
            id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" "))}))))
          .catch((error) => done([{id: "axe failed", impact: String(error), nodes: []}]));
        """,
        WCAG_21_AA,
    )
    return [(v["id"], v["impact"], v["nodes"]) for v in found]


@pytest.mark.parametrize("page", PAGES)
def test_no_wcag_21_aa_violation(browser: webdriver.Chrome, built_more: Path, page: str) -> None:
    if not AXE.is_file():
        missing("axe-core")
    browser.set_script_timeout(60)
    browser.get((built_more / page).as_uri())
    assert violations(browser) == []


def test_the_html_report_has_no_violation_either(
    browser: webdriver.Chrome, portal: Portal, built_more: Path, tmp_path: Path
) -> None:
    if not AXE.is_file():
        missing("axe-core")
    with portal.sessions() as session:
        page = as_html(figures(session, 2026), trends(session, GENERATED))
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    browser.get((tmp_path / "report.html").as_uri())
    assert browser.find_element(By.ID, "trend-needs").is_displayed()
    assert violations(browser) == []


def test_the_check_finds_what_breaks_the_rules(browser: webdriver.Chrome, built: Path) -> None:
    if not AXE.is_file():
        missing("axe-core")
    browser.get((built / "en" / "needs.html").as_uri())
    browser.execute_script(
        "document.querySelector('#search').removeAttribute('id');"  # the label loses its field
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<p style=\"color:#bbb\">pale text</p>');"
    )
    assert [(rule, impact) for rule, impact, _ in violations(browser)] == [
        ("color-contrast", "serious"),
        ("label", "critical"),
    ]
