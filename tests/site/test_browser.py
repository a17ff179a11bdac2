"""The built site in headless Chromium: totals, filters, country pack, escaping, a screenshot."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from tests.site.conftest import ARTIFACTS
from tests.site.records import SCRIPT_TITLE


def visible_ids(driver: webdriver.Chrome) -> list[str]:
    return sorted(
        row.get_attribute("data-id") or ""
        for row in driver.find_elements(By.CSS_SELECTOR, ".record")
        if row.is_displayed()
    )


def test_the_overview_shows_the_totals(browser: webdriver.Chrome, built: Path) -> None:
    browser.get((built / "en" / "index.html").as_uri())
    assert browser.find_element(By.ID, "total-needs").text == "4"
    assert browser.find_element(By.ID, "total-offers").text == "3"


def test_the_map_shades_one_country_per_country_with_needs(
    browser: webdriver.Chrome, built_more: Path
) -> None:
    browser.get((built_more / "en" / "index.html").as_uri())
    shaded = browser.find_elements(By.CSS_SELECTOR, "#map path.needs")
    assert sorted((p.get_attribute("data-country") or "") for p in shaded) == [
        "BIH",
        "COL",
        "LAO",
        "LBN",
        "TCD",
    ]
    assert all(p.is_displayed() and p.size["width"] > 0 for p in shaded)
    figures = {
        t.get_attribute("data-country"): t.text
        for t in browser.find_elements(By.CSS_SELECTOR, "#map text")
    }
    assert figures == {"BIH": "1", "COL": "1", "LAO": "2", "LBN": "1", "TCD": "1"}
    table = {
        row.get_attribute("data-country"): [
            cell.text for cell in row.find_elements(By.TAG_NAME, "td")
        ]
        for row in browser.find_elements(By.CSS_SELECTOR, "#map-table tbody tr")
    }
    assert table == {
        "LAO": ["2", "2"],
        "BIH": ["1", "1"],
        "COL": ["1", "1"],
        "LBN": ["1", "3"],
        "TCD": ["1", "1"],
    }
    link = browser.find_element(By.CSS_SELECTOR, "#map a[href$='country/TCD.html']")
    link.click()
    assert browser.find_element(By.ID, "country").text == "Chad"
    browser.get((built_more / "en" / "index.html").as_uri())
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "overview.png"))


def test_a_small_country_is_marked_so_it_can_be_seen_and_clicked(
    browser: webdriver.Chrome, built: Path
) -> None:
    browser.get((built / "en" / "index.html").as_uri())
    shape = browser.find_element(By.CSS_SELECTOR, "#map path[data-country='LBN']")
    assert shape.size["width"] < 6  # Lebanon itself: a few pixels wide
    marker = browser.find_element(By.CSS_SELECTOR, "#map a[href$='country/LBN.html'] circle")
    assert marker.size["width"] >= 18  # a mark the eye finds and a pointer hits
    marker.click()  # nothing drawn over it takes the click (Selenium would say so)
    assert browser.find_element(By.ID, "country").text == "Lebanon"


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_every_area_of_the_chart_is_named_in_full(
    browser: webdriver.Chrome, built_more: Path, lang: str
) -> None:
    browser.get((built_more / lang / "index.html").as_uri())
    outside = browser.execute_script(
        """
        const svg = document.querySelector('#trend-areas svg'), box = svg.viewBox.baseVal;
        return Array.from(svg.querySelectorAll('text')).filter((text) => {
          const drawn = text.getBBox();
          return drawn.x < box.x || drawn.x + drawn.width > box.x + box.width;
        }).map((text) => text.textContent);
        """
    )
    names = browser.find_elements(By.CSS_SELECTOR, "#trend-areas text.area")
    assert len(names) == 10 and outside == []


def test_the_filters_narrow_the_lists(browser: webdriver.Chrome, built: Path) -> None:
    browser.get((built / "en" / "needs.html").as_uri())
    assert browser.find_element(By.ID, "count").text == "4"
    assert visible_ids(browser) == ["N-2026-0001", "N-2026-0002", "N-2026-0003", "N-2026-0004"]
    Select(browser.find_element(By.ID, "filter-area")).select_by_value("art4.clearance")
    assert browser.find_element(By.ID, "count").text == "2"
    assert visible_ids(browser) == ["N-2026-0001", "N-2026-0004"]
    Select(browser.find_element(By.ID, "filter-assistance")).select_by_value("technical_expertise")
    assert visible_ids(browser) == ["N-2026-0004"]
    browser.find_element(By.CSS_SELECTOR, "#filters button[type=reset]").click()
    Select(browser.find_element(By.ID, "filter-area")).select_by_value("art5")  # a parent
    assert visible_ids(browser) == ["N-2026-0003"]  # rehabilitation is victim assistance
    Select(browser.find_element(By.ID, "filter-area")).select_by_value("art4.survey")
    assert visible_ids(browser) == ["N-2026-0001"]  # technical survey is survey

    browser.get((built / "en" / "offers.html").as_uri())
    Select(browser.find_element(By.ID, "filter-actor-type")).select_by_value("ngo_international")
    assert visible_ids(browser) == ["O-2026-0002"]


def search_for(driver: webdriver.Chrome, words: str) -> list[str]:
    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys(words)
    return visible_ids(driver)


def test_search_finds_a_record_by_a_word_of_its_description_in_each_language(
    browser: webdriver.Chrome, built_more: Path
) -> None:
    browser.get((built_more / "en" / "needs.html").as_uri())
    assert search_for(browser, "quality") == ["N-2026-0004"]  # "quality management of clearance"
    assert browser.find_element(By.ID, "count").text == "1"
    assert search_for(browser, "Tuzla experts") == ["N-2026-0004"]  # every word, in any order
    assert search_for(browser, "Tuzla Vientiane") == []
    browser.get((built_more / "fr" / "needs.html").as_uri())
    assert search_for(browser, "kinésithérapeutes") == ["N-2026-0005"]
    assert search_for(browser, "KINESITHERAP") == ["N-2026-0005"]  # no accent, no case, a prefix
    assert search_for(browser, "Tchad") == ["N-2026-0005"]  # the country, named in French
    browser.get((built_more / "es" / "needs.html").as_uri())
    assert search_for(browser, "niños") == ["N-2026-0006"]
    assert search_for(browser, "ninos rurales") == ["N-2026-0006"]
    assert search_for(browser, "Colombia") == ["N-2026-0006"]


def test_search_and_filters_narrow_together_by_keyboard(
    browser: webdriver.Chrome, built_more: Path
) -> None:
    browser.get((built_more / "en" / "needs.html").as_uri())
    assert search_for(browser, "lao") == ["N-2026-0001", "N-2026-0003"]  # by actor or country
    box = browser.find_element(By.ID, "search")
    box.send_keys(Keys.TAB)  # from the search box to the area filter, by keyboard
    area = browser.switch_to.active_element
    assert area.get_attribute("id") == "filter-area"
    Select(area).select_by_value("art5")
    assert visible_ids(browser) == ["N-2026-0003"]
    box.send_keys(Keys.ENTER)  # Enter does not leave the page
    assert browser.current_url.endswith("/en/needs.html")
    assert visible_ids(browser) == ["N-2026-0003"]


def press(driver: webdriver.Chrome, *keys: str) -> WebElement:
    """Keys sent to whatever has the focus, as a person types them; the element focused after."""
    ActionChains(driver).send_keys(*keys).perform()
    return driver.switch_to.active_element


def tab_to(driver: webdriver.Chrome, selector: str, most: int = 20) -> WebElement:
    """Tab, as often as needed (no more than `most` times), until `selector` has the focus."""
    for _ in range(most):
        focused = press(driver, Keys.TAB)
        if driver.execute_script("return arguments[0].matches(arguments[1])", focused, selector):
            return focused
    raise AssertionError(f"{selector} never got the focus in {most} presses of Tab")


def test_a_keyboard_alone_searches_filters_and_shows_all_again(
    browser: webdriver.Chrome, built_more: Path
) -> None:
    browser.get((built_more / "en" / "needs.html").as_uri())
    skip = tab_to(browser, "a.skip")  # past the header's links, before the map's countries
    assert skip.text == "Skip the map" and skip.is_displayed()
    assert press(browser, Keys.ENTER, Keys.TAB).get_attribute("id") == "search"
    press(browser, "ninos")  # typed without the accent
    assert visible_ids(browser) == ["N-2026-0006"]
    press(browser, Keys.ESCAPE, "lao", Keys.ENTER)  # Escape empties a search box
    assert browser.current_url.endswith("/en/needs.html#filters")  # Enter stays on the page
    assert visible_ids(browser) == ["N-2026-0001", "N-2026-0003"]
    area = press(browser, Keys.TAB)
    assert area.get_attribute("id") == "filter-area"
    press(browser, "victim assistance")  # a closed list picks the first option typed
    assert Select(area).first_selected_option.text == "victim assistance (all)"
    assert visible_ids(browser) == ["N-2026-0003"]
    assert browser.find_element(By.ID, "count").text == "1"
    tab_to(browser, "#filters button[type=reset]", most=4)
    press(browser, Keys.SPACE)
    assert browser.find_element(By.ID, "search").get_attribute("value") == ""
    assert len(visible_ids(browser)) == 6


def test_a_keyboard_reaches_each_country_of_the_map_by_its_name(
    browser: webdriver.Chrome, built_more: Path
) -> None:
    browser.get((built_more / "en" / "index.html").as_uri())
    tab_to(browser, "a.skip")
    names = [press(browser, Keys.TAB).get_attribute("aria-label") for _ in range(5)]
    assert names == [
        "Bosnia and Herzegovina: 1 published need(s), 1 offer(s) open to it",
        "Colombia: 1 published need(s), 1 offer(s) open to it",
        "Lao People's Democratic Republic: 2 published need(s), 2 offer(s) open to it",
        "Lebanon: 1 published need(s), 3 offer(s) open to it",
        "Chad: 1 published need(s), 1 offer(s) open to it",
    ]
    press(browser, Keys.ENTER)
    assert browser.find_element(By.ID, "country").text == "Chad"


def test_the_country_page_lists_its_records(browser: webdriver.Chrome, built: Path) -> None:
    browser.get((built / "en" / "country" / "LAO.html").as_uri())
    ids = {
        Path(link.get_attribute("href") or "").stem
        for link in browser.find_elements(By.CSS_SELECTOR, "a[href*='/record/']")
    }
    assert {"N-2026-0001", "N-2026-0003", "O-2026-0001", "O-2026-0002"} <= ids
    assert "N-2026-0002" not in ids and "O-2026-0003" not in ids  # Lebanon's


def printed_pages(driver: webdriver.Chrome) -> int:
    """How many A4 pages the page prints on (Chromium's own PDF of it)."""
    pdf = base64.b64decode(
        driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69})[
            "data"
        ]
    )
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_a_country_page_prints_as_a_brief(browser: webdriver.Chrome, built: Path) -> None:
    browser.get((built / "en" / "country" / "LAO.html").as_uri())
    assert printed_pages(browser) == 1
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = [
            element.get_attribute("class") or element.get_attribute("id")
            for element in browser.find_elements(By.CSS_SELECTOR, "nav, footer.site p, #contact")
            if element.is_displayed()
        ]
        assert shown == ["contact", ""]  # the contact, and the footer's last line (by whom, when)
        assert browser.find_element(By.ID, "brief").text == (
            "2 published needs · 2 offers open to it · 2 matches · as of 2026-11-23 06:30 UTC"
        )
        need = browser.find_element(By.CSS_SELECTOR, "#needs [data-id='N-2026-0003'] .meta")
        assert need.text == (  # what the need is for, not only whose it is
            "Lao Disabled People's Association (National NGO) · victim assistance — rehabilitation"
            " · financial"
        )
        ARTIFACTS.mkdir(exist_ok=True)
        assert browser.save_screenshot(str(ARTIFACTS / "country-LAO-printed.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def requested(driver: webdriver.Chrome) -> set[str]:
    """The addresses Chromium asked for since the last call (its performance log)."""
    events = (json.loads(entry["message"])["message"] for entry in driver.get_log("performance"))
    return {
        event["params"]["request"]["url"].split("#")[0]
        for event in events
        if event["method"] == "Network.requestWillBeSent"
    }


def test_the_request_log_sees_a_request_to_elsewhere(
    browser: webdriver.Chrome, built: Path
) -> None:
    browser.get((built / "en" / "index.html").as_uri())
    browser.get_log("performance")
    browser.execute_async_script(  # returns once the image has failed to come
        "const done = arguments[0], image = new Image();"
        "image.onerror = image.onload = () => done(); image.src = 'http://127.0.0.1:9/x.png';"
    )
    assert requested(browser) == {"http://127.0.0.1:9/x.png"}


@pytest.mark.parametrize(
    "page", ["en/index.html", "fr/needs.html", "es/record/N-2026-0001.html", "en/country/LAO.html"]
)
def test_a_page_fetches_nothing_from_elsewhere(
    browser: webdriver.Chrome, built: Path, page: str
) -> None:
    """Every request Chromium made for the page (itself, styles, scripts, fonts, images) is for
    a file of the site."""
    browser.get_log("performance")  # what earlier pages asked for
    browser.get((built / page).as_uri())
    fetched = requested(browser)
    site = built.resolve().as_uri() + "/"
    assert (built / page).as_uri() in fetched and "assets/style.css" in " ".join(fetched)
    with_map = page.endswith(("index.html", "needs.html"))
    assert ("assets/world.svg" in " ".join(fetched)) == with_map  # the land beneath the map
    assert [url for url in fetched if not url.startswith(site)] == []


def test_markup_in_a_title_is_shown_as_text(browser: webdriver.Chrome, built: Path) -> None:
    browser.get((built / "en" / "record" / "O-2026-0002.html").as_uri())
    assert SCRIPT_TITLE in browser.find_element(By.TAG_NAME, "h1").text
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - the script never ran
    assert browser.find_elements(By.CSS_SELECTOR, "h1 script") == []
