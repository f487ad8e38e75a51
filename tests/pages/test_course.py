"""The pages as a course: every disposition has its story and a "why", the index follows
the README's teaching order with what each scenario teaches, pages link back and on, and
the palette is readable (WCAG AA) with fates told by mark as well as colour."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from simulator import run_scenario
from simulator.output.files import write_reports
from simulator.pages import course
from simulator.pages.folders import index_page

from ..helpers import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "simulator" / "pages" / "static" / "page.css"
BUNDLED = sorted(path.stem for path in SCENARIOS.glob("*.yaml"))


def readme_order() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### The bundled scenarios"):text.index("### Timing: delays")]
    return [name for line in section.splitlines() if line.startswith("| `")
            for name in re.findall(r"`([a-z0-9-]+)`", line.split(" | ")[0])]


def test_the_course_is_the_readmes_order_and_holds_every_bundled_scenario_once():
    names = [item.name for item in course.lessons()]
    assert names == readme_order()
    assert sorted(names) == BUNDLED


@pytest.mark.parametrize("name", BUNDLED)
def test_every_disposition_has_a_story_and_a_why(tmp_path, name):
    folder = write_reports(run_scenario(SCENARIOS / f"{name}.yaml"), tmp_path / name)
    page = (folder / "index.html").read_text(encoding="utf-8")
    records = (folder / "dispositions.jsonl").read_text(encoding="utf-8").splitlines()
    whys = re.findall(r'<td class="why">(.*?)</td>', page, re.S)
    assert len(whys) == len(records)
    assert all(why.strip() for why in whys), name
    assert page.count('class="story-card') == len(records)
    assert "PASSED" not in page and 'href="../index.html"' in page


def test_the_index_follows_the_course_and_says_what_each_run_teaches(tmp_path):
    for name in ("transfers-to-support", "view-lag", "disposition-while-established"):
        write_reports(run_scenario(SCENARIOS / f"{name}.yaml"), tmp_path / name)
    page = index_page(tmp_path)
    order = re.findall(r'<tr class="run" data-scenario="([^"]+)"', page)
    assert order == ["disposition-while-established", "view-lag", "transfers-to-support"]
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert course.lesson("view-lag").teaches in text.replace("`", "")
    # a traffic run shows its headline, not a badge per disposition
    row = page[page.index('data-scenario="transfers-to-support"'):]
    row = row[:row.index("</tr>")]
    assert "dispositions," in row and "95% interval" in row and row.count('<span class="badge') == 0


def test_a_page_links_to_the_next_lesson_and_to_the_scenarios_its_description_names(tmp_path):
    folder = write_reports(run_scenario(SCENARIOS / "view-lag.yaml"), tmp_path / "view-lag")
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert 'next in the course: <a href="../view-lag-fallback/index.html">' in page
    assert '<a href="../view-lag-fallback/index.html">view-lag-fallback</a> for the setting' in page
    assert '<section id="glossary">' in page and re.search(r"<dt id=\"term-\d+\">ConnID</dt>", page)


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _schemes() -> dict[str, dict[str, str]]:
    """The page's colours, light (``:root``) and dark (the ``prefers-color-scheme: dark`` block over it)."""
    css = CSS.read_text(encoding="utf-8")
    dark_at = css.index("@media (prefers-color-scheme: dark)")
    light = dict(re.findall(r"--([\w-]+): (#[0-9A-Fa-f]{6})", css[:dark_at]))
    dark_block = css[dark_at:css.index("}", css.index("}", dark_at) + 1)]
    return {"light": light, "dark": {**light, **dict(re.findall(r"--([\w-]+): (#[0-9A-Fa-f]{6})", dark_block))}}


def test_white_text_on_every_badge_colour_meets_wcag_aa():
    palette = _schemes()["light"]
    for name in ("userData", "userEvent", "rejected", "error", "lost", "reported", "superseded", "muted"):
        assert contrast(palette[name], "#ffffff") >= 4.5, (name, palette[name])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_and_lines_meet_wcag_aa_in_light_and_dark_mode(scheme):
    palette = _schemes()[scheme]
    for text in ("ink", "muted", "ink-lost", "ink-reported", "ink-error", "band-ink", "link"):
        for ground in ("paper", "card"):  # text on the page, on a story card, in the detail panel
            assert contrast(palette[text], palette[ground]) >= 4.5, (scheme, text, ground)
    for line in ("line", "line-strong", "cometd", "tlib-request", "ink-error", "stroke-userData",
                 "stroke-userEvent", "stroke-rejected"):  # graphics: 3:1 (WCAG 1.4.11)
        assert contrast(palette[line], palette["paper"]) >= 3, (scheme, line)
    assert contrast(palette["ink"], palette["quiz"]) >= 4.5


def test_a_fate_is_told_by_a_mark_as_well_as_by_colour(tmp_path):
    folder = write_reports(run_scenario(SCENARIOS / "two-dispositions.yaml"), tmp_path / "two")
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "↷ superseded</span>" in page and "✓ reported</span>" in page


def test_the_diagram_marks_superseded_names_the_fallback_draws_a_dial_where_it_is_made_and_has_a_legend(tmp_path):
    two = (write_reports(run_scenario(SCENARIOS / "two-dispositions.yaml"), tmp_path / "two") / "index.html")
    page = two.read_text(encoding="utf-8")
    assert "(it sees the call Established) ↷ superseded</text>" in page
    assert 'class="kinds"' in page and "CometD: Web Services to the desktop" in page
    fallback = write_reports(run_scenario(SCENARIOS / "view-lag-fallback.yaml"), tmp_path / "fb") / "index.html"
    assert "decides: userEvent, the fallback after the error</text>" in fallback.read_text(encoding="utf-8")
    lag = write_reports(run_scenario(SCENARIOS / "view-lag.yaml"), tmp_path / "lag") / "index.html"
    text = lag.read_text(encoding="utf-8")
    dial = re.search(r'<circle cx="([\d.]+)"[^>]*/>\s*<text[^>]*>dial 15001 → 15000</text>', text)
    lane = re.search(r'<text x="([\d.]+)" y="24" class="lane-title">T-Server 15001</text>', text)
    assert dial and lane and dial.group(1) == lane.group(1)  # on the dialling DN's lane, and saying so
    listed = re.findall(r'<li><a href="#m(\d+)" data-seq="\d+">', text)
    assert len(listed) == len(set(listed)) > 20  # every message once, in a text list


def test_labels_fit_the_drawing_terms_are_explained_on_hover_and_the_glossary_links_genesys(tmp_path):
    page = (write_reports(run_scenario(SCENARIOS / "icon-not-storing-user-event-data.yaml"), tmp_path / "icon")
            / "index.html").read_text(encoding="utf-8")
    width = float(re.search(r'<div id="diagram"[^>]* data-width="([\d.]+)"', page).group(1))
    for x, label in re.findall(r'<circle cx="([\d.]+)"[^>]*/>\s*<text[^>]*>([^<]*)</text>', page):
        assert float(x) + 9 + len(label) * 6.6 <= width, label  # e.g. "ignores the user event ✗ lost"
    assert re.search(r'<abbr title="the switch&#39;s CTI server[^"]*">T-Server</abbr>', page)
    assert 'href="https://docs.genesys.com/Documentation/HTCC/latest/API/CallsSetCallDisposition"' in page


def test_every_arrow_that_took_time_says_how_long_since_rows_are_not_to_scale(tmp_path):
    page = (write_reports(run_scenario(SCENARIOS / "view-lag.yaml"), tmp_path / "lag") / "index.html").read_text(
        encoding="utf-8")
    to_gws = re.findall(r'class="msg arrow tlib-event[^"]*" [^>]*>\s*<title>[^<]*</title>(?:\s*<line[^>]*/>){2}\s*'
                        r'<text[^>]*>([^<]*)</text>', page)
    assert to_gws and all(label.endswith("· 50ms") for label in to_gws)  # tserver_to_gws is 50 ms in view-lag
    assert "HTTP 200 · statusCode 0</text>" in page  # the answer leaves at once: no delay written


def test_a_traffic_page_leads_with_its_headline_figures_and_folds_its_stories(tmp_path):
    result = run_scenario(SCENARIOS / "an-hour-of-traffic.yaml")
    page = (write_reports(result, tmp_path / "hour") / "index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section id="([^"]+)"', page)
    assert sections[:2] == ["headline", "stories"]
    figures = result.figures
    assert f"{figures['total']} dispositions; lost to reporting: <strong>{figures['lost']} (" in page
    assert "<summary>Each of the 70 dispositions' stories</summary>" in page
