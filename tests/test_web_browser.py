"""`synth review --web` end to end in real headless Chromium (selenium) on the sample study.

A reviewer opens the study, opens the top trigger theme, follows a quote to its transcript and finds it
highlighted and scrolled into view, renames the theme, moves two of its items to another trigger theme,
merges the two pain themes, rejects an item and reloads. Then review.yaml, `synth review` and a fresh
`synth themes` (re-clustering from scratch) must all keep every decision, with no console error.

The sample workspace is built once per session (ingest + offline extract + themes, ~20 s) and
copied for the test. Skipped without chromium/chromedriver or selenium, like the report's browser test.
"""
from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import SAMPLE, chromium
from typer.testing import CliRunner

from synth.cli import app as cli_app
from synth.themes.review import load_review, review_path

runner = CliRunner()
NEW_LABEL = "Funding pushes us upmarket"


def _themes(root: Path):
    from synth.workspace import Workspace

    ws = Workspace(root)
    try:
        return ws.latest_themes().themes
    finally:
        ws.close()


def cli(*args) -> str:
    r = runner.invoke(cli_app, [str(a) for a in args], catch_exceptions=False)
    assert r.exit_code == 0, r.stdout + r.stderr
    return r.stdout


@pytest.fixture(scope="session")
def sample_ws(tmp_path_factory, embed_model) -> Path:
    root = tmp_path_factory.mktemp("websample") / "ws"
    cli("ingest", SAMPLE, "-w", root)
    cli("extract", "-w", root, "--offline")
    cli("themes", "-w", root, "--offline")
    return root


@pytest.fixture
def driver(tmp_path):
    with chromium(tmp_path / "profile", window="1280,1000") as d:
        yield d


@pytest.fixture
def served(sample_ws, tmp_path):
    """The app on a free 127.0.0.1 port in a thread, over a copy of the sample workspace."""
    from synth.web import server

    root = tmp_path / "ws"
    shutil.copytree(sample_ws, root)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = server(root, port)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:  # startup, not timing: the loop ends as soon as uvicorn listens
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", root
    srv.should_exit = True
    thread.join(10)


def test_review_in_chromium_and_every_decision_survives(served, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, root = served
    errors: list = []
    before = {t.id: t for t in _themes(root)}

    def go(element) -> None:
        """Click a link or submit button and wait for the next page (a click returns before it loads)."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        # A mark on the old page's window: the next page has a new window object without it. Waiting for the
        # old <html> to go stale instead failed in CI: chromium answered the staleness probe, mid-navigation,
        # with "Node with given id does not belong to the document", an error selenium does not map to stale.
        driver.execute_script("window.__before_click = true;")
        element.click()
        loaded = "return window.__before_click === undefined && document.readyState === 'complete';"
        WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script(loaded)
        )

    def page(check_flash: str | None = None):
        errors.extend(e for e in driver.get_log("browser") if e.get("level") == "SEVERE")
        if check_flash:
            flash = driver.find_element(By.CSS_SELECTOR, ".flash.ok").text
            assert check_flash in flash, flash

    # 1. the study page, then the top trigger theme
    driver.get(base + "/")
    assert driver.title.startswith("Study")
    page()
    top = driver.find_element(By.CSS_SELECTOR, "#trigger article.theme .theme-label")
    go(top)
    theme_url = driver.current_url
    theme_id = theme_url.rsplit("/", 1)[1]
    assert theme_id.startswith("trigger-")
    page()

    # 2. a quote, followed to its transcript: highlighted at its span and scrolled into view
    link = driver.find_element(By.CSS_SELECTOR, "a.quote-link")
    quote = link.find_element(By.XPATH, "ancestor::blockquote/p").text.strip("“”")
    go(link)
    assert "/transcript/" in driver.current_url and "#c" in driver.current_url
    anchor = driver.find_element(By.ID, driver.current_url.rsplit("#", 1)[1])
    focused = driver.find_elements(By.CSS_SELECTOR, ".hl.focus")
    assert focused and " ".join("".join(el.text for el in focused).split()) == " ".join(quote.split())
    assert focused[0].get_attribute("href").endswith(f"/theme/{theme_id}")  # linked to its theme
    in_view = "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight;"
    assert driver.execute_script(in_view, focused[0])
    assert abs(anchor.location["y"] - focused[0].location["y"]) < 20   # the #anchor sits at the span
    page()

    # 3. rename the theme
    driver.get(theme_url)
    box = driver.find_element(By.ID, "rename-label")
    box.clear()
    box.send_keys(NEW_LABEL)
    go(driver.find_element(By.ID, "rename"))
    page(f"renamed {theme_id}")
    assert NEW_LABEL in driver.find_element(By.ID, "theme-title").text

    # 4. move two items to another trigger theme
    boxes = driver.find_elements(By.CSS_SELECTOR, "input[name=items]")
    assert len(boxes) >= 3, "the top trigger theme should have items to spare"
    moved = [b.get_attribute("value") for b in boxes[:2]]
    for b in boxes[:2]:
        b.click()
    target = Select(driver.find_element(By.ID, "move-to"))
    target_id = target.first_selected_option.get_attribute("value")
    go(driver.find_element(By.ID, "move"))
    page(f"moved 2 item(s) to {target_id}")
    assert len(driver.find_elements(By.CSS_SELECTOR, "input[name=items]")) == len(boxes) - 2

    # 5. merge the two pain themes (from the top pain theme's page)
    driver.get(base + "/")
    pains = driver.find_elements(By.CSS_SELECTOR, "#pain article.theme")
    assert len(pains) >= 2
    into, source = (p.get_attribute("id").removeprefix("theme-") for p in pains[:2])
    go(pains[0].find_element(By.CSS_SELECTOR, ".theme-label"))
    Select(driver.find_element(By.ID, "merge-source")).select_by_value(source)
    go(driver.find_element(By.ID, "merge"))
    page(f"merged {source} into {into}")

    # 6. reject one item of the merged theme
    first = driver.find_element(By.CSS_SELECTOR, "input[name=items]")
    rejected = first.get_attribute("value")
    first.click()
    go(driver.find_element(By.ID, "reject"))
    page(f"rejected 1 item(s): {rejected}")
    assert rejected not in [b.get_attribute("value") for b in driver.find_elements(By.CSS_SELECTOR, "input[name=items]")]

    # 7. reload: the study shows every decision
    driver.get(base + "/")
    driver.refresh()
    assert driver.find_element(By.CSS_SELECTOR, f"#theme-{theme_id} .theme-label").text == NEW_LABEL
    assert not driver.find_elements(By.ID, f"theme-{source}")
    assert driver.find_element(By.ID, "review-version").text == "review.yaml v5"
    page()
    assert errors == [], errors
    assert driver.execute_script("return document.querySelectorAll('[onclick],[onerror],[onload]').length") == 0

    # review.yaml, `synth review` and a re-clustering `synth themes` keep every decision
    rv = load_review(review_path(root))
    assert rv.version == 5 and rv.rename[theme_id] == NEW_LABEL
    assert [(m.items, m.to) for m in rv.move] == [(moved, target_id)]
    assert [(m.into, m.sources) for m in rv.merge] == [(into, [source])]
    assert rv.reject == {rejected: "not a pain"}
    shown = cli("review", "-w", root, "--quotes", "0")
    assert NEW_LABEL in shown and "review.yaml version 5" in shown and f"{rejected} (not a pain)" in shown
    for ts in (json.loads(cli("themes", "-w", root, "--offline", "--json")),
               json.loads(cli("themes", "-w", root, "--offline", "--json"))):   # twice: stable
        th = {t["id"]: t for t in ts["themes"]}
        assert th[theme_id]["label"] == NEW_LABEL and th[theme_id]["label_source"] == "review"
        assert set(moved) <= set(th[target_id]["item_ids"]) and not set(moved) & set(th[theme_id]["item_ids"])
        assert source not in th and all(rejected not in t["item_ids"] for t in th.values())
        merged = set(before[into].item_ids) | set(before[source].item_ids)
        assert set(th[into]["item_ids"]) == merged - {rejected}
        assert ts["stale_decisions"] == []
