"""Saying what you mean in a scenario: code classes, message contents, reasons,
the final path, counts, raw bodies, braces and times relative to a step."""

import pytest

from simulator import ScenarioError, parse_scenario, run_scenario
from simulator.sweep import sweep

SCENARIO = """\
version: 1
name: expressive
description: every way of saying what must happen
seed: 3
switch:
  dns:
    "15000": {agent: agent1}
    "15001": {}
  latency: {gws_to_tserver: 50ms, tserver_to_gws: 50ms}
web_services: {fallback_to_user_event: true}
steps:
  - {at: 0s, dial: {from: "15001", to: "15000", user_data: {Segment: Gold}}, call: c1}
  - {at: 4s, answer: {dn: "15000", call: c1}}
  - {at: 10s, gws: {user: agent1, post: "/api/v2/me/calls/{c1}", body: {operationName: DeleteUserData}}}
  - {at: 266s, id: hangup, hangup: {dn: "15001", call: c1}}
  - at: hangup + 10ms
    gws: {user: agent1, name: dispose, post: "/api/v2/me/calls/{c1}",
          body: {operationName: SetCallDisposition, callUuid: "{c1}", disposition: "{{Sale}}"}}
  - at: dispose + 1s
    gws: {user: agent1, name: garbled, post: "/api/v2/me/calls/{c1}", raw: '{"operationName": "SetCall'}
  - at: garbled + 1s
    gws: {user: agent1, name: raw-json, post: "/api/v2/me/calls/{c1}",
          raw: '{"operationName": "SetCallDisposition", "callUuid": "{c1}", "disposition": "Later"}'}
expect:
  - disposition: {request: dispose, path: userData, finalPath: userEvent, statusCode: "not 1", httpStatus: 2xx,
                  errorCode: [55, 56], reason: "from a later change"}
  - http: {request: garbled, status: 4xx, statusCode: 10}
  - disposition: {request: raw-json, path: userEvent, reporting: reported}
  - dispositions: {call: c1, path: userData, count: 1}
  - dispositions: {finalPath: userEvent, count: 2}
  - dispositions: {reporting: superseded, count: 1}
  - tlib: {event: EventDialing, call: c1, userData: {Segment: Gold}}
  - tlib: {event: EventReleased, dn: "15000", userData: {Segment: null}}
  - tlib: {event: "Request*", after: 266s, count: 3}
  - no_tlib: {event: "Request*", before: 9s}
  - tlib: {event: EventError, attrs: {Server: tsim-tserver}}
  - cometd: {user: agent1, notificationType: AttachedDataChanged, hasUserData: false, count: 1}
  - cometd: {user: agent1, notificationType: StatusChange, state: Ringing, userData: {Segment: Gold}}
"""


def test_every_form_holds_on_a_run_that_does_what_they_say():
    result = run_scenario(parse_scenario(SCENARIO, "e.yaml"))
    failures = [(e.text, e.problems) for e in result.expectations if not e.passed]
    assert failures == []
    dispose = result.disposition("dispose")
    assert dispose.disposition == "{Sale}" and dispose.requestedAt == 266_010_000


@pytest.mark.parametrize("old,new,problem", [
    ('statusCode: "not 1"', 'statusCode: "not 0"', "statusCode: expected 'not 0', got 0"),
    ("httpStatus: 2xx", "httpStatus: 4xx", "httpStatus: expected '4xx', got 200"),
    ('reason: "from a later change"', 'reason: "timeout"', "reason: expected it to contain 'timeout'"),
    ("finalPath: userEvent, statusCode", "finalPath: userData, statusCode", "finalPath: expected 'userData'"),
    ("path: userData, count: 1}", "path: userData, count: 2}", "expected 2 disposition(s), found 1: dispose"),
    ("userData: {Segment: null}", "userData: {Segment: Gold}", "expected at least one EventReleased, found none"),
    ("hasUserData: false, count: 1", "hasUserData: true, count: 1", "expected 1 × CometD message, found 0"),
    ("before: 9s}", "before: 11s}", "expected no Request*, found 1"),
])
def test_each_form_fails_when_the_run_does_otherwise(old, new, problem):
    assert old in SCENARIO
    result = run_scenario(parse_scenario(SCENARIO.replace(old, new), "e.yaml"))
    problems = [p for e in result.expectations for p in e.problems]
    assert any(problem in p for p in problems), problems


def test_relative_times_follow_their_anchor_in_a_sweep():
    loaded = parse_scenario(SCENARIO, "e.yaml")
    result = sweep(loaded, "hangup.at=265s:267s:1s", jobs=1)
    assert {row.outcome for row in result.rows} == {result.rows[0].outcome}  # the click moves with the hangup


@pytest.mark.parametrize("at,words", [
    ("nobody + 1s", "no step has the id or request name 'nobody'"),
    ("garbled + 1s", "refer to each other in a circle"),
    ("hangup - 300s", "outside the run"),
    ("hangup + soon", "expected a duration"),
])
def test_bad_relative_times_name_the_step(at, words):
    text = SCENARIO.replace("at: dispose + 1s", f"at: {at}")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "e.yaml")
    assert words in str(info.value) and "steps[" in str(info.value)
