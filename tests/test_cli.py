"""The tsim command: run, validate, schema; exit codes; no tracebacks."""

import json
import os
import shutil
import subprocess
import sys

from click.testing import CliRunner

from simulator.cli import cli

from .helpers import SCENARIOS


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_run_writes_reports_and_exits_0(tmp_path):
    result = invoke("run", SCENARIOS / "disposition-after-release.yaml", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("PASS  disposition-after-release")
    assert "userEvent" in result.output and "no CometD" in result.output
    folder = tmp_path / "disposition-after-release"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["manifest.json", "journal.jsonl", "events.jsonl", "http.jsonl", "cometd.jsonl", "dispositions.jsonl",
         "summary.md", "stats.md", "stats.csv", "index.html", "reporting.sqlite"])
    assert (tmp_path / "index.html").exists()  # the index of the runs in --out
    (record,) = [json.loads(line) for line in (folder / "dispositions.jsonl").read_text().splitlines()]
    assert record["path"] == "userEvent" and record["reporting"]["outcome"] == "reported"
    assert (folder / "cometd.jsonl").read_text().count("AttachedDataChanged") == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_run_a_folder_quietly(tmp_path):
    result = invoke("run", SCENARIOS, "--out", tmp_path, "--quiet")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    count = len(list(SCENARIOS.glob("*.yaml")))
    assert len(lines) == count + 1 and lines[-1] == f"{count} scenarios: {count} passed, 0 failed"


def test_failing_expectation_exits_1(tmp_path):
    text = (SCENARIOS / "view-lag.yaml").read_text().replace("reporting: lost}", "reporting: reported}")
    scenario = tmp_path / "broken.yaml"
    scenario.write_text(text)
    result = invoke("run", scenario, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "✗" in result.output and "reporting: expected 'reported', got 'lost'" in result.output
    assert (tmp_path / "out" / "view-lag" / "summary.md").read_text().startswith("# view-lag — FAILED")


def test_bad_file_is_one_line_and_exit_2(tmp_path):
    scenario = tmp_path / "bad.yaml"
    scenario.write_text((SCENARIOS / "view-lag.yaml").read_text().replace("at: 4s", "at: soon"))
    for command in ("run", "validate"):
        result = CliRunner().invoke(cli, [command, str(scenario)])
        assert result.exit_code == 2
        assert result.output.count("\n") == 1 and result.output.startswith(f"error: {scenario}:")
        assert "steps[1].at" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "reports").exists()


def test_bad_flag_and_empty_folder_exit_2(tmp_path):
    assert CliRunner().invoke(cli, ["run", str(SCENARIOS), "--seed", "abc"]).exit_code == 2
    result = CliRunner().invoke(cli, ["run", str(tmp_path)])
    assert result.exit_code == 2 and "no scenario files" in result.output


def test_duplicate_names_exit_2_and_the_first_still_runs(tmp_path):
    for copy in ("a.yaml", "b.yaml"):
        shutil.copy(SCENARIOS / "view-lag.yaml", tmp_path / copy)
    result = CliRunner().invoke(cli, ["run", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "overwrite" in result.output
    assert (tmp_path / "out" / "view-lag" / "manifest.json").exists()


def test_a_folder_runs_every_good_file_recursively_and_reports_each_bad_one(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    shutil.copy(SCENARIOS / "view-lag.yaml", tmp_path / "sub" / "deeper" / "view-lag.yaml")
    shutil.copy(SCENARIOS / "disposition-after-release.yaml", tmp_path / "a.yaml")
    (tmp_path / "bad.yaml").write_text("version: 1\nname: bad\n")
    (tmp_path / "other.yml").write_text("key: value\n")
    result = CliRunner().invoke(cli, ["run", str(tmp_path), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2
    assert f"error: {tmp_path / 'bad.yaml'}:1: description: required but missing" in result.output
    assert f"skipped {tmp_path / 'other.yml'}: not a tsim scenario" in result.output
    assert "PASS  view-lag" in result.output and "PASS  disposition-after-release" in result.output
    assert result.output.splitlines()[-1] == "2 scenarios: 2 passed, 0 failed, 1 could not run"


def test_out_folder_problems_are_bad_input_naming_the_path(tmp_path):
    scenario = SCENARIOS / "view-lag.yaml"
    (tmp_path / "view-lag").write_text("mine")
    result = CliRunner().invoke(cli, ["run", str(scenario), "--out", str(tmp_path)])
    assert result.exit_code == 2 and f"{tmp_path / 'view-lag'}: exists and is not a folder" in result.output
    (tmp_path / "file").write_text("x")
    result = CliRunner().invoke(cli, ["run", str(scenario), "--out", str(tmp_path / "file")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (tmp_path / "view-lag").read_text() == "mine" and (tmp_path / "file").read_text() == "x"


def test_a_scenario_named_like_its_own_folder_is_not_deleted(tmp_path):
    folder = tmp_path / "my-scenarios"
    folder.mkdir()
    text = (SCENARIOS / "view-lag.yaml").read_text().replace("name: view-lag", "name: my-scenarios")
    (folder / "s.yaml").write_text(text)
    (folder / "notes.txt").write_text("notes")
    result = CliRunner().invoke(cli, ["run", str(folder / "s.yaml"), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "not written by tsim" in result.output
    assert (folder / "s.yaml").read_text() == text and (folder / "notes.txt").read_text() == "notes"


def test_golden_file_problems_are_bad_input(tmp_path):
    scenario = SCENARIOS / "view-lag.yaml"
    golden = tmp_path / "golden"
    (golden / "view-lag.jsonl").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["run", str(scenario), "--out", str(tmp_path / "o"), "--golden", str(golden)])
    assert result.exit_code == 2 and "is a folder, not a golden journal" in result.output
    (golden / "view-lag.jsonl").rmdir()
    (golden / "view-lag.jsonl").write_bytes(b"\xff\xfe not utf-8")
    result = CliRunner().invoke(cli, ["run", str(scenario), "--out", str(tmp_path / "o"), "--golden", str(golden)])
    assert result.exit_code == 2 and "is not UTF-8 text" in result.output


def test_a_console_that_cannot_show_every_character_gets_escapes(tmp_path):
    result = subprocess.run([sys.executable, "-m", "simulator", "run", str(SCENARIOS / "view-lag.yaml"),
                             "--out", str(tmp_path)], capture_output=True,
                            env={**os.environ, "PYTHONIOENCODING": "cp1252"})
    assert result.returncode == 0, result.stderr
    assert b"\\u2192" in result.stdout and b"Traceback" not in result.stderr


def test_seed_override_changes_ids_not_outcomes(tmp_path):
    invoke("run", SCENARIOS / "view-lag.yaml", "--out", tmp_path / "a")
    result = invoke("run", SCENARIOS / "view-lag.yaml", "--out", tmp_path / "b", "--seed", "99")
    assert result.exit_code == 0 and "seed 99" in result.output
    a = json.loads((tmp_path / "a/view-lag/dispositions.jsonl").read_text())
    b = json.loads((tmp_path / "b/view-lag/dispositions.jsonl").read_text())
    assert a["connId"] != b["connId"] and a["reporting"] == b["reporting"]


def test_validate_and_schema():
    result = invoke("validate", SCENARIOS)
    assert result.exit_code == 0 and result.output.count("ok  ") == len(list(SCENARIOS.glob("*.yaml")))
    schema = json.loads(invoke("schema").output)
    assert schema["title"] == "tsim scenario" and "steps" in schema["properties"]


def test_help_on_every_command():
    for args in ([], ["run"], ["validate"], ["schema"]):
        result = invoke(*args, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_console_script_runs_without_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "simulator", "run", str(tmp_path / "nope.yaml")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "no such file" in result.stderr and "Traceback" not in result.stderr


def test_golden_and_junit(tmp_path):
    scenario = SCENARIOS / "view-lag.yaml"
    golden = tmp_path / "golden"
    missing = invoke("run", scenario, "--out", tmp_path / "o", "--golden", golden)
    assert missing.exit_code == 1 and "no golden journal" in missing.output
    assert invoke("run", scenario, "--out", tmp_path / "o", "--golden", golden, "--update-golden").exit_code == 0
    assert invoke("run", scenario, "--out", tmp_path / "o", "--golden", golden).exit_code == 0
    lines = (golden / "view-lag.jsonl").read_text().splitlines()
    (golden / "view-lag.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    result = invoke("run", scenario, "--out", tmp_path / "o", "--golden", golden, "--junit", tmp_path / "j.xml")
    assert result.exit_code == 1
    assert f"view-lag.jsonl:{len(lines)}: the journal differs" in result.output and "(ends here)" in result.output
    xml = (tmp_path / "j.xml").read_text()
    assert '<testsuites name="tsim" tests="6" failures="1">' in xml
    assert 'name="journal matches the golden run"' in xml
    assert CliRunner().invoke(cli, ["run", str(scenario), "--update-golden"]).exit_code == 2


def test_flags_that_would_overflow_or_name_no_scheduler_are_refused(tmp_path):
    for vary in ("traffic.rate=1:inf:1", "traffic.rate=1:1e308:1", "traffic.rate=nan:1:1"):
        result = CliRunner().invoke(cli, ["sweep", str(SCENARIOS / "an-hour-of-traffic.yaml"), "--vary", vary,
                                          "--out", str(tmp_path)])
        assert result.exit_code == 2 and "at most 10,000" in result.output, (vary, result.output)
    for address in ("foo://bar", "127.0.0.1", "tcp://host"):
        result = CliRunner().invoke(cli, ["run", str(SCENARIOS / "view-lag.yaml"), "--executor", "dask",
                                          "--scheduler", address, "--out", str(tmp_path)])
        assert result.exit_code == 2 and "a Dask scheduler's address" in result.output, (address, result.output)


def test_replications_start_at_the_seed_given(tmp_path):
    result = CliRunner().invoke(cli, ["run", str(SCENARIOS / "view-lag.yaml"), "--replications", "2", "--seed", "77",
                                      "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "2 replications (seeds 77–78)" in result.output
