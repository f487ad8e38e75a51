"""Sweeps: variants, outcomes, boundaries, files."""

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from simulator import load_scenario
from simulator.cli import cli
from simulator.output import sweep_report
from simulator.sweep import SweepError, parse_variation, sweep

from .helpers import SCENARIOS

VIEW_LAG = SCENARIOS / "view-lag.yaml"


def test_boundaries_sit_at_the_link_delays():
    result = sweep(load_scenario(VIEW_LAG), "dispose.at=265.9s:266.2s:10ms", anchor="hangup", jobs=1)
    before, after = result.boundaries
    # 50 ms each way: an update sent 50 ms before the hangup still lands; Web Services hears of the
    # release 50 ms after it.
    assert (before.before.label, before.after.label) == ("-50ms", "-40ms")
    assert (after.before.label, after.after.label) == ("+40ms", "+50ms")
    assert before.after.outcome[0][1:5] == ("userData", "EventError 56", "CometD", "lost")
    assert after.after.outcome[0][1:5] == ("userEvent", "EventUserEvent", "no CometD", "reported")


def test_boundary_follows_the_varied_link_delay():
    result = sweep(load_scenario(VIEW_LAG), "latency.tserver_to_gws=0ms:30ms:2ms", jobs=1)
    (boundary,) = result.boundaries  # the click is 10 ms after the hangup
    assert (boundary.before.label, boundary.after.label) == ("10ms", "12ms")


def test_a_process_pool_gives_the_same_rows_as_one_process():
    loaded = load_scenario(VIEW_LAG)
    one = sweep(loaded, "dispose.at=266s:266.1s:5ms", jobs=1)
    pool = sweep(loaded, "dispose.at=266s:266.1s:5ms", jobs=2)
    assert len(one.rows) == 21 and one.rows == pool.rows


def test_seed_sweep_replays_a_random_tie_break_both_ways():
    result = sweep(load_scenario(SCENARIOS / "same-instant-random-tie-break.yaml"), "seed=1:12:1", jobs=1)
    assert {row.outcome[0][1] for row in result.rows} == {"userData", "userEvent"}


@pytest.mark.parametrize("vary,words", [
    ("dispose.at", "TARGET=FROM:TO:STEP"),
    ("dispose.at=1s:2s", "FROM:TO:STEP"),
    ("nobody.at=1s:2s:1s", "no step has the id"),
    ("steps[99].at=1s:2s:1s", "there is no steps[99]"),
    ("latency.warp=1ms:2ms:1ms", "no delay 'warp'"),
    ("dispose.at=2s:1s:1s", "TO is before FROM"),
    ("dispose.at=1s:2s:0s", "above zero"),
    ("dispose.at=0s:3h:1us", "at most"),
    ("seed=a:b:c", "whole numbers"),
    ("dispose.at=soon:2s:1s", "expected a duration"),
])
def test_bad_variations_say_what_is_wrong(vary, words):
    with pytest.raises(SweepError, match=words.replace("[", r"\[").replace("]", r"\]")):
        parse_variation(vary, load_scenario(VIEW_LAG).scenario)


def test_reports_and_picture(tmp_path):
    result = sweep(load_scenario(VIEW_LAG), "dispose.at=265.95s:266.1s:10ms", anchor="hangup", jobs=1)
    files = sweep_report.write(result, tmp_path)
    csv_lines = files["sweep.csv"].read_text().splitlines()
    assert csv_lines[0] == "value_us,label,request,path,tserver,cometd,reporting,holds"
    assert len(csv_lines) == 1 + len(result.rows)
    markdown = files["sweep.md"].read_text()
    assert "## Boundaries" in markdown and "between -50ms and -40ms" in markdown
    root = ET.fromstring(files["sweep.svg"].read_text())
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "view-lag: outcome by dispose.at" in texts and "-50ms | -40ms" in texts


def test_cli_sweep(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["sweep", str(VIEW_LAG), "--vary", "dispose.at=265.9s:266.2s:10ms",
                                 "--anchor", "hangup", "--out", str(tmp_path), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "2 boundary(ies) where the outcome changes" in result.output
    assert "Lost from -40ms to +40ms (relative to step hangup): dispose" in result.output
    assert (tmp_path / "view-lag" / "sweep-dispose.at" / "sweep.svg").exists()
    # a run into the same folder keeps the sweep; a sweep of another value keeps its own folder
    assert runner.invoke(cli, ["run", str(VIEW_LAG), "--out", str(tmp_path), "-q"]).exit_code == 0
    other = runner.invoke(cli, ["sweep", str(VIEW_LAG), "--vary", "seed=1:3:1", "--out", str(tmp_path)])
    assert other.exit_code == 0, other.output
    assert sorted(p.name for p in (tmp_path / "view-lag").iterdir() if p.is_dir()) == \
        ["sweep-dispose.at", "sweep-seed"]
    assert (tmp_path / "view-lag" / "sweep-dispose.at" / "sweep.svg").exists()
    index = (tmp_path / "index.html").read_text(encoding="utf-8")  # the sweep brought the index up to date
    assert 'href="view-lag/sweep-dispose.at/index.html"' in index and 'href="view-lag/sweep-seed/index.html"' in index
    bad = runner.invoke(cli, ["sweep", str(VIEW_LAG), "--vary", "nobody.at=1s:2s:1s"])
    assert bad.exit_code == 2 and "no step has the id" in bad.output


def test_charts_give_each_meaning_one_colour_mark_the_anchor_and_keep_labels_apart():
    from simulator.output.sweep_report import OUTCOME_COLOURS, svg

    ns = "{http://www.w3.org/2000/svg}"
    fills = {}
    for path, vary, anchor in (("view-lag.yaml", "dispose.at=265.9s:266.2s:10ms", "hangup"),
                               ("same-instant-as-hangup.yaml", "latency.tserver_to_gws=0ms:20ms:1ms", None)):
        result = sweep(load_scenario(SCENARIOS / path), vary, anchor=anchor, jobs=1)
        root = ET.fromstring(svg(result))
        for rect in root.iter(f"{ns}rect"):
            kind = (rect.get("class") or "").replace("variant ", "")
            if kind:
                fills.setdefault(kind, set()).add(rect.get("fill"))
        labels = [t for t in root.iter(f"{ns}text") if t.get("class") == "boundary"]
        spots = sorted((float(t.get("y")), float(t.get("x"))) for t in labels)
        for (y1, x1), (y2, x2) in zip(spots, spots[1:], strict=False):
            assert y1 != y2 or x2 - x1 >= 110  # labels on one line keep apart
        texts = " ".join(t.text or "" for t in root.iter(f"{ns}text"))
        assert ("0 (hangup)" in texts) == (anchor is not None)
    assert fills["lost"] == {OUTCOME_COLOURS["lost"]} and len(fills) >= 3
    assert all(len(colours) == 1 for colours in fills.values())


def test_a_sweep_of_traffic_reports_the_share_lost_at_each_value(tmp_path):
    """Each variant of a scenario with traffic is a tally (how many took each path and
    met each fate): with no delay from Web Services to T-Server no click before the
    hangup can lose the race; with 20 ms some do. No boundaries: the share is the
    answer, with its interval, in every file."""
    loaded = load_scenario(SCENARIOS / "an-hour-of-traffic.yaml")
    result = sweep(loaded, "latency.gws_to_tserver=0ms:20ms:10ms", jobs=1)
    assert result.tally and result.boundaries == []
    (_, zero), _, (_, twenty) = [sweep_report.tally_counts(row.outcome) for row in result.rows]
    assert zero == 0 < twenty
    table = sweep_report.console_table(result)
    assert "value  dispositions  lost  share lost" in table and "Share lost: from 0.0% (at 0s) to" in table
    rows = sweep_report.csv_text(result).splitlines()
    assert rows[0] == "value_us,label,path,reporting,count"
    counted = sum(int(line.rsplit(",", 1)[1]) for line in rows[1:] if line.startswith("0,"))
    assert counted == sweep_report.tally_counts(result.rows[0].outcome)[0] == 70
    svg = ET.fromstring(sweep_report.svg(result))
    assert len([c for c in svg.iter("{http://www.w3.org/2000/svg}circle")]) == 3
    files = sweep_report.write(result, tmp_path)
    page = files["index.html"].read_text()
    assert "The share of dispositions lost, at each value" in page and "Where the outcome changes" not in page
    assert f"<td>20ms</td><td>70</td><td>{twenty}</td>" in page


def test_a_sweep_of_the_traffic_rate_brings_more_calls_at_each_value():
    loaded = load_scenario(SCENARIOS / "an-hour-of-traffic.yaml")
    result = sweep(loaded, "traffic.rate=0.01:0.03:0.01", jobs=1)
    assert [row.label for row in result.rows] == ["0.01/s", "0.02/s", "0.03/s"]
    counts = [sweep_report.tally_counts(row.outcome)[0] for row in result.rows]
    assert counts[0] < counts[1] < counts[2] and counts[2] > 2 * counts[0]


@pytest.mark.parametrize("scenario,vary,words", [
    ("view-lag", "traffic.rate=1:2:1", "has no rate to vary"),
    ("a-shift-change-with-two-queues", "traffic.rate=fast:2:1", "numbers of calls a second"),
    ("a-shift-change-with-two-queues", "traffic.rate=0:2:1", "a rate is above zero"),
    ("a-shift-change-with-two-queues", "traffic.rate=1:2000:1", "at most 2,000,000 in one run"),
])
def test_bad_rate_variations_say_what_is_wrong(scenario, vary, words):
    with pytest.raises(SweepError, match=words):
        parse_variation(vary, load_scenario(SCENARIOS / f"{scenario}.yaml").scenario)
