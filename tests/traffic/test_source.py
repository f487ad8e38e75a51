"""Generated traffic: seeded and deterministic, agents answer and dispose, and the
queue behaves as the textbook says (Erlang C)."""

from __future__ import annotations

import math
import statistics

import pytest

from simulator import parse_scenario, run_scenario
from simulator.scenario.loader import ScenarioError

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


# -- arrivals per interval, and from a trace ------------------------------------------
SHAPED = """\
version: 1
name: shaped
description: arrivals that change over the day
switch:
  dns:
    "19000": {{type: ACDQueue}}
  agent_groups:
    - {{count: 40, first_dn: 20000}}
traffic:
  to: "19000"
  talk: 10s
{arrivals}
"""


def _queued_times(result) -> list[int]:
    return [e.t for e in result.journal.of_kind("tlib.event") if e.payload.name == "EventQueued"]


def test_rates_per_interval_shape_the_arrivals():
    text = SHAPED.format(arrivals="  rates:\n    - {until: 1h, rate: 0.5}\n    - {until: 2h, rate: 0}\n"
                                  "    - {until: 3h, rate: 2}\n")
    loaded = parse_scenario(text, "shaped.yaml")
    assert loaded.scenario.traffic.expected_calls() == 0.5 * 3600 + 2 * 3600
    times = _queued_times(run_scenario(loaded))
    hour = 3600 * 1_000_000
    first, quiet, busy = (sum(start <= t < start + hour for t in times) for start in (0, hour, 2 * hour))
    assert quiet == 0 and max(times) <= 3 * hour
    for count, rate in ((first, 0.5), (busy, 2)):  # Poisson: within four standard deviations
        assert abs(count - rate * 3600) < 4 * math.sqrt(rate * 3600), (count, rate)
    again = _queued_times(run_scenario(parse_scenario(text, "shaped.yaml")))
    assert again == times  # seeded


def test_an_arrivals_trace_is_replayed_to_the_microsecond(tmp_path):
    (tmp_path / "day.csv").write_text("arrived,caller\n0.5,+1555\n\n2,+1556\n2,+1557\n1h,+1558\n",
                                      encoding="utf-8")
    path = tmp_path / "shaped.yaml"
    path.write_text(SHAPED.format(arrivals="  arrivals: day.csv"), encoding="utf-8")
    result = run_scenario(path)
    assert _queued_times(result) == [500_000, 2_000_000, 2_000_000, 3_600_000_000]


def test_a_bad_trace_names_its_file_and_line(tmp_path):
    from simulator import ScenarioError, load_scenario

    path = tmp_path / "shaped.yaml"
    path.write_text(SHAPED.format(arrivals="  arrivals: day.csv"), encoding="utf-8")
    for content, words in (("1\n3\n2\n", "day.csv:3: earlier than the line before it"),
                           ("at\n1\nsoon\n", "day.csv:3: 'soon'"),
                           ("at\n", "day.csv: holds no arrival times")):
        (tmp_path / "day.csv").write_text(content, encoding="utf-8")
        try:
            load_scenario(path)
        except ScenarioError as exc:
            assert words in str(exc) and "traffic.arrivals" in str(exc), str(exc)
        else:
            raise AssertionError(f"{content!r} was accepted")
    (tmp_path / "day.csv").unlink()
    try:
        load_scenario(path)
    except ScenarioError as exc:
        assert "day.csv: cannot be read" in str(exc)


def test_one_way_of_arriving_at_a_time():
    from simulator import ScenarioError

    for arrivals, words in (("  rate: 1\n  duration: 1h\n  rates: [{until: 1h, rate: 1}]",
                             "exactly one of rate (with duration), rates or arrivals"),
                            ("  rate: 1", "rate and duration go together"),
                            ("  rates: [{until: 2h, rate: 1}, {until: 1h, rate: 1}]", "rates[1].until")):
        try:
            parse_scenario(SHAPED.format(arrivals=arrivals), "shaped.yaml")
        except ScenarioError as exc:
            assert words in str(exc), str(exc)
        else:
            raise AssertionError(arrivals)


def test_agents_hold_a_share_of_calls_during_the_talk():
    text = SHAPED.format(arrivals="  rate: 0.05\n  duration: 1h\n"
                                  "  hold: {share: 1, after: 2s, duration: 3s}\n"
                                  "  dispositions: {share: 1, before_release: 7s}\n")
    result = run_scenario(parse_scenario(text, "held.yaml"))
    names = [e.payload.name for e in result.journal.of_kind("tlib.event")]
    established = names.count("EventEstablished")
    assert established > 100
    assert names.count("EventHeld") == names.count("EventRetrieved") == established  # talk 10 s: 2 s + 3 s fits
    # clicked 3 s into the talk, while held: Web Services sees Held, the userData path
    assert {r.gwsView for r in result.dispositions} == {"Held"}
    assert {r.path.value for r in result.dispositions} == {"userData"}


def test_a_hold_planned_after_the_talk_never_happens():
    text = SHAPED.format(arrivals="  rate: 0.05\n  duration: 10min\n  hold: {share: 1, after: 20s, duration: 1s}\n")
    names = [e.payload.name for e in run_scenario(parse_scenario(text, "late.yaml")).journal.of_kind("tlib.event")]
    assert "EventEstablished" in names and "EventHeld" not in names


def test_agents_take_breaks_and_no_call_reaches_an_agent_on_a_break():
    text = SHAPED.format(arrivals="  rate: 1\n  duration: 1h\n  breaks: {every: 20min, duration: 5min}\n")
    result = run_scenario(parse_scenario(text, "breaks.yaml"))
    on_break: dict[str, int] = {}
    breaks = 0
    for entry in result.journal.of_kind("tlib.event"):
        event = entry.payload
        dn = event.attrs.get("ThisDN")
        if event.name == "EventAgentNotReady":
            on_break[dn] = entry.t
            breaks += 1
        elif event.name == "EventAgentReady" and dn in on_break:
            assert entry.t - on_break.pop(dn) == 5 * 60 * 1_000_000  # nobody else changed their state
        elif event.name == "EventRinging" and dn in on_break:
            raise AssertionError(f"{dn} rang while on a break")
    assert breaks >= 40 * 2  # forty agents, a break every 25 minutes or so within the hour
    again = [e.t for e in run_scenario(parse_scenario(text, "breaks.yaml")).journal.of_kind("tlib.event")]
    assert again == [e.t for e in result.journal.of_kind("tlib.event")]  # seeded


def test_wrap_up_drawn_per_call_from_a_distribution():
    text = SHAPED.format(arrivals="  rate: 0.2\n  duration: 30min\n").replace(
        "{count: 40, first_dn: 20000}", "{count: 40, first_dn: 20000, wrap_up: {dist: uniform, low: 1s, high: 9s}}")
    result = run_scenario(parse_scenario(text, "acw.yaml"))
    started: dict[str, int] = {}
    lengths = []
    for entry in result.journal.of_kind("tlib.event"):
        event = entry.payload
        dn = event.attrs.get("ThisDN")
        if event.name == "EventAgentNotReady" and event.attrs.get("AgentWorkMode") == "AgentAfterCallWork":
            started[dn] = entry.t
        elif event.name == "EventAgentReady" and dn in started:
            lengths.append(entry.t - started.pop(dn))
    assert len(lengths) > 100
    assert all(1_000_000 <= length <= 9_000_000 for length in lengths)
    assert len(set(lengths)) > 50  # drawn per call, not once


# -- shifts ---------------------------------------------------------------------------
SHIFTS = """\
version: 1
name: shifts
description: an early and a late shift
switch:
  dns:
    "19000": {type: ACDQueue}
  agent_groups:
    - {count: 6, first_dn: 20000, agent_prefix: early, wrap_up: 20s, shift: {end: 1h}}
    - {count: 6, first_dn: 21000, agent_prefix: late, shift: {start: 50min, end: 2h}}
traffic:
  rate: 0.1
  duration: 110min
  to: "19000"
  talk: {dist: exponential, mean: 60s}
  breaks: {every: 15min, duration: 3min}
"""


def _agent_timeline(result):
    """Per DN: (t, event) of its agent events, and the times its calls rang and were released."""
    agent_events: dict[str, list[tuple[int, str]]] = {}
    rang: dict[str, list[int]] = {}
    released: dict[str, list[int]] = {}
    for entry in result.journal.of_kind("tlib.event"):
        event = entry.payload
        dn = event.attrs.get("ThisDN")
        if event.name.startswith("EventAgent"):
            agent_events.setdefault(dn, []).append((entry.t, event.name))
        elif event.name == "EventRinging":
            rang.setdefault(dn, []).append(entry.t)
        elif event.name in ("EventReleased", "EventAbandoned"):
            released.setdefault(dn, []).append(entry.t)
    return agent_events, rang, released


def test_agents_work_their_shifts_and_finish_the_call_at_hand():
    result = run_scenario(parse_scenario(SHIFTS, "shifts.yaml"))
    agent_events, rang, released = _agent_timeline(result)
    minute = 60 * 1_000_000
    finished_first = 0
    for i in range(6):
        early, late = str(20000 + i), str(21000 + i)
        assert agent_events[early][0] == (0, "EventAgentLogin")
        assert agent_events[late][0] == (50 * minute, "EventAgentLogin")
        assert not any(t < 50 * minute for t in rang.get(late, []))  # nobody rings before the shift
        for dn, end in ((early, 60 * minute), (late, 120 * minute)):
            logged_out = [t for t, name in agent_events[dn] if name == "EventAgentLogout"]
            assert len(logged_out) == 1 and logged_out[0] >= end  # at the end, or once the call at hand is over
            assert agent_events[dn][-1][1] == "EventAgentLogout"  # nothing after it
            assert not any(t > logged_out[0] for t in rang.get(dn, []))
            if logged_out[0] > end:  # finished a call first (and its wrap-up, for the early shift)
                finished_first += 1
                last_release = max(t for t in released[dn] if t <= logged_out[0])
                assert last_release > end or dn == early
                if dn == early:
                    assert agent_events[dn][-2][1] == "EventAgentNotReady"  # the wrap-up, then out
    assert finished_first >= 6  # the queue was busy: most agents were on a call as their shift ended
    # the early agents rang after 50 min too, so both shifts overlapped; later calls went to the late shift only
    assert any(t > 60 * minute for dn in rang for t in rang[dn] if dn.startswith("21"))
    late_rings = [t for dn in rang for t in rang[dn] if dn.startswith("20") and t > 60 * minute]
    assert late_rings == []
    # Web Services told each desktop the agent logged out (state LoggedOut)
    logged_out_messages = [e for e in result.journal.of_kind("cometd")
                           if getattr(e.payload, "state", None) == "LoggedOut"]
    assert len(logged_out_messages) == 12


def test_a_shift_that_ends_before_it_starts_is_refused_with_its_field():
    bad = SHIFTS.replace("shift: {start: 50min, end: 2h}", "shift: {start: 2h, end: 50min}")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(bad, "bad.yaml")
    message = str(caught.value)
    assert "bad.yaml:9: switch.agent_groups[1].shift: end:" in message and "50min is not after 2h" in message
    lone = SHIFTS.replace('"19000": {type: ACDQueue}', '"19000": {type: ACDQueue, shift: {end: 1h}}')
    with pytest.raises(ScenarioError, match="a shift is when an agent works: give the DN an agent"):
        parse_scenario(lone, "lone.yaml")


# -- several queues, and agents who take some of them (skills) --------------------------
SKILLS = """\
version: 1
name: skills
description: sales and support
switch:
  dns:
    "19000": {type: ACDQueue}
    "19001": {type: ACDQueue}
  agent_groups:
    - {count: 3, first_dn: 20000, agent_prefix: sales, queues: ["19000"]}
    - {count: 2, first_dn: 21000, agent_prefix: support, queues: ["19001"]}
    - {count: 2, first_dn: 22000, agent_prefix: both, queues: ["19000", "19001"]}
traffic:
  rate: 0.1
  duration: 2h
  to: [{dn: "19000", share: 0.7}, {dn: "19001", share: 0.3}]
  talk: {dist: exponential, mean: 45s}
"""


def test_calls_are_spread_over_queues_by_share_and_reach_only_agents_who_take_them():
    result = run_scenario(parse_scenario(SKILLS, "skills.yaml"))
    queued = {"19000": 0, "19001": 0}
    handed: dict[str, set[str]] = {"19000": set(), "19001": set()}
    for entry in result.journal.of_kind("tlib.event"):
        event = entry.payload
        dn = event.attrs.get("ThisDN")
        if event.name == "EventQueued":
            queued[dn] += 1
        elif event.name == "EventDiverted":
            handed[dn].add(event.attrs["OtherDN"][:2])  # 20…: sales, 21…: support, 22…: both
    total = sum(queued.values())
    assert total > 600
    share = queued["19000"] / total
    assert abs(share - 0.7) <= 3 * math.sqrt(0.7 * 0.3 / total), share  # binomial, three standard errors
    assert handed == {"19000": {"20", "22"}, "19001": {"21", "22"}}
    again = run_scenario(parse_scenario(SKILLS, "skills.yaml"))
    assert [e.t for e in again.journal] == [e.t for e in result.journal]  # seeded


def test_queue_shares_and_skills_are_checked_with_their_field():
    listed = '[{dn: "19000", share: 0.7}, {dn: "19001", share: 0.3}]'
    for given, wanted, error in [
        ('share: 0.3}', 'share: 0.2}', r"skills.yaml:\d+: traffic: to: the shares add up to 1, not 0.9"),
        ('{dn: "19001", share: 0.3}', '{dn: "19009", share: 0.3}', r"traffic.to\[1\].dn: 19009 is not a configured DN"),
        (listed, '{dn: "19000", share: 1}', r"skills.yaml:15: traffic.to: a DN, or a list of \{dn, share\}$"),
        ('queues: ["19001"]}', 'queues: ["20000"]}', r"agent_groups\[1\].queues: 20000 is not a configured ACDQueue"),
    ]:
        with pytest.raises(ScenarioError, match=error):
            parse_scenario(SKILLS.replace(given, wanted), "skills.yaml")


@pytest.mark.parametrize("text", [SHIFTS, SKILLS], ids=["shifts", "skills"])
def test_shifts_and_skills_write_back_to_the_same_runs(text):
    import yaml

    from simulator.scenario.writer import scenario_data

    loaded = parse_scenario(text, "t.yaml")
    written = yaml.safe_dump(scenario_data(loaded.scenario))
    again = parse_scenario(written, "again.yaml")
    assert [e.t for e in run_scenario(again).journal] == [e.t for e in run_scenario(loaded).journal]


def test_agents_who_end_calls_from_the_desktop_race_their_own_hangup():
    """The agent clicks Hangup, then a disposition a few milliseconds later: Web
    Services still sees the call Established while T-Server has released it, so
    some updates meet a released ConnID (EventError 56) and are lost."""
    text = SHAPED.format(arrivals="  rate: 0.2\n  duration: 30min\n  agent_hangs_up: 1\n"
                                  "  dispositions: {after_release: {dist: uniform, low: 0s, high: 40ms}}\n")
    text = text.replace("switch:\n", "switch:\n  latency: {gws_to_tserver: 10ms, tserver_to_gws: 20ms}\n")
    result = run_scenario(parse_scenario(text, "hangups.yaml"))
    hangups = [e for e in result.journal.of_kind("http.request") if e.payload["body"].get("operationName") == "Hangup"]
    established = [e for e in result.journal.of_kind("tlib.event")
                   if e.payload.name == "EventEstablished" and e.payload.attrs["ThisDN"] != "19000"]
    assert len(hangups) == len(established) > 200
    released = [e.payload for e in result.journal.of_kind("tlib.event") if e.payload.name == "EventReleased"]
    assert all(event.attrs.get("ReferenceID") is not None for event in released)  # each one asked for by Web Services
    raced = [r for r in result.dispositions if r.gwsView == "Established"]
    assert raced and all(r.tserver.errorCode == 56 and r.reporting.outcome.value == "lost" for r in raced)
    assert any(r.gwsView == "Released" and r.reporting.outcome.value == "reported" for r in result.dispositions)


def test_the_traffic_ends_with_its_last_period_or_its_last_traced_call(tmp_path):
    """``Arrivals.last``: when calls stop coming, which the agents' breaks are planned up to."""
    from simulator.scenario.loader import load_scenario
    from simulator.timing import Environment
    from simulator.traffic.arrivals import Arrivals

    def last(loaded) -> int:
        return Arrivals(Environment(), loaded.scenario.traffic, 1, lambda: None).last()

    periods = "  rates:\n    - {until: 1h, rate: 0.5}\n    - {until: 2h, rate: 0}\n    - {until: 3h, rate: 2}\n"
    assert last(parse_scenario(SHAPED.format(arrivals=periods), "shaped.yaml")) == 3 * 3600 * 1_000_000
    assert last(parse_scenario(SHAPED.format(arrivals="  rate: 1\n  duration: 90s"), "s.yaml")) == 90_000_000
    (tmp_path / "day.csv").write_text("arrived,caller\n0.5,+1555\n2,+1556\n1h,+1558\n", encoding="utf-8")
    path = tmp_path / "shaped.yaml"
    path.write_text(SHAPED.format(arrivals="  arrivals: day.csv"), encoding="utf-8")
    assert last(load_scenario(path)) == 3600 * 1_000_000


BREAK_DURING_A_CALL = """\
version: 1
name: break-during-a-call
description: a break falls due while the agent talks
switch:
  dns:
    "15000": {{agent: agent1}}
    "19000": {{type: ACDQueue}}
traffic:
  to: "19000"
  arrivals: {trace}
  answer_after: 1s
  talk: 60s
  breaks: {{every: 2min, duration: 30s}}
"""


def test_a_break_due_during_a_call_is_taken_as_the_call_ends(tmp_path):
    """The break falls due at 120 s, while the agent talks (101–161 s): the agent goes
    NotReady at the instant the call is released, not before, and Ready 30 s later; breaks
    are planned only up to the last arrival."""
    (tmp_path / "calls.csv").write_text("arrived,caller\n100,+1555\n300,+1556\n", encoding="utf-8")
    path = tmp_path / "break.yaml"
    path.write_text(BREAK_DURING_A_CALL.format(trace="calls.csv"), encoding="utf-8")
    result = run_scenario(path)
    at_agent = [(e.t, e.payload.name) for e in result.journal.of_kind("tlib.event")
                if e.payload.attrs.get("ThisDN") == "15000" and e.t >= 100_000_000]
    released = next(t for t, name in at_agent if name == "EventReleased")
    assert released == 161_000_000
    states = [(t, name) for t, name in at_agent if name in ("EventAgentNotReady", "EventAgentReady")]
    assert states[:2] == [(released, "EventAgentNotReady"), (released + 30_000_000, "EventAgentReady")]
    # the next break would fall due at 311 s, after the last call came (300 s): none is planned
    assert [t for t, name in states if name == "EventAgentNotReady"] == [released]
