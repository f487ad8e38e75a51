"""The pages in a real browser: lanes and arrows match the journal, the
disposition's story is drawn, step-through and predict-then-reveal work, and
nothing is loaded from the network."""

from __future__ import annotations

import json

import pytest

from simulator import run_scenario
from simulator.output.files import write_reports
from simulator.pages.folders import write_index

from ..helpers import SCENARIOS
from .conftest import screenshot


@pytest.fixture(scope="module")
def view_lag(tmp_path_factory):
    out = tmp_path_factory.mktemp("pages")
    folder = write_reports(run_scenario(SCENARIOS / "view-lag.yaml"), out / "view-lag")
    journal = [json.loads(line) for line in (folder / "journal.jsonl").read_text().splitlines()]
    return folder, journal


def expected_lanes(journal):
    users = {e["user"] for e in journal if e["kind"] in ("http.request", "cometd")}
    dns = {e["attrs"]["ThisDN"] for e in journal if e["kind"] in ("tlib.event", "tlib.request")}
    return len(users) + 1 + len(dns) + 1


def expected_arrows(journal):
    count = 0
    for e in journal:
        if e["kind"] in ("http.request", "http.response", "cometd"):
            count += 1
        elif e["kind"] == "tlib.request" and e["client"] == "gws":
            count += 1
        elif e["kind"] == "tlib.event":
            count += len(e["meta"]["arrived"])
    return count


def test_the_view_lag_page_draws_the_journal_and_the_lost_disposition(page, view_lag):
    folder, journal = view_lag
    page.goto((folder / "index.html").as_uri())
    assert page.locator("#diagram .lane").count() == expected_lanes(journal)
    assert page.locator("#diagram .arrow:not(.copy)").count() == expected_arrows(journal)
    story = page.locator('#diagram [data-request="dispose"]')
    assert story.count() >= 6
    assert page.locator('#diagram .arrow.path-userData[data-request="dispose"]').count() >= 3
    error = page.locator("#diagram .arrow.error", has_text="EventError 56")
    assert error.count() == 1
    assert "lost" in page.locator("#diagram .mark.decision.lost").text_content()
    assert "GWS sees Established until 266.05s" in page.locator("#diagram .band").text_content()
    page.locator("#diagram .arrow.error text").first.click()
    detail = json.loads(page.locator("#detail-json").inner_text())
    assert detail["name"] == "EventError" and detail["attrs"]["ErrorCode"] == 56
    screenshot(page, "view-lag")
    assert page.outside == []


def test_step_through_moves_one_message_at_a_time(page, view_lag):
    folder, _ = view_lag
    page.goto((folder / "index.html").as_uri())
    total = len({int(o) for o in page.locator("#diagram .msg").evaluate_all("els => els.map(e => e.dataset.order)")})
    page.keyboard.press("ArrowRight")
    assert page.locator("#position").inner_text() == f"message 1 of {total}"
    assert page.locator("#diagram .msg.current").count() >= 1
    first = page.locator("#diagram .msg.current").first.get_attribute("data-order")
    page.keyboard.press("ArrowRight")
    second = page.locator("#diagram .msg.current").first.get_attribute("data-order")
    assert page.locator("#position").inner_text() == f"message 2 of {total}"
    assert int(second) > int(first)
    assert page.locator("#diagram .msg.future").count() == page.locator("#diagram .msg").count() - page.locator(
        "#diagram .msg:not(.future)").count()
    page.keyboard.press("ArrowLeft")
    assert page.locator("#diagram .msg.current").first.get_attribute("data-order") == first
    page.click("#all")
    assert page.locator("#diagram .msg.future").count() == 0


def test_predict_then_reveal_hides_the_outcome_until_answered(page, view_lag):
    folder, _ = view_lag
    page.goto((folder / "index.html").as_uri())
    page.check("#predict")
    assert page.locator("#quiz").is_visible()
    assert "dispose" in page.locator("#quiz-title").inner_text()
    assert page.locator("#diagram .arrow.error").first.evaluate("e => e.classList.contains('hidden')")
    page.check("input[name=quiz-path][value=userEvent]")
    page.check("input[name=quiz-fate][value=reported]")
    page.click("#reveal")
    answer = page.locator("#quiz-answer").inner_text()
    assert answer.startswith("Not quite: it took the userData path") and "released the call" in answer
    assert not page.locator("#diagram .arrow.error").first.evaluate("e => e.classList.contains('hidden')")
    screenshot(page, "view-lag-predict")


def test_the_index_links_every_run_and_groups_them_as_a_course(page, tmp_path):
    for path in sorted(SCENARIOS.glob("*.yaml")):
        write_reports(run_scenario(path), tmp_path / path.stem)
    index = write_index(tmp_path)
    page.goto(index.as_uri())
    links = page.locator("table.runs a")
    assert links.count() == len(list(SCENARIOS.glob("*.yaml")))
    assert page.locator("h2").all_inner_texts()[:3] == [
        "1 · the basics", "2 · timing", "3 · calls that change, and the end of a call"]
    page.locator("table.runs a", has_text="view-lag").first.click()
    assert page.title().startswith("view-lag")
    assert page.outside == []
    screenshot(page, "index-then-view-lag")
