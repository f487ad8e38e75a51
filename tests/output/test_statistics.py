"""The agents' time in the statistics: shares that add up, occupancy as the
textbook has it, and shifts counted as they were worked."""

from __future__ import annotations

import pytest

from simulator import parse_scenario, run_scenario
from simulator.output import statistics
from simulator.output.statistics import AGENT_STATES, Accumulator

from ..helpers import SCENARIOS
from ..traffic.test_source import ERLANG, SHIFTS

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))


def test_occupancy_is_the_offered_load_per_agent():
    """M/M/3 at 2 calls/s of 1 s: each agent is busy 2/3 of the time (no wrap-up, no breaks)."""
    agents = "\n".join(f'    "{15000 + i}": {{agent: a{i}}}' for i in range(3))
    result = run_scenario(parse_scenario(ERLANG.format(seed=3, agents=agents, rate=2.0, duration=4000, talk=1.0),
                                         "erlang.yaml"))
    figures = result.figures["agents"]
    assert figures.agents == 3 and figures.seconds["not ready"] == figures.seconds["after-call work"] == 0
    assert figures.occupancy == pytest.approx(2 / 3, abs=0.03)
    assert sum(figures.seconds.values()) == pytest.approx(figures.logged_in_s)


def test_shifts_are_counted_as_worked_and_the_csv_and_markdown_say_so():
    result = run_scenario(parse_scenario(SHIFTS, "shifts.yaml"))
    logged_in: dict[str, int] = {}
    worked = 0
    for entry in result.journal.of_kind("tlib.event"):
        event = entry.payload
        if event.name == "EventAgentLogin":
            logged_in[event.attrs["ThisDN"]] = entry.t
        elif event.name == "EventAgentLogout":
            worked += entry.t - logged_in.pop(event.attrs["ThisDN"])
    assert not logged_in  # every shift ended
    figures = result.figures["agents"]
    assert figures.agents == 12
    assert figures.logged_in_s == pytest.approx(worked / 1e6)
    assert 0 < figures.seconds["not ready"] and 0 < figures.seconds["after-call work"]  # breaks, the early wrap-up
    csv = statistics.csv_text(result.figures)
    assert f"agents,logged in s,{worked / 1e6:.6f}" in csv
    assert all(f"agents,{state} s," in csv for state in AGENT_STATES)
    assert all(len(row.split(",")) == 3 for row in csv.splitlines())  # no comma inside a key
    markdown = statistics.markdown("shifts", result.figures)
    assert "## Agents" in markdown and f"occupancy {figures.occupancy:.1%}" in markdown


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_an_agent_is_on_calls_only_while_a_call_is_live_at_its_dn(path):
    """Transfers move parties between ConnIDs (EventPartyChanged): once every call
    of a run is over, no agent is still counted on a call."""
    result = run_scenario(path)
    fed = Accumulator()
    for entry in result.journal.of_kind("tlib.event"):
        fed.add_entry(entry)
    still_live = {row["connId"] for row in result.calls if row["releasedAt"] is None}
    on_calls = {dn: clock.calls - still_live for dn, clock in fed._agents.items()}  # noqa: SLF001
    assert not any(on_calls.values()), on_calls
    figures = fed.result(result.end_time)["agents"]
    assert figures is None or sum(figures.seconds.values()) == pytest.approx(figures.logged_in_s)


def test_transfers_are_in_the_bundled_scenarios_this_checks():
    names = {p.stem for p in BUNDLED}
    assert {"disposition-with-consult-call-id-after-transfer", "disposition-on-the-consult-call",
            "conference-both-agents-dispose"} <= names


def test_agents_logged_in_per_interval_follow_the_shifts():
    """The shift change: three early agents and the specialist until 25 min, the late
    three from then (so 4 + 3 × 2/3 = 6 over 24-27 min), seven until the early shift
    leaves at 30 min (each as their last call ends); the sum over the intervals is the
    agent-hours logged in."""
    result = run_scenario(SCENARIOS / "a-shift-change-with-two-queues.yaml")
    figures = result.figures
    assert figures["interval"] == 180_000_000
    means = figures["logged_in"]
    assert [means[i] for i in range(8)] == [4.0] * 8 and means[8] == pytest.approx(6.0) and means[9] == 7.0
    assert 4.0 < means[10] < 7.0  # the early shift logs out during this interval, each after its last call
    interval, last = figures["interval"], max(means)
    agent_us = sum(mean * interval for index, mean in means.items() if index != last)
    agent_us += means[last] * (result.end_time - last * interval)  # the last interval, as far as the run went
    assert agent_us / 1e6 == pytest.approx(figures["agents"].logged_in_s)
    markdown = statistics.markdown("shift", figures)
    assert "| from | calls offered | dispositions | lost | agents logged in |" in markdown
    assert "| 24min | 8 | 8 | 0 | 6.0 |" in markdown
    assert "interval 1620s,agents logged in,7.000000" in statistics.csv_text(figures)


def test_a_gap_with_no_calls_is_still_a_row_of_the_series():
    acc = Accumulator()
    acc.logins = [(0, 1), (150_000_000, -1)]  # one agent, logged in for 2.5 min
    figures = acc.result(300_000_000)  # 5 min: one-minute intervals
    assert figures["logged_in"] == {0: 1.0, 1: 1.0, 2: 0.5, 3: 0.0, 4: 0.0}
    assert list(figures["series"]) == [0, 1, 2, 3, 4]
    acc.logins = [(0, 1)]
    assert acc.result(150_000_000)["logged_in"] == {0: 1.0, 1: 1.0, 2: 1.0}  # the last half-minute: one agent


def test_the_agents_who_left_a_call_that_went_on_are_counted_apart():
    """In the transfer scenario every sales agent who transferred a call disposes once,
    after leaving it: those are the dispositions of agents who left a call that went on;
    every other one (but the rejected, which name no call) stayed to the call's end."""
    result = run_scenario(SCENARIOS / "transfers-to-support.yaml")
    parts = result.figures["parts"]
    transfers = sum(1 for e in result.journal.of_kind("tlib.event") if e.payload.name == "EventPartyChanged")
    left = sum(count for (part, _), count in parts.items() if part == statistics.LEFT_EARLY)
    stayed = sum(count for (part, _), count in parts.items() if part == statistics.STAYED)
    named = sum(1 for r in result.dispositions if r.path.value != "rejected")
    assert left == transfers == 25 and left + stayed == named
    assert parts[(statistics.LEFT_EARLY, "superseded")] > parts[(statistics.STAYED, "superseded")]
    markdown = statistics.markdown("transfers", result.figures)
    assert "| left a call that went on | 16 | 9 | 0 |" in markdown
    assert "agent's part,left a call that went on superseded,9" in statistics.csv_text(result.figures)
    alone = statistics.markdown("hour", run_scenario(SCENARIOS / "an-hour-of-traffic.yaml").figures)
    assert "left a call that went on" not in alone  # nobody did: no such section
