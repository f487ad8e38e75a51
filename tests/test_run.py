"""The Python API: run_scenario takes a file, a mapping or a model; bad input
raises tsim's own errors, naming the parameter."""

import pytest

from simulator import ScenarioError, parse_scenario, run_scenario
from simulator.errors import InvalidArgument, TsimError, UnknownRequest
from simulator.scenario.schema import Scenario
from simulator.scenario.source import load_yaml

from .helpers import SCENARIOS

VIEW_LAG = SCENARIOS / "view-lag.yaml"


def test_a_mapping_runs_like_the_file():
    data, _ = load_yaml(VIEW_LAG.read_text())
    from_mapping = run_scenario(data)
    from_file = run_scenario(VIEW_LAG)
    assert from_mapping.dispositions == from_file.dispositions and from_mapping.passed


def test_a_mapping_is_checked_like_a_file():
    data, _ = load_yaml(VIEW_LAG.read_text())
    data["steps"][3]["gws"]["user"] = "nobody"
    with pytest.raises(ScenarioError, match=r"steps\[3\].gws.user: no user 'nobody'"):
        run_scenario(data)


def test_a_model_built_in_python_gets_the_loaders_cross_checks():
    model = parse_scenario(VIEW_LAG.read_text()).scenario
    broken = model.model_copy(deep=True)
    broken.steps[1].answer.call = "c9"
    assert isinstance(broken, Scenario)
    with pytest.raises(ScenarioError, match="call 'c9' is not created"):
        run_scenario(broken)
    assert run_scenario(model).passed


@pytest.mark.parametrize("kwargs,words", [
    ({"seed": "abc"}, "seed"), ({"seed": -1}, "seed"), ({"seed": True}, "seed"), ({"seed": 2**70}, "seed"),
    ({"tie_break": "lifo"}, "tie_break"),
])
def test_bad_arguments_are_invalid_argument_errors(kwargs, words):
    with pytest.raises(InvalidArgument, match=words):
        run_scenario(VIEW_LAG, **kwargs)


@pytest.mark.parametrize("scenario", [None, 42, b"version: 1", ["a"]])
def test_something_that_is_not_a_scenario_is_refused(scenario):
    with pytest.raises(InvalidArgument, match="scenario:"):
        run_scenario(scenario)


def test_an_unknown_request_name_is_a_lookup_error_of_tsims():
    result = run_scenario(VIEW_LAG)
    with pytest.raises(UnknownRequest, match="no SetCallDisposition request is named 'nope' .requests: dispose."):
        result.disposition("nope")
    assert issubclass(UnknownRequest, TsimError) and issubclass(UnknownRequest, LookupError)
    assert result.disposition("dispose").path == "userData"


@pytest.mark.parametrize("call,error", [
    (lambda: __import__("simulator").parse_scenario(None), InvalidArgument),
    (lambda: __import__("simulator").load_scenario(123), InvalidArgument),
    (lambda: __import__("simulator.sweep").sweep.sweep(None, "seed=1:2:1"), TsimError),
    (lambda: __import__("simulator.sweep").sweep.sweep(__import__("simulator").load_scenario(VIEW_LAG), None),
     TsimError),
])
def test_the_rest_of_the_python_api_raises_tsims_errors_too(call, error):
    with pytest.raises(error):
        call()


def test_a_world_run_by_hand_in_stretches_gives_the_batch_runs_records_and_figures():
    """What live mode does: start the run, advance the clock in stretches, close it."""
    from simulator.run import close_run, start_run
    from simulator.scenario.loader import load_scenario

    loaded = load_scenario(SCENARIOS / "inbound-through-a-queue.yaml")
    batch = run_scenario(loaded)
    for journal in ("full", "records"):
        world, outputs = start_run(loaded, loaded.scenario.seed, journal=journal)
        for until in range(700_000, batch.end_time, 700_000):  # 0.7 s at a time, as a live clock advances
            world.env.run(until=until)
        world.env.run()
        by_hand = close_run(world, loaded, outputs)
        assert by_hand.figures == batch.figures and by_hand.figures["queues"]
        assert by_hand.disposition_count == batch.disposition_count
        if journal == "full":
            assert [r.to_json() for r in by_hand.dispositions] == [r.to_json() for r in batch.dispositions]
