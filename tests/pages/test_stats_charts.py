"""Charts of a run's statistics on its page: drawn from stats.csv, bars as tall as the counts."""

from __future__ import annotations

import re

import pytest

from simulator import run_scenario
from simulator.output.files import write_reports
from simulator.output.statistics import delay_bin_labels
from simulator.pages.folders import run_page_from_folder
from simulator.pages.stats_charts import BOTTOM, HEIGHT, TOP, charts_html, read_figures

from ..helpers import SCENARIOS

CSV = """section,key,value
dispositions,total,6
dispositions,lost share low,0.059061
click minus release,lost -0.1s … 0s,2
click minus release,reported -0.1s … 0s,3
click minus release,reported +10s … +60s,1
interval 0s,offered,4
interval 0s,dispositions,2
interval 0s,lost,1
interval 60s,offered,8
interval 60s,dispositions,4
interval 60s,lost,1
"""


def bars(svg: str) -> list[tuple[float, str]]:
    """(height, title) of every bar in a chart."""
    return [(float(h), t) for h, t in re.findall(r'<rect [^>]*height="([\d.]+)"[^>]*><title>([^<]+)</title>', svg)]


def test_the_figures_are_read_from_the_csv_and_other_rows_are_skipped():
    figures = read_figures(CSV)
    assert figures.clicks == {"-0.1s … 0s": {"lost": 2, "reported": 3}, "+10s … +60s": {"reported": 1}}
    assert figures.series == {"0s": {"offered": 4, "dispositions": 2, "lost": 1},
                              "60s": {"offered": 8, "dispositions": 4, "lost": 1}}


def test_bars_are_as_tall_as_their_counts_and_stacked_bars_fill_the_tallest_bin():
    html = charts_html(CSV)
    histogram, series = html.split("</figure>")[:2]
    heights = dict((title, height) for height, title in bars(histogram))
    plot = HEIGHT - BOTTOM - TOP
    assert heights["-0.1s … 0s: 2 lost"] + heights["-0.1s … 0s: 3 reported"] == pytest.approx(plot, abs=0.1)
    assert heights["+10s … +60s: 1 reported"] == pytest.approx(plot / 5, abs=0.1)
    offered = [height for height, title in bars(series) if title.endswith("offered")]
    assert offered == [pytest.approx(plot / 2, abs=0.1), pytest.approx(plot, abs=0.1)]  # 4 and 8 calls offered


def test_no_statistics_no_chart():
    assert charts_html(None) == "" and charts_html("section,key,value\n") == ""


def test_the_csv_lists_the_histogram_in_the_order_of_its_bins(tmp_path):
    folder = write_reports(run_scenario(SCENARIOS / "an-hour-of-traffic.yaml"), tmp_path / "hour")
    rows = [line.split(",")[1].partition(" ")[2] for line in (folder / "stats.csv").read_text().splitlines()
            if line.startswith("click minus release,reported")]
    assert rows == [label for label in delay_bin_labels() if label in rows] and len(rows) > 3


def test_a_run_with_traffic_has_its_charts_on_its_page_and_a_small_run_has_none(tmp_path):
    hour = write_reports(run_scenario(SCENARIOS / "an-hour-of-traffic.yaml"), tmp_path / "hour")
    page = (hour / "index.html").read_text()
    assert 'id="statistics"' in page and page.count('class="stats-chart"') == 2
    assert run_page_from_folder(hour) == page  # rebuilt from the files alone, charts included
    small = write_reports(run_scenario(SCENARIOS / "view-lag.yaml"), tmp_path / "small")
    assert 'id="statistics"' not in (small / "index.html").read_text()


def test_the_queues_and_agents_figures_are_on_the_page_as_stats_md_has_them(tmp_path):
    folder = write_reports(run_scenario(SCENARIOS / "a-shift-change-with-two-queues.yaml"), tmp_path / "shift")
    page = (folder / "index.html").read_text()
    markdown = (folder / "stats.md").read_text()
    for row in re.findall(r"^\| (1600\d) \| (\d+) \| (\d+) \| (\d+) \| ([\d.]+ s) \| ([\d.]+%) \|$", markdown, re.M):
        assert "<tr><td>" + "</td><td>".join(row) + "</td></tr>" in page
    occupancy = re.search(r"occupancy ([\d.]+%)", markdown)
    assert occupancy is not None and f"occupancy {occupancy.group(1)}" in page
    assert "Agents: 7, 4.28 agent-hours logged in (63.7% on calls" in page
    figures = read_figures((folder / "stats.csv").read_text())
    assert set(figures.queues) == {"16000", "16001"} and figures.agents["logged in"] == 7


def test_shifts_draw_the_agents_logged_in_and_a_constant_staff_draws_nothing(tmp_path):
    shift = write_reports(run_scenario(SCENARIOS / "a-shift-change-with-two-queues.yaml"), tmp_path / "shift")
    figures = read_figures((shift / "stats.csv").read_text())
    assert figures.logged_in["1440s"] == 6.0 and figures.logged_in["0s"] == 4.0
    page = (shift / "index.html").read_text()
    chart = page.split("Agents logged in, on average over each interval")[-1].split("</figure>")[0]
    heights = dict((title, height) for height, title in bars(chart))
    plot = HEIGHT - BOTTOM - TOP
    assert heights["24min: 6 agents"] == pytest.approx(plot * 6 / 7, abs=0.1)  # 7 agents at most: the tallest bar
    assert heights["27min: 7 agents"] == pytest.approx(plot, abs=0.1)
    hour = write_reports(run_scenario(SCENARIOS / "an-hour-of-traffic.yaml"), tmp_path / "hour")
    assert "Agents logged in" not in (hour / "index.html").read_text()  # four agents all along
