"""Generated traffic: seeded and deterministic, agents answer and dispose, and the
queue behaves as the textbook says (Erlang C)."""

from __future__ import annotations

import math
import statistics

from simulator import parse_scenario, run_scenario

ERLANG = """\
version: 1
name: erlang
description: M/M/c
seed: {seed}
switch:
  dns:
{agents}
    "19000": {{type: ACDQueue}}
traffic:
  rate: {rate}
  duration: {duration}s
  to: "19000"
  talk: {{dist: exponential, mean: {talk}s}}
"""


def erlang_c(servers: int, load: float) -> float:
    """The probability an arriving call waits (Erlang C), offered ``load`` Erlang on ``servers``."""
    top = load ** servers / math.factorial(servers) * servers / (servers - load)
    return top / (sum(load ** k / math.factorial(k) for k in range(servers)) + top)


def waits(result) -> list[tuple[int, float]]:
    """(arrival µs, wait s) of every call that reached an agent through the queue."""
    queued, out = {}, []
    for entry in result.journal.of_kind("tlib.event"):
        event = entry.payload
        if event.attrs.get("ThisDN") != "19000":
            continue
        if event.name == "EventQueued":
            queued[event.attrs["ConnID"]] = entry.t
        elif event.name == "EventDiverted":
            start = queued.pop(event.attrs["ConnID"])
            out.append((start, (entry.t - start) / 1e6))
    return out


def test_the_queue_matches_erlang_c_within_its_confidence_interval():
    servers, rate, talk, duration = 3, 2.0, 1.0, 4000
    agents = "\n".join(f'    "{15000 + i}": {{agent: a{i}}}' for i in range(servers))
    result = run_scenario(parse_scenario(ERLANG.format(seed=11, agents=agents, rate=rate, duration=duration,
                                                       talk=talk), "erlang.yaml"))
    observed = [(t, w) for t, w in waits(result) if t > 200e6]  # past the warm-up
    assert len(observed) > 6000
    batches = [observed[k * len(observed) // 20:(k + 1) * len(observed) // 20] for k in range(20)]  # batch means
    load = rate * talk
    expected_wait_share = erlang_c(servers, load)
    expected_mean_wait = expected_wait_share / (servers / talk - rate)
    shares = [sum(w > 0 for _, w in batch) / len(batch) for batch in batches]
    means = [statistics.fmean(w for _, w in batch) for batch in batches]
    for values, expected in ((shares, expected_wait_share), (means, expected_mean_wait)):
        mean = statistics.fmean(values)
        half = 2.093 * statistics.stdev(values) / math.sqrt(len(values))  # t(0.975, 19)
        assert abs(mean - expected) <= half, (mean, expected, half)


def test_agents_answer_talk_and_dispose_as_the_traffic_section_says():
    text = ERLANG.format(seed=5, agents='    "15000": {agent: a0}\n    "15001": {agent: a1}', rate=0.05,
                         duration=600, talk=30)
    text += ("  answer_after: 2s\n  patience: {dist: exponential, mean: 40s}\n"
             "  dispositions: {share: 0.8, after_release: {dist: uniform, low: 1s, high: 5s}}\n")
    first, again = (run_scenario(parse_scenario(text, "t.yaml")) for _ in range(2))
    assert [r.to_json() for r in first.dispositions] == [r.to_json() for r in again.dispositions]
    assert first.dispositions and all(r.path.value == "userEvent" for r in first.dispositions)
    names = [e.payload.name for e in first.journal.of_kind("tlib.event")]
    assert names.count("EventEstablished") > 10 and "EventAbandoned" in names


def test_a_scenario_with_traffic_writes_back_to_the_same_runs():
    import yaml

    from simulator.scenario.writer import scenario_data

    text = ERLANG.format(seed=2, agents='    "15000": {agent: a0}', rate=0.1, duration=120, talk=5)
    text += "  answer_after: {dist: uniform, low: 1s, high: 2s}\n  dispositions: {before_release: 1s}\n"
    loaded = parse_scenario(text, "t.yaml")
    again = parse_scenario(yaml.safe_dump(scenario_data(loaded.scenario)), "again.yaml")
    assert [r.to_json() for r in run_scenario(loaded).dispositions] == \
        [r.to_json() for r in run_scenario(again).dispositions]
