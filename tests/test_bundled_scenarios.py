"""Every bundled scenario runs and every expectation in it holds."""

import pytest

from simulator import load_scenario, run_scenario
from simulator.record import DispositionRecord

from .helpers import SCENARIOS

FILES = sorted(SCENARIOS.glob("*.yaml"))


def test_there_are_bundled_scenarios():
    assert len(FILES) >= 11


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_bundled_scenario(path):
    loaded = load_scenario(path)
    assert loaded.scenario.name == path.stem, "a scenario's name is its file name"
    assert len(loaded.scenario.description.split()) >= 20, "a trainee needs a real description"
    assert loaded.scenario.expect, "a bundled scenario states what must happen"
    result = run_scenario(loaded)
    failures = [f"line {e.line}: {e.text}: {e.problems}" for e in result.expectations if not e.passed]
    assert not failures, failures
    assert result.dispositions, "every bundled scenario exercises SetCallDisposition"
    for record in result.dispositions:  # built without validation (model_construct): they must pass it
        assert DispositionRecord.model_validate(record.model_dump()) == record


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_bundled_scenario_matches_its_golden_journal(path):
    from simulator.output.golden import compare

    difference = compare(run_scenario(load_scenario(path)), SCENARIOS / "golden")
    assert difference is None, str(difference)
