"""Regenerate the pictures in docs/: the state diagrams (from the model's tables)
and the screenshot of a run's page that the README shows.

    python docs/pictures.py            # needs Debian's chromium for the screenshot

tests/pages/test_docs.py fails when the committed state diagrams no longer match
the tables, so the docs cannot drift from the code.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

from simulator import run_scenario  # noqa: E402
from simulator.output.files import write_reports  # noqa: E402
from simulator.pages import states  # noqa: E402
from simulator.pages.render import state_diagram_svg  # noqa: E402

STATE_FILES = {"party-states.svg": states.party_states, "agent-states.svg": states.agent_states,
               "disposition-decision.svg": states.disposition_decision}


def write_state_diagrams() -> None:
    for name, diagram in STATE_FILES.items():
        (DOCS / name).write_text(state_diagram_svg(diagram()), encoding="utf-8")


def write_screenshot() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        page_file = write_reports(run_scenario(DOCS.parent / "scenarios" / "view-lag.yaml"),
                                  Path(folder) / "view-lag") / "index.html"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(page_file.as_uri())
            page.add_style_tag(content=".controls { position: static; } .diagram { max-height: none; } "
                               ".tile { content-visibility: visible; }")  # all of it, nothing over it
            page.locator(".diagram").screenshot(path=str(DOCS / "view-lag-page.png"))
            page.locator("#stories").screenshot(path=str(DOCS / "view-lag-story.png"))
            phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
            phone.goto(page_file.as_uri())
            phone.screenshot(path=str(DOCS / "view-lag-phone.png"))
            write_traffic_screenshots(browser, Path(folder))
            browser.close()


def write_traffic_screenshots(browser, folder: Path) -> None:
    """transfers-to-support at a desktop's size and a phone's, at its first lost disposition."""
    page_file = write_reports(run_scenario(DOCS.parent / "scenarios" / "transfers-to-support.yaml"),
                              folder / "transfers-to-support") / "index.html"
    for name, viewport, mobile in (("transfers-desktop.png", {"width": 1440, "height": 900}, False),
                                   ("transfers-phone.png", {"width": 390, "height": 844}, True)):
        page = browser.new_page(viewport=viewport, is_mobile=mobile)
        page.goto(page_file.as_uri())
        page.click("#next-lost")
        page.locator("#diagram .msg.current").first.click()  # its journal entry, open beside it
        page.wait_for_timeout(200)
        page.screenshot(path=str(DOCS / name))
        page.close()


if __name__ == "__main__":
    write_state_diagrams()
    write_screenshot()
    print("wrote", ", ".join([*STATE_FILES, "view-lag-page.png", "view-lag-story.png", "view-lag-phone.png",
                              "transfers-desktop.png", "transfers-phone.png"]))
