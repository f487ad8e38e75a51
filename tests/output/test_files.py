"""Report files: what lands where, and the summary a person reads."""

import json

import pytest
from click.testing import CliRunner

from simulator import run_scenario
from simulator.cli import cli
from simulator.output.files import report_files, write_reports

from ..helpers import SCENARIOS


def test_files_are_split_from_the_one_journal(tmp_path):
    result = run_scenario(SCENARIOS / "disposition-while-established.yaml")
    folder = write_reports(result, tmp_path / "x")
    journal = [json.loads(line) for line in (folder / "journal.jsonl").read_text().splitlines()]
    assert [e["seq"] for e in journal] == list(range(1, len(journal) + 1))
    events = [json.loads(line) for line in (folder / "events.jsonl").read_text().splitlines()]
    cometd = [json.loads(line) for line in (folder / "cometd.jsonl").read_text().splitlines()]
    http = [json.loads(line) for line in (folder / "http.jsonl").read_text().splitlines()]
    assert {e["kind"] for e in events} == {"tlib.event"} | ({"tlib.request"} if any(
        e["kind"] == "tlib.request" for e in journal) else set())
    assert len(events) + len(cometd) + len(http) < len(journal)
    changed = [c for c in cometd if c["message"]["data"].get("notificationType") == "AttachedDataChanged"]
    assert changed[0]["message"]["data"]["call"]["userData"] == {"DispositionCode": "Referred"}
    assert [h["kind"] for h in http] == ["http.request", "http.response"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["passed"] is True and manifest["seed"] == 1
    assert manifest["latency"] == {"desktop_to_gws": "0s", "gws_to_tserver": "5ms", "tserver_processing": "0s",
                                   "tserver_to_gws": "5ms", "gws_to_desktop": "0s", "tserver_to_reporting": "5ms"}
    assert manifest["tieBreak"] == "fifo"


def test_summary_reads_as_a_report(tmp_path):
    result = run_scenario(SCENARIOS / "view-lag.yaml")
    assert result.disposition("dispose").tserver.errorCode == 56
    text = (write_reports(result, tmp_path / "v") / "summary.md").read_text()
    assert text.startswith("# view-lag — PASSED")
    for heading in ("## Calls", "## Dispositions", "## Expectations", "## Timeline"):
        assert heading in text
    assert "EventError 56 TERR_INV_CONNID at 266.06s" in text
    assert "T-Server had released the call at 266s" in text


def test_established_sample_request_lands_in_cometd_jsonl_with_the_reference_shape(tmp_path):
    from ..gws.test_messages import SAMPLE, same_shape

    folder = write_reports(run_scenario(SCENARIOS / "disposition-while-established.yaml"), tmp_path / "e")
    messages = [json.loads(line)["message"] for line in (folder / "cometd.jsonl").read_text().splitlines()]
    (changed,) = [m for m in messages if m["data"].get("notificationType") == "AttachedDataChanged"]
    same_shape(changed, SAMPLE)
    assert changed["data"]["call"]["userData"] == {"DispositionCode": "Referred"}
    (record,) = [json.loads(line) for line in (folder / "dispositions.jsonl").read_text().splitlines()]
    assert record["path"] == "userData"


def test_every_bundled_dispositions_jsonl_line_validates_against_the_published_schema(tmp_path):
    import jsonschema

    from simulator.record import record_schema

    validator = jsonschema.Draft202012Validator(record_schema())
    lines = 0
    for path in sorted(SCENARIOS.glob("*.yaml")):
        folder = write_reports(run_scenario(path), tmp_path / path.stem)
        for line in (folder / "dispositions.jsonl").read_text().splitlines():
            validator.validate(json.loads(line))
            lines += 1
    assert lines >= 30
    broken = {**json.loads(line), "path": "sideways"}
    assert not validator.is_valid(broken)


def test_statistics_count_what_the_records_say(tmp_path):
    from simulator.output.statistics import wilson

    result = run_scenario(SCENARIOS / "jittery-links.yaml")
    stats = result.figures
    assert stats["total"] == len(result.dispositions)
    assert sum(stats["by"].values()) == stats["total"]
    assert stats["lost"] == sum(r.reporting.outcome == "lost" for r in result.dispositions)
    low, high = wilson(18, 55)
    assert 0.21 < low < 0.22 and 0.45 < high < 0.47  # the Wilson interval of 18/55
    folder = write_reports(result, tmp_path / "j")
    assert (folder / "stats.md").read_text().startswith("# jittery-links: statistics")
    assert "dispositions,total," in (folder / "stats.csv").read_text()


def test_queue_figures_from_a_queue_scenario():
    (queue,) = run_scenario(SCENARIOS / "inbound-through-a-queue.yaml").figures["queues"]
    assert queue.offered >= 1 and queue.answered + queue.abandoned <= queue.offered
    assert 0 <= queue.service_level <= 1


def test_the_console_lists_the_first_calls_and_dispositions_of_a_big_run():
    from simulator.output.summary import CONSOLE_DISPOSITIONS, console

    result = run_scenario(SCENARIOS / "an-hour-of-traffic.yaml")
    text = console(result, "out")
    assert sum(line.startswith("  disposition ") for line in text.splitlines()) == CONSOLE_DISPOSITIONS
    assert "… and 45 more dispositions (70 in all, 8 lost to reporting)" in text
    assert text.splitlines()[1].startswith("  call vip:")  # named calls first
    assert f"… and {len(result.calls) - CONSOLE_DISPOSITIONS} more calls" in text


def _folder_bytes(folder) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.name != ".tsim-reports"}


@pytest.mark.parametrize("name", sorted(path.name for path in SCENARIOS.glob("*.yaml")))
def test_the_streamed_writer_writes_exactly_what_report_files_holds(name, tmp_path):
    """``write_reports`` writes file by file (the journal line by line, the pages one window
    at a time); ``report_files`` builds them all in memory (the live server): the same bytes."""
    result = run_scenario(SCENARIOS / name)
    written = _folder_bytes(write_reports(result, tmp_path / "out"))
    held = {name: text if isinstance(text, bytes) else text.encode("utf-8")
            for name, text in report_files(result).items()}
    assert written.keys() == held.keys()
    for file_name in held:
        assert written[file_name] == held[file_name], file_name


def test_the_streamed_writer_draws_every_window_page_the_same(tmp_path, monkeypatch):
    from simulator.pages import windows

    monkeypatch.setattr(windows, "WINDOW", 150)
    result = run_scenario(SCENARIOS / "transfers-to-support.yaml")
    written = _folder_bytes(write_reports(result, tmp_path / "out"))
    held = report_files(result)
    pages = sorted(name for name in held if name.endswith(".html"))
    assert len(pages) > 20 and pages == sorted(name for name in written if name.endswith(".html"))
    for page in pages:
        assert written[page] == held[page].encode("utf-8"), page


def test_a_value_with_a_unicode_line_separator_stays_on_its_journal_line(tmp_path):
    """JSON leaves U+2028 and U+0085 unescaped: a journal line is ended by "\\n" alone, so
    the page is drawn from whole lines (``str.splitlines`` would cut such a line in two)."""
    text = (SCENARIOS / "disposition-while-established.yaml").read_text(encoding="utf-8")
    assert "disposition: Referred" in text
    path = tmp_path / "separator.yaml"
    path.write_text(text.replace("disposition: Referred", 'disposition: "Refer\\u2028red\\x85"'), encoding="utf-8")
    result = run_scenario(path)
    folder = write_reports(result, tmp_path / "out")
    lines = (folder / "journal.jsonl").read_bytes().decode("utf-8").split("\n")
    assert any("Refer\u2028red\x85" in line for line in lines)
    assert (folder / "index.html").read_text(encoding="utf-8").count("Refer\u2028red") >= 1
    assert report_files(result)["index.html"].encode("utf-8") == (folder / "index.html").read_bytes()
    assert CliRunner().invoke(cli, ["report", str(folder)]).exit_code == 0  # rebuilt from the files
