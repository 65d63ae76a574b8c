"""The report in a real browser: headless Chromium (Debian packages chromium and chromium-driver;
.ci/run installs them). No console errors, the top theme and a quote are visible, the injected
script did not run; a screenshot lands in the test's tmp dir."""
from __future__ import annotations

import pytest
from conftest import chromium


@pytest.fixture
def driver(tmp_path):
    with chromium(tmp_path / "profile", window="1280,1600") as d:
        yield d


def test_report_opens_cleanly_in_chromium(tmp_path, driver):
    from selenium.webdriver.common.by import By
    from test_report import XSS_SPEAKER, build_study

    from synth import pipeline
    from synth.report import build_report_data, write_report

    ws = build_study(tmp_path / "ws")
    try:
        icp = pipeline.icp(ws, None)
        data = build_report_data(ws, icp)
        paths = write_report(ws, tmp_path / "report", icp)
    finally:
        ws.close()
    driver.get(paths.html.resolve().as_uri())
    assert driver.title.startswith("Interview synthesis")

    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert severe == [], severe
    assert driver.execute_script("return window.__pwned") is None          # the injected script never ran
    assert driver.find_elements(By.TAG_NAME, "script") == []
    assert driver.find_elements(By.TAG_NAME, "img") == []

    top = data.triggers[0]
    label = driver.find_element(By.CSS_SELECTOR, f"#theme-{top.id} .theme-label")
    driver.execute_script("arguments[0].scrollIntoView()", label)
    assert label.is_displayed() and label.text.startswith(top.label)
    quote = driver.find_element(By.CSS_SELECTOR, f"#theme-{top.id} blockquote")
    assert quote.is_displayed() and top.quotes[0].quote in quote.text
    assert XSS_SPEAKER in driver.find_element(By.TAG_NAME, "body").text   # shown as text, not run
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) == 5  # + hypotheses and saturation

    shot = tmp_path / "report.png"
    driver.execute_script("window.scrollTo(0, 0)")
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
