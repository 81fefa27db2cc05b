"""The dashboard in a real headless Chromium (Debian's `chromium`, driven by Playwright with the system browser):
sign in, load every page, start a run from the page, watch it finish live, take screenshots."""

from __future__ import annotations

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: `pip install -e '.[dev]'` installs it")
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH: `apt-get install chromium` (make setup installs it where it can)")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield instance
        instance.close()


def test_sign_in_start_a_run_and_see_it_finish(browser, live_url, tokens, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(f"{live_url}/dashboard/runs")
    assert "/dashboard/login" in page.url and "key=" not in page.url
    page.fill("input[name=key]", tokens["run"])
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{live_url}/dashboard/runs")
    assert tokens["run"] not in page.url
    cookie = next(c for c in page.context.cookies() if c["name"] == "ech0_key")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""  # the page's scripts cannot read the key

    page.fill("#request", "How many rings does c1ccc2ccccc2c1 have? What is known about metformin?")
    page.click("form.start button[type=submit]")
    page.wait_for_url(f"{live_url}/dashboard/runs/*")
    run_id = page.url.rsplit("/", 1)[1]
    page.wait_for_selector("#answer", timeout=90_000)  # the live view reloads the page when the run ends
    assert page.inner_text("#status") == "done" and page.inner_text("#answer") == "2"
    assert page.locator("svg.lineage g.node").count() >= 4
    assert page.locator("#report table").count() >= 1
    page.screenshot(path=str(tmp_path / "run.png"), full_page=True)

    page.click("nav >> text=Runs")
    assert page.locator(f"#jobs a[href='/dashboard/runs/{run_id}']").count() == 1
    page.click("nav >> text=Lab")
    assert page.locator("#experiments tr[id^='exp-']").count() >= 1
    page.click("nav >> text=Schedules")
    assert page.locator("h1").inner_text() == "Discovery loops"
    page.click("nav >> text=Evals")
    assert page.locator("h1").inner_text() == "Eval runs"
    page.click("nav >> text=Compounds")
    page.fill("input[name=q]", "metformin")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("img.structure")
    assert "drugcentral:1725" in page.inner_text("article.compound h2")
    assert page.evaluate("document.querySelector('img.structure').naturalWidth") > 0
    page.screenshot(path=str(tmp_path / "compound.png"), full_page=True)

    page.click("form.logout button[type=submit]")
    page.wait_for_url(f"{live_url}/dashboard/login")
    assert not [c for c in page.context.cookies() if c["name"] == "ech0_key"]
    assert problems == []  # no script errors, no content-security-policy violations
    assert (tmp_path / "run.png").stat().st_size > 10_000
