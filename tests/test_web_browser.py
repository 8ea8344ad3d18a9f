"""The form in a real browser: Debian's chromium, driven by Playwright.

Nothing is downloaded at test time: Playwright launches /usr/bin/chromium
(installed by ``make test``), and axe-core is vendored in tests/vendor
(axe-core 4.14.1, MPL-2.0, from the npm registry). The site runs as
``advocacy serve`` in its own process, as a person would start it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, pdf_text

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "advocacy", "serve", "--port", str(port), "--lang", "en-GB"]
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2):  # noqa: S310 - our own server
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    # Nothing about the people who used it: no answers, no tracebacks.
    written = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in written
    assert "Ann" not in written


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    # bypass_csp lets the test inject axe-core; the site's own pages never need it.
    context = browser.new_context(
        java_script_enabled=request.param, accept_downloads=True, bypass_csp=True
    )
    opened = context.new_page()
    opened.javascript = request.param
    try:
        yield opened
    finally:
        context.close()


def _axe(page: Any) -> None:
    """axe-core on the page as it is: no violation at all, WCAG 2.2 A and AA."""
    if not page.javascript:
        return
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values:
        ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    problems = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
    ]
    assert problems == [], page.url
    assert len(result["passes"]) > 10  # axe really ran


def _continue(page: Any) -> None:
    page.get_by_role("button", name="Continue").click()


def test_fill_with_a_mistake_fix_it_review_and_download(
    site: str, page: Any, tmp_path: Path
) -> None:
    page.goto(site + "/")
    _axe(page)
    page.get_by_role("button", name="Start now").click()
    assert page.locator("h1").inner_text() == "Your letter"
    _axe(page)
    page.get_by_label("UK English").check()
    _continue(page)

    page.get_by_label("What is your full name?").fill("Ann <b>Example</b>")
    page.get_by_label("What is your date of birth?").fill("30/02/1972")
    page.get_by_label("What is your diagnosis?").fill("hereditary spastic paraplegia")
    _continue(page)

    # The mistake: named at the top, linked to its field, and said beside it.
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "not a day on the calendar" in summary.inner_text()
    assert page.title().startswith("Error:")
    _axe(page)
    summary.get_by_role("link").first.click()
    date = page.get_by_label("What is your date of birth?")
    described = date.get_attribute("aria-describedby") or ""
    message = page.locator(f"#{described.split()[-1]}")
    assert "not a day on the calendar" in message.inner_text()
    if page.javascript:
        assert page.evaluate("document.activeElement.id") == "f-patient-date-of-birth"
    date.fill("14 March 1972")
    _continue(page)

    for _ in range(6):  # getting about … someone to contact
        assert page.locator(".error-summary").count() == 0
        _axe(page)
        _continue(page)
    _axe(page)
    page.get_by_label("Did someone help you prepare this").fill("Jo Example")
    page.get_by_role("button", name="Check your answers").click()

    assert page.locator("h1").inner_text() == "Check your answers"
    _axe(page)
    assert "Ann <b>Example</b>" in page.locator("main").inner_text()
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download PDF").first.click()
    download = waiting.value
    assert download.suggested_filename == "Ann-b-Example-b.pdf"
    saved = tmp_path / "letter.pdf"
    download.save_as(saved)
    text = " ".join(pdf_text(saved.read_bytes()))
    assert "Ann <b>Example</b>" in text
    assert "14 March 1972" in text
    assert "hereditary spastic paraplegia" in text


def test_change_an_answer_from_the_review(site: str, page: Any) -> None:
    page.goto(site + "/form")
    _continue(page)
    page.get_by_label("What is your full name?").fill("Bo Example")
    page.get_by_label("What is your date of birth?").fill("1980-01-02")
    page.get_by_label("What is your diagnosis?").fill("multiple sclerosis")
    _continue(page)
    for _ in range(6):
        _continue(page)
    page.get_by_role("button", name="Check your answers").click()
    page.get_by_role("button", name="Change first dose").click()
    dose = page.get_by_label("What first test dose should the letter ask for")
    dose.fill("0.05")
    page.get_by_role("button", name="Save and go back to your answers").click()
    assert "looks like milligrams" in page.locator(".error-summary").inner_text()
    dose = page.get_by_label("What first test dose should the letter ask for")
    dose.fill("40")
    page.get_by_label("If the first dose is too strong").fill("20")
    page.get_by_role("button", name="Save and go back to your answers").click()
    assert page.locator("h1").inner_text() == "Check your answers"
    assert "40 micrograms" in page.locator("main").inner_text()
    page.get_by_role("button", name="Look at the pages").first.click()
    # With JavaScript the pages appear in place; without it, on a page of their own.
    page.locator("img[alt^='Page 1 of']").wait_for()
    assert page.locator("img[alt^='Page 1 of']").count() == 1
    if page.javascript:
        assert page.locator("h1").inner_text() == "Check your answers"
        assert "pages shown below" in page.locator("#preview-status").inner_text()
        _axe(page)
        # The page of pictures that people without JavaScript get, checked too.
        page.evaluate(
            "document.querySelector('form.review-form')"
            ".requestSubmit(document.querySelector('[data-preview]'))"
        )
        page.wait_for_url("**/preview")
        assert page.locator("h1").inner_text() == "Look over your letter"
    _axe(page)


def test_a_field_is_checked_as_it_is_left(site: str, browser: Any) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site + "/form")
        _continue(page)
        name = page.get_by_label("What is your full name?")
        name.fill("Ann Example")
        date = page.get_by_label("What is your date of birth?")
        date.fill("04/03/1972")
        page.keyboard.press("Tab")
        message = page.locator("#f-patient-date-of-birth-error")
        message.wait_for(state="visible")
        assert "could be" in message.inner_text()
        assert date.get_attribute("aria-invalid") == "true"
        date.fill("4 March 1972")
        page.keyboard.press("Tab")
        message.wait_for(state="hidden")
    finally:
        context.close()


def test_keyboard_only_skip_link_and_visible_focus(site: str, browser: Any) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
        page.keyboard.press("Enter")
        for _ in range(3):
            page.keyboard.press("Tab")
            style = page.evaluate(
                """() => { const s = getComputedStyle(document.activeElement);
                return [s.backgroundColor, s.outlineColor, s.boxShadow]; }"""
            )
            assert "rgb(255, 221, 0)" in " ".join(style), style
    finally:
        context.close()


@pytest.mark.parametrize(
    ("width", "zoom"), [(390, 1), (1280, 2)], ids=["phone", "desktop-at-200-percent"]
)
def test_no_sideways_scrolling(site: str, browser: Any, width: int, zoom: int) -> None:
    # 200% zoom on a 1280-pixel window lays the page out 640 CSS pixels wide.
    context = browser.new_context(
        viewport={"width": width // zoom, "height": 800}, device_scale_factor=zoom
    )
    try:
        page = context.new_page()
        for path in ("/", "/form", "/group"):
            page.goto(site + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, path
        small = page.evaluate(
            """() => [...document.querySelectorAll('button, input:not([type=hidden]), a.button')]
            .filter(e => { const r = e.getBoundingClientRect();
              return r.width > 0 && (r.width < 24 || r.height < 24); })
            .map(e => e.outerHTML.slice(0, 80))"""
        )
        assert small == []  # WCAG 2.5.8: targets at least 24 by 24
    finally:
        context.close()


def test_group_page_roster_upload(site: str, page: Any, tmp_path: Path) -> None:
    roster = tmp_path / "members.csv"
    roster.write_text(
        "patient.name,patient.date_of_birth,patient.diagnosis\nAnn Example,1972-03-14,HSP\n"
        "No Date,,MS\n",
        encoding="utf-8",
    )
    page.goto(site + "/group")
    _axe(page)
    page.get_by_label("The roster").set_input_files(str(roster))
    with page.expect_download(timeout=120_000) as waiting:
        page.get_by_role("button", name="Make the letters").click()
    download = waiting.value
    assert download.suggested_filename == "letters.zip"
    if page.javascript:  # progress, then what was made, said in place
        status = page.locator("#roster-status").inner_text()
        assert status.startswith("1 letter made; 1 row needs fixing"), status
        assert "patient.date_of_birth" in page.locator("#roster-lines").inner_text()
        assert page.locator("#roster-bar").get_attribute("value") == "2"
        _axe(page)
    saved = tmp_path / "letters.zip"
    download.save_as(saved)
    import zipfile

    with zipfile.ZipFile(saved) as archive:
        assert "bad-rows.csv" in archive.namelist()
        assert "letters/2-Ann-Example.pdf" in archive.namelist()


def test_error_pages_pass_axe(site: str, page: Any, tmp_path: Path) -> None:
    wrong = tmp_path / "notes.txt"
    wrong.write_text("not a patient file", encoding="utf-8")
    page.goto(site + "/")
    page.get_by_label("Your patient file").set_input_files(str(wrong))
    page.get_by_role("button", name="Load my answers").click()
    assert "not a patient file" in page.locator(".error-summary").inner_text()
    _axe(page)
    page.goto(site + "/no-such-page")
    assert page.locator("h1").inner_text() == "Page not found"
    _axe(page)
    page.goto(site + "/group")
    page.get_by_label("How many copies?").fill("0")
    page.get_by_role("button", name="Download blank copies").click()
    assert "Copies must be a whole number" in page.locator(".error-summary").inner_text()
    _axe(page)
