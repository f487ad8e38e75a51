"""A real browser for the page tests: Debian's Chromium, driven by Playwright.

Where Chromium or Playwright cannot be had, the browser tests are skipped with
the reason in pytest's summary (``-rs``), never silently.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"  # screenshots, kept out of git


# One step through a diagram, timed inside the page: the → key's handler and the style and
# layout it causes (forced at once, so they are counted); painting is the compositor's.
STEP_TIMING = """async (steps) => {
  const times = [];
  for (let i = 0; i < steps; i++) {
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));  // a frame apart
    const started = performance.now();
    document.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowRight", bubbles: true}));
    document.body.getBoundingClientRect();  // the style and layout the step caused, done now
    void document.querySelector("#diagram .msg.current").getBoundingClientRect().top;
    times.push(performance.now() - started);
  }
  return times;
}"""


def chromium_path() -> str | None:
    for candidate in (os.environ.get("TSIM_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                      "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="package")  # not the session: its event loop must stop before other tests run asyncio
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("BROWSER TESTS SKIPPED: no Chromium found (apt-get install chromium, or set TSIM_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - a test extra
        pytest.skip("BROWSER TESTS SKIPPED: playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A page that refuses every request that is not a local file, and counts them."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    opened.outside = []

    def guard(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            opened.outside.append(route.request.url)
            route.abort()

    opened.route("**/*", guard)
    yield opened
    context.close()


def screenshot(page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
