"""Traffic habits in any combination (transfers with holds, hang-ups from the desktop,
impatient callers, breaks, shifts, several queues, stale views): every run keeps the
journal's invariants, leaves no call in progress once the traffic stops, and is
the same run twice."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import parse_scenario, run_scenario
from simulator.invariants import violations

shares = st.sampled_from([0, 0.3, 1])


@st.composite
def traffic_files(draw) -> tuple[str, bool]:
    """A scenario's text, and whether every call it brings must end (no shift ends:
    a call waiting for agents who all went home waits for ever, as nothing in the
    model sends it elsewhere)."""
    how = draw(st.sampled_from(["single_step", "two_step"]))
    skills = draw(st.booleans())
    groups = [{"count": draw(st.integers(1, 3)), "first_dn": 20000, "agent_prefix": "sales", "wrap_up": "2s",
               **({"queues": ["19000"]} if skills else {})},
              {"count": draw(st.integers(1, 2)), "first_dn": 21000, "agent_prefix": "support",
               **({"queues": ["19001"]} if skills else {})}]
    shift = draw(st.booleans())
    if shift:
        groups[0]["shift"] = {"end": "4min"}  # sales leave while calls may still be transferred to or from them
    traffic = {
        "rate": 0.05, "duration": "6min",
        "to": draw(st.sampled_from(["19000", [{"dn": "19000", "share": 0.5}, {"dn": "19001", "share": 0.5}]])),
        "answer_after": "1s", "talk": {"dist": "exponential", "mean": "40s"},
        "agent_hangs_up": draw(shares),
        "transfer": {"share": draw(shares), "to": draw(st.sampled_from(["19000", "19001", "21000", "20000"])),
                     "after": {"dist": "uniform", "low": "1s", "high": "30s"}, "how": how,
                     "consult": draw(st.sampled_from(["0s", "5s"]))},
        "dispositions": {"share": draw(shares), "before_release": {"dist": "uniform", "low": "0s", "high": "50ms"},
                         "after_release": {"dist": "uniform", "low": "0s", "high": "5s"},
                         "codes": {"A": 0.5, "B": 0.5},
                         "consult_view": draw(shares) if how == "two_step" else 0},
    }
    if draw(st.booleans()):
        traffic["hold"] = {"share": 0.5, "after": "2s", "duration": "5s"}
    if draw(st.booleans()):
        traffic["patience"] = {"dist": "exponential", "mean": "20s"}
    if draw(st.booleans()):
        traffic["breaks"] = {"every": "2min", "duration": "30s"}
    return yaml.safe_dump({
        "version": 1, "name": "combination", "description": "generated", "seed": draw(st.integers(0, 1000)),
        "switch": {"dns": {"19000": {"type": "ACDQueue"}, "19001": {"type": "ACDQueue"}}, "agent_groups": groups,
                   "latency": {"tserver_to_gws": {"dist": "uniform", "low": "0ms", "high": "40ms"},
                               "gws_to_tserver": "10ms"}},
        "web_services": {"call_completion": "on_release"},
        "traffic": traffic,
    }), not shift


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(traffic_files())
def test_any_combination_of_habits_keeps_the_rules(file):
    text, all_end = file
    loaded = parse_scenario(text, "combination.yaml")
    result = run_scenario(loaded)
    assert violations(result) == []
    left = [row for row in result.calls if row["releasedAt"] is None and (row["ani"] or "").startswith("+1999")]
    assert not (all_end and left), text  # every generated call ended: answered, transferred, given up or hung up
    again = run_scenario(parse_scenario(text, "combination.yaml"))
    assert [(e.t, e.kind) for e in again.journal] == [(e.t, e.kind) for e in result.journal]
