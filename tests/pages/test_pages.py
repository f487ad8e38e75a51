"""Pages without a browser: self-contained, deterministic, rebuilt from the JSON
alone, state diagrams drawn from the model's own tables."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from simulator import run_scenario
from simulator.cli import cli
from simulator.output.files import write_reports
from simulator.pages import states, story
from simulator.pages.folders import run_page_from_folder
from simulator.tserver.agents import WORK_MODES
from simulator.tserver.states import PARTY_TRANSITIONS

from ..helpers import SCENARIOS


def test_a_page_loads_nothing_from_elsewhere_and_is_the_same_every_time(tmp_path):
    a = write_reports(run_scenario(SCENARIOS / "conference-both-agents-dispose.yaml"), tmp_path / "a")
    b = write_reports(run_scenario(SCENARIOS / "conference-both-agents-dispose.yaml"), tmp_path / "b")
    page = (a / "index.html").read_text()
    assert page == (b / "index.html").read_text()
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=", page)
    assert "url(http" not in page and "@import" not in page


def test_tsim_report_rebuilds_the_same_page_from_the_json_alone(tmp_path):
    folder = write_reports(run_scenario(SCENARIOS / "view-lag.yaml"), tmp_path / "view-lag")
    page = (folder / "index.html").read_text()
    (folder / "index.html").unlink()
    assert run_page_from_folder(folder) == page
    result = CliRunner().invoke(cli, ["report", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (folder / "index.html").read_text() == page and (tmp_path / "index.html").exists()
    (folder / "journal.jsonl").write_text("not json\n")
    broken = CliRunner().invoke(cli, ["report", str(folder)])
    assert broken.exit_code == 2 and "journal.jsonl: line 1 is not JSON" in broken.output


def test_an_index_page_tsim_did_not_write_is_left_alone(tmp_path):
    (tmp_path / "index.html").write_text("<html>mine</html>")
    result = CliRunner().invoke(cli, ["run", str(SCENARIOS / "view-lag.yaml"), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "index.html: exists and was not written by tsim" in result.output
    assert (tmp_path / "index.html").read_text() == "<html>mine</html>"
    assert (tmp_path / "view-lag" / "index.html").exists()


def test_state_diagrams_come_from_the_tables_the_model_runs():
    party = states.party_states()
    assert len(party.edges) == sum(len(sources) for sources, _, _ in PARTY_TRANSITIONS.values())
    labels = {edge.label for edge in party.edges}
    assert {f"{action} · {event}" for action, (_, _, event) in PARTY_TRANSITIONS.items()} == labels
    agent = states.agent_states()
    assert {node.name for node in agent.nodes} == {"Ready", *WORK_MODES}
    decision = states.disposition_decision()
    assert {"view: Released", "view: Established", "userData", "userEvent", "rejected", "lost"} <= {
        node.name for node in decision.nodes}


def test_compiled_templates_are_cached_and_a_cache_that_fails_changes_nothing(tmp_path, monkeypatch):
    from jinja2 import Environment

    from simulator.pages import render

    result = run_scenario(SCENARIOS / "disposition-while-established.yaml")
    expected = (write_reports(result, tmp_path / "first") / "index.html").read_bytes()

    def fresh(cache):
        """The run page rendered by a new environment with ``cache``, as a new process would."""
        monkeypatch.setattr(render, "_bytecode_cache", lambda: cache)
        render._environment.cache_clear()
        try:
            return (write_reports(result, tmp_path / f"page-{id(cache)}") / "index.html").read_bytes()
        finally:
            render._environment.cache_clear()

    compiled = []
    original = Environment._compile
    monkeypatch.setattr(Environment, "_compile", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    (tmp_path / "cache").mkdir()
    cache = render._QuietBytecodeCache(str(tmp_path / "cache"), "%s.cache")
    assert fresh(cache) == expected and compiled  # compiled, and written to the cache
    assert len(list((tmp_path / "cache").iterdir())) >= 1
    compiled.clear()
    assert fresh(cache) == expected and compiled == []  # read from the cache: nothing compiled again

    def broken(self, bucket):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render.FileSystemBytecodeCache, "dump_bytecode", broken)
    monkeypatch.setattr(render.FileSystemBytecodeCache, "load_bytecode", broken)
    assert fresh(render._QuietBytecodeCache(str(tmp_path / "cache"), "%s.cache")) == expected


def test_the_index_lists_a_run_an_older_tsim_wrote_and_names_a_manifest_it_cannot_list(tmp_path):
    import json

    from simulator.output.folders import ReportsError
    from simulator.pages.folders import write_index

    folder = write_reports(run_scenario(SCENARIOS / "disposition-while-established.yaml"), tmp_path / "old")
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["journal"]  # written before streamed runs existed
    (folder / "manifest.json").write_text(json.dumps(manifest))
    page = write_index(tmp_path).read_text()
    assert "disposition-while-established" in page
    del manifest["scenario"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ReportsError, match=r"manifest.json: has no 'scenario': it is not a run tsim can list"):
        write_index(tmp_path)


@pytest.mark.parametrize("name", ["view-lag", "view-lag-fallback", "disposition-on-the-consult-call-joint"])
def test_the_story_index_of_a_long_run_keeps_only_what_its_stories_look_up(name):
    """Given the records, the pages' index of the journal keeps the events, releases and
    clicks their stories name, not every event of the run, and tells the same stories."""
    result = run_scenario(SCENARIOS / f"{name}.yaml")
    journal = [json.loads(json.dumps(entry.to_dict())) for entry in result.journal]
    records = [json.loads(line) for line in result.dispositions.lines]
    whole, kept = story.JournalIndex(journal), story.JournalIndex(journal, records)
    assert records and [story.story(r, kept) for r in records] == [story.story(r, whole) for r in records]
    assert len(kept.events) < len(whole.events) and set(kept.events.items()) <= set(whole.events.items())
    assert set(kept.released.items()) <= set(whole.released.items())
    assert set(kept.requests) == {r["request"] for r in records}
