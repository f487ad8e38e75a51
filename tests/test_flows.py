"""Random valid call flows: every run keeps the journal's invariants, and a
refused T-Library request changes nothing in T-Server."""

from __future__ import annotations

import pytest

from simulator import journal as J
from simulator import run_scenario
from simulator.invariants import violations
from simulator.scenario.loader import validate_data
from simulator.tserver.server import TServer

from .flows import random_flow
from .helpers import fingerprint

FLOWS = 150


@pytest.fixture
def refusals_checked(monkeypatch):
    """Wrap T-Server's request handling: a request answered EventError must leave no trace."""
    broken: list[str] = []
    handle = TServer.handle

    def checked(self: TServer, request) -> None:
        before = fingerprint(self)
        mark = len(self.journal)
        handle(self, request)
        refused = [e for e in self.journal.entries[mark:] if e.kind == J.TLIB_EVENT and e.payload.name == "EventError"]
        if refused and fingerprint(self) != before:
            broken.append(f"{request.name} was refused ({refused[0].payload.attrs['ErrorMessage']}) but changed "
                          "T-Server's state")

    monkeypatch.setattr(TServer, "handle", checked)
    return broken


@pytest.mark.parametrize("seed", range(FLOWS))
def test_a_random_flow_keeps_the_invariants(seed, refusals_checked):
    flow = random_flow(seed)
    loaded = validate_data(flow, {}, f"flow {seed}")
    result = run_scenario(loaded)
    assert violations(result) == []
    assert refusals_checked == []


def test_the_flows_exercise_what_they_are_for():
    """Guard against a generator that quietly stops producing the interesting cases."""
    paths, outcomes, errors = set(), set(), set()
    for seed in range(60):
        result = run_scenario(validate_data(random_flow(seed), {}, "flow"))
        paths |= {r.path for r in result.dispositions}
        outcomes |= {r.reporting.outcome for r in result.dispositions}
        errors |= {r.tserver.errorCode for r in result.dispositions if r.tserver is not None}
    assert paths == {"userData", "userEvent", "rejected"}
    assert outcomes == {"reported", "superseded", "lost"}
    assert 56 in errors
