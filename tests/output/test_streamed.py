"""Streamed runs (--journal records|none): the same figures and records as a full
run, written as they are made, in bounded memory."""

import gzip
import json

import pytest
from click.testing import CliRunner

from simulator import run_scenario
from simulator.cli import AUTO_STREAM_CALLS, _journal_mode, cli
from simulator.output.files import write_reports
from simulator.output.streamed import StreamedReports
from simulator.reportdb.schema import TABLES
from simulator.reportdb.sqlite import file_rows
from simulator.scenario.loader import load_scenario, validate_data
from simulator.world import build_world

from ..helpers import SCENARIOS

HOUR = SCENARIOS / "an-hour-of-traffic.yaml"


def _streamed(path, mode, target):
    writer = StreamedReports(target, mode)
    result = run_scenario(load_scenario(path), journal=mode, sinks=writer.sinks)
    return result, writer.finish(result)


def test_a_streamed_run_has_the_full_runs_figures_records_and_verdicts(tmp_path):
    full = run_scenario(HOUR)
    full_folder = write_reports(full, tmp_path / "full")
    streamed, folder = _streamed(HOUR, "records", tmp_path / "records")
    assert (folder / "stats.md").read_bytes() == (full_folder / "stats.md").read_bytes()
    assert (folder / "stats.csv").read_bytes() == (full_folder / "stats.csv").read_bytes()
    with gzip.open(folder / "dispositions.jsonl.gz", "rt", encoding="utf-8") as lines:
        streamed_records = sorted(lines.read().splitlines())
    assert streamed_records == sorted((full_folder / "dispositions.jsonl").read_text().splitlines())
    assert len(streamed_records) == streamed.disposition_count == len(full.dispositions) == 70
    with gzip.open(folder / "calls.jsonl.gz", "rt", encoding="utf-8") as lines:
        calls = [json.loads(line) for line in lines]
    assert sorted(c["connId"] for c in calls) == sorted(c["connId"] for c in full.calls)
    by_conn = {c["connId"]: c for c in full.calls}
    for row in calls:  # the full run's row, key for key, but for the scenario's name (given at the end)
        assert list(row) == list(by_conn[row["connId"]])
        assert {**row, "name": by_conn[row["connId"]]["name"]} == by_conn[row["connId"]]
    assert [(e.passed, e.problems) for e in streamed.expectations] == [(e.passed, e.problems)
                                                                       for e in full.expectations]
    # what the expectations need, and only that, is kept: the VIP call's record and its name
    assert [r.user for r in streamed.dispositions] == ["agent1"]
    assert [c["name"] for c in streamed.calls] == ["vip"]
    assert not (folder / "journal.jsonl").exists()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["journal"] == "records" and manifest["dispositionCount"] == 70
    assert manifest["callCount"] == len(full.calls)
    page = (folder / "index.html").read_text()
    assert "no journal was kept to draw" in page and "<svg id=\"diagram\"" not in page
    assert "<h2>Statistics</h2>" in page


@pytest.mark.parametrize("name", ["an-hour-of-traffic.yaml", "transfers-to-support.yaml",
                                  "disposition-after-info-mart-timeout.yaml"])
def test_a_streamed_runs_reporting_tables_hold_the_full_runs_rows(tmp_path, name):
    full = run_scenario(SCENARIOS / name)
    _, folder = _streamed(SCENARIOS / name, "records", tmp_path / "records")
    rows_of = file_rows(folder / "reporting.sqlite")
    streamed = {table.name: list(rows_of(table.name)) for table in TABLES}
    assert streamed == full.tables.rows
    assert streamed["irf_user_data_cust_1"] and streamed["g_custom_data_s"]


def test_streamed_files_are_byte_identical_run_to_run(tmp_path):
    _, first = _streamed(HOUR, "records", tmp_path / "a")
    _, second = _streamed(HOUR, "records", tmp_path / "b")
    for name in ("dispositions.jsonl.gz", "calls.jsonl.gz", "stats.csv", "summary.md", "index.html",
                 "reporting.sqlite"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_journal_none_writes_statistics_only(tmp_path):
    result, folder = _streamed(HOUR, "none", tmp_path / "none")
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["index.html", "manifest.json", "stats.csv", "stats.md", "summary.md"]
    assert result.passed and result.figures["total"] == 70


def test_a_failed_streamed_run_leaves_nothing_behind(tmp_path):
    writer = StreamedReports(tmp_path / "x", "records")
    writer.abandon()
    assert list(tmp_path.iterdir()) == []


def test_a_disk_that_fills_up_mid_run_is_a_clear_error_and_leaves_nothing_behind(tmp_path, monkeypatch):
    import errno

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(gzip.GzipFile, "write", full)
    monkeypatch.setattr("simulator.output.streamed.WRITE_LINES", 1)
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, ["run", str(HOUR), "--journal", "records", "--out", str(out), "-q"])
    assert result.exit_code == 2, result.output  # could not run
    assert f"{out / 'an-hour-of-traffic' / 'calls.jsonl.gz'}: cannot be written: no space left on device" \
        in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or list(out.iterdir()) == []


def test_memory_follows_the_calls_in_progress_not_the_calls_of_the_run():
    """Three hours of traffic; at the end T-Server, Web Services and reporting hold
    only the calls of the last minutes (reporting's timeout is ten minutes here)."""
    data = {"version": 1, "name": "bounded", "description": "x",
            "switch": {"dns": {"16000": {"type": "ACDQueue"}}, "agent_groups": [{"count": 20, "first_dn": 20000}]},
            "web_services": {"call_completion": "on_release"},
            "reporting": {"user_event_data_timeout": "10min"},
            "traffic": {"rate": 0.2, "duration": "3h", "to": "16000", "talk": {"dist": "exponential", "mean": "60s"},
                        "dispositions": {"share": 1, "after_release": "5s"}}}
    model = validate_data(data, {}, "<bounded>").scenario
    from simulator.traffic import start_traffic

    world = build_world(model, 1, keep_journal=False)
    start_traffic(world)
    world.env.run()
    assert not world.tserver.calls  # every call ended and T-Server forgot it
    assert all(not user.calls for user in world.gws.users.values())  # completed on release
    remembered = len(world.reporting.calls) + len(world.reporting.closed)
    assert remembered < 0.3 * 0.2 * 3 * 3600  # the calls of the last 40 minutes at most, of ~2,160
    assert not world.journal.entries  # nothing was kept


def test_auto_streams_big_traffic_and_keeps_small_runs_full():
    small = load_scenario(HOUR).scenario
    assert _journal_mode(small, "auto", golden=False) == "full"
    big = small.model_copy(update={"traffic": small.traffic.model_copy(
        update={"rate": (AUTO_STREAM_CALLS + 1) / 3600})})
    assert _journal_mode(big, "auto", golden=False) == "records"
    assert _journal_mode(big, "auto", golden=True) == "full"
    assert _journal_mode(small, "none", golden=False) == "none"


def test_cli_journal_records_and_golden_refusal(tmp_path):
    runner = CliRunner()
    done = runner.invoke(cli, ["run", str(HOUR), "--journal", "records", "--out", str(tmp_path), "-q"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "an-hour-of-traffic" / "dispositions.jsonl.gz").is_file()
    index = (tmp_path / "index.html").read_text()
    assert "70 dispositions (streamed: see stats.md)" in index
    refused = runner.invoke(cli, ["run", str(HOUR), "--journal", "none", "--golden", str(tmp_path / "g"),
                                  "--out", str(tmp_path)])
    assert refused.exit_code == 2
    assert "golden journals are compared with --journal full, not none" in refused.output
    rebuilt = runner.invoke(cli, ["report", str(tmp_path / "an-hour-of-traffic")])
    assert rebuilt.exit_code == 0, rebuilt.output


@pytest.mark.parametrize("mode", ["records", "none"])
def test_streamed_replays_of_bundled_scenarios_agree_with_full_runs(mode):
    for path in sorted(SCENARIOS.glob("*.yaml"))[:12]:
        full = run_scenario(path)
        streamed = run_scenario(path, journal=mode)
        assert streamed.figures == full.figures, path.name
        assert [e.passed for e in streamed.expectations] == [e.passed for e in full.expectations], path.name
        assert streamed.disposition_count == len(full.dispositions), path.name
