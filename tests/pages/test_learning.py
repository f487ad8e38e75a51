"""The run page as a learner uses it, in a real browser: the story first, a quiz that
gives nothing away, the keyboard alone, a phone, and an automated accessibility check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator import run_scenario
from simulator.output.files import write_reports

from ..helpers import SCENARIOS
from .conftest import STEP_TIMING, screenshot

AXE = Path(__file__).resolve().parent / "node" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("learning")
    return {name: write_reports(run_scenario(SCENARIOS / f"{name}.yaml"), out / name) / "index.html"
            for name in ("view-lag", "view-lag-fallback", "transfers-to-support",
                         "disposition-after-single-step-transfer", "disposition-on-the-consult-call")}


def test_the_story_comes_first_and_names_the_decisive_gap(page, pages):
    page.goto(pages["view-lag"].as_uri())
    sections = page.locator("body > section").evaluate_all("els => els.map(e => e.id)")
    assert sections[0] == "stories"
    story = page.locator("#stories").inner_text()
    assert "Web Services hears of the release (0.05s after T-Server): until now it showed the call as still " \
           "Established" in story
    assert "T-Server answers EventError 56 TERR_INV_CONNID" in story
    assert page.locator("#stories").bounding_box()["y"] < 900  # above the fold at 1400 × 1000
    assert "PASSED" not in page.locator("header").inner_text()
    page.locator("#stories a", has_text="EventError 56").click()
    assert page.locator("#detail").is_visible()
    assert json.loads(page.locator("#detail-json").inner_text())["attrs"]["ErrorCode"] == 56


def test_while_a_question_is_open_nothing_on_the_page_gives_the_answer_away(page, pages):
    page.goto(pages["view-lag"].as_uri())
    page.check("#predict")
    visible = page.locator("body").inner_text()
    for answer in ("✗ lost", "Reporting: lost", "TERR_INV_CONNID", "EventError 56", "still saw it Established"):
        assert answer not in visible, answer
    assert "Web Services" in page.locator("#quiz-context").inner_text()
    click = page.locator('#diagram .msg[data-request="dispose"]').first.bounding_box()
    assert 0 <= click["y"] <= 1000  # scrolled to the click
    page.check("input[name=quiz-path][value=userData]")
    page.check("input[name=quiz-fate][value=lost]")
    page.click("#reveal")
    answer = page.locator("#quiz-answer").inner_text()
    assert answer.startswith("Right: it took the userData path") and "EventError 56" in answer
    assert "✗ lost" in page.locator("body").inner_text()  # revealed, the rest of the page is back


def test_the_quiz_takes_the_fallback_as_an_answer(page, pages):
    page.goto(pages["view-lag-fallback"].as_uri())
    page.check("#predict")
    page.check("input[name=quiz-path][value='userData+userEvent']")
    page.check("input[name=quiz-fate][value=reported]")
    page.click("#reveal")
    assert page.locator("#quiz-verdict").inner_text().startswith(
        "Right: it took the userData, then the fallback userEvent path")


def test_the_keyboard_alone_opens_and_closes_a_message_and_the_quiz_keeps_its_arrow_keys(page, pages):
    page.goto(pages["view-lag"].as_uri())
    for _ in range(60):  # Tab until a message of the diagram has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('msg')"):
            break
    else:
        pytest.fail("no message of the diagram can be reached with Tab")
    seq = page.evaluate("document.activeElement.dataset.seq")
    page.keyboard.press("Enter")
    assert page.locator("#detail").is_visible()
    assert json.loads(page.locator("#detail-json").inner_text())["seq"] == int(seq)
    page.keyboard.press("Escape")
    assert not page.locator("#detail").is_visible()
    assert page.evaluate("document.activeElement.dataset.seq") == seq
    page.check("#predict")
    page.focus("input[name=quiz-path][value=userData]")
    before = page.locator("#position").inner_text()
    page.keyboard.press("ArrowRight")
    assert page.locator("#position").inner_text() == before


@pytest.mark.parametrize("name", ["view-lag", "transfers-to-support"])
def test_on_a_phone_the_page_is_as_wide_as_the_phone(browser, pages, name):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(pages[name].as_uri())
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator("#diagram .msg").first.tap()
    box = phone.locator("#detail").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844 and box["x"] >= 0  # the detail is on screen
    screenshot(phone, f"{name}-phone", full_page=False)  # (the whole of a 160,000-px page is too big to take)
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_accessibility_violation(browser, pages, scheme):
    if not AXE.exists():
        pytest.skip("ACCESSIBILITY TEST SKIPPED: axe-core is not installed (cd tests/pages/node && npm install)")
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    page.goto(pages["view-lag"].as_uri())
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(20, 20, 23)")  # the system's scheme
    if scheme == "dark":
        screenshot(page, "view-lag-dark", full_page=False)
    for name in ("view-lag", "disposition-after-single-step-transfer"):
        page.goto(pages[name].as_uri())
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], (scheme, name, serious)
    context.close()


def test_jumps_go_from_click_to_click_and_to_the_next_lost_disposition(page, pages):
    page.goto(pages["transfers-to-support"].as_uri())
    quiz = json.loads(page.locator("#quiz-data").text_content())
    lost = sorted((q["order"], q["request"]) for q in quiz if q["lost"])
    clicks = sorted(q["order"] for q in quiz)
    page.click("#next-disposition")
    assert page.locator("#diagram .msg.current").first.get_attribute("data-order") == str(clicks[0])
    page.click("#next-disposition")
    assert page.locator("#diagram .msg.current").first.get_attribute("data-order") == str(clicks[1])
    page.click("#prev-disposition")
    assert page.locator("#diagram .msg.current").first.get_attribute("data-order") == str(clicks[0])
    page.click("#next-lost")
    assert page.locator("#diagram .msg.current").first.get_attribute("data-order") == str(lost[0][0])
    times = sorted(page.evaluate(STEP_TIMING, 20))  # measured, not asserted: benchmarks/bench_page_step.py compares
    print(f"one step on transfers-to-support: {times[10]:.1f} ms median (handler, style and layout)")


def test_the_diagram_can_show_one_call_only(page, pages):
    page.goto(pages["disposition-on-the-consult-call"].as_uri())
    options = page.locator("#only-call option").evaluate_all("os => os.map(o => o.value)")
    assert len(options) == 3  # every call, the customer's, the consult call
    consult = options[2]
    page.select_option("#only-call", consult)
    shown = page.locator("#diagram .msg:not(.filtered):not(.step)").evaluate_all("els => els.map(e => e.dataset.conn)")
    assert shown and set(shown) == {consult}
    assert page.locator('#diagram .msg:not(.filtered)[data-request]').count() > 0  # the disposition is on it
    page.select_option("#only-call", options[1])  # the customer's call: the disposition's story is set aside
    assert page.locator('#diagram .msg:not(.filtered)[data-request]:not(.step)').count() == 0
    page.select_option("#only-call", "")
    assert page.locator("#diagram .msg.filtered").count() == 0


def test_the_lane_titles_and_the_time_ruler_stay_on_screen_while_the_diagram_scrolls(page, pages):
    page.goto(pages["transfers-to-support"].as_uri())
    page.click("#next-lost")  # far down and to the side
    box = page.locator("#diagram").bounding_box()
    head = page.locator(".lane-head").bounding_box()
    assert abs(head["y"] - box["y"]) < 2  # the titles sit at the top of the scrolled drawing
    page.locator("#diagram").evaluate("d => { d.scrollLeft = 1200; }")
    ruler = page.locator(".tile svg.ruler").evaluate_all(
        "rs => rs.map(r => r.getBoundingClientRect()).filter(b => b.bottom > 0 && b.top < innerHeight)"
        ".map(b => b.left)")
    assert ruler and all(abs(left - box["x"]) < 2 for left in ruler)  # the ruler stays at the left edge


def test_the_diagram_can_show_one_agent_only(page, pages):
    page.goto(pages["disposition-after-single-step-transfer"].as_uri())
    page.select_option("#only-agent", "agent2")
    shown = page.locator("#diagram .msg:not(.filtered):not(.step)").evaluate_all(
        "els => els.map(e => e.dataset.agent)")
    assert shown and set(shown) == {"agent2"}
    assert page.locator('#diagram .msg:not(.filtered)[data-request="agent2-dispose"]').count() > 0
    assert page.locator('#diagram .msg:not(.filtered):not(.step)[data-request="agent1-dispose"]').count() == 0
    page.select_option("#only-agent", "")
    assert page.locator("#diagram .msg.filtered").count() == 0
