"""Rules a redesign of the core could break unseen, each pinned where it bites: the
same-instant rule, reporting's closure boundary, a Dialing call's disposition path,
and a caller's patience (which ends only a call nobody answered). Each test fails on
the one-line change named in its docstring."""

from __future__ import annotations

from simulator import parse_scenario
from simulator import run_scenario as _run

HEAD = """version: 1
name: guard
description: a rule pinned
seed: 3
"""


def run_scenario(text: str):
    return _run(parse_scenario(text, "guard.yaml"))


def _dispose(at: str, user: str, call: str) -> str:
    return (f"  - at: {at}\n    gws: {{user: {user}, name: dispose, post: \"/api/v2/me/calls/{{{call}}}\", "
            f"body: {{operationName: SetCallDisposition, callUuid: \"{{{call}}}\", disposition: Done}}}}\n")


def test_a_step_sees_the_messages_due_at_its_instant_first():
    """(links.after_deliveries: ``if env.peek() == env.now`` → ``if False``.) The agent hangs
    up from the desktop at 266 s; the request takes 25 ms to T-Server, the release 25 ms
    back: it reaches Web Services at 266.05 s, sent after the click at 266.05 s was
    scheduled. The click still comes after it: Web Services has heard of the release,
    so the disposition goes as a user event."""
    result = run_scenario(HEAD + """switch:
  dns:
    "15000": {agent: agent1}
    "15001": {}
  latency: {gws_to_tserver: 25ms, tserver_to_gws: 25ms}
steps:
  - {at: 0s, dial: {from: "15001", to: "15000"}, call: c1}
  - {at: 4s, answer: {dn: "15000", call: c1}}
  - at: 266s
    gws: {user: agent1, post: "/api/v2/me/calls/{c1}", body: {operationName: Hangup}}
""" + _dispose("266.05", "agent1", "c1"))
    (record,) = result.dispositions
    assert (record.path.value, record.gwsView) == ("userEvent", "Released")


def test_a_user_event_at_the_very_end_of_the_timeout_still_counts():
    """(reporting._close_due: ``ended_at + timeout < now`` → ``<=``.) Reporting closes a call
    strictly after its user-event timeout: c2 ended at 7 s, its disposition's user event
    arrives at 17 s, the timeout being 10 s, just as reporting closes c1 (ended at 5 s)."""
    result = run_scenario(HEAD + """switch:
  dns:
    "15000": {agent: agent1}
    "15001": {}
    "15002": {agent: agent2}
    "15003": {}
  latency: {gws_to_tserver: 0s, tserver_to_gws: 0s, tserver_to_reporting: 0s}
reporting: {user_event_data_timeout: 10s}
steps:
  - {at: 0s, dial: {from: "15001", to: "15000"}, call: c1}
  - {at: 0s, dial: {from: "15003", to: "15002"}, call: c2}
  - {at: 1s, answer: {dn: "15000", call: c1}}
  - {at: 1s, answer: {dn: "15002", call: c2}}
  - {at: 5s, hangup: {dn: "15001", call: c1}}
  - {at: 7s, hangup: {dn: "15003", call: c2}}
""" + _dispose("17s", "agent2", "c2"))
    (record,) = result.dispositions
    assert record.path.value == "userEvent"
    assert record.reporting.outcome.value == "reported", record.reporting.reason


def test_a_disposition_on_a_dialing_call_goes_into_its_user_data():
    """(gws.disposition: Dialing → USER_DATA changed to USER_EVENT.) The agent dials out and
    picks a disposition while the call is still Dialing: the call is active in Web
    Services' view, so the disposition is written into its user data."""
    result = run_scenario(HEAD + """switch:
  dns:
    "15000": {agent: agent1}
    "15001": {}
steps:
  - {at: 0s, dial: {from: "15000", to: "15001"}, call: c1}
""" + _dispose("2s", "agent1", "c1"))
    (record,) = result.dispositions
    assert (record.gwsView, record.path.value, record.tserver.event) == ("Dialing", "userData",
                                                                          "EventAttachedDataChanged")


def test_a_callers_patience_ends_only_a_call_nobody_answered():
    """(traffic.source._give_up: ``party.state == DIALING`` → ``!= RELEASED``.) Every call is
    answered within 1 s and talked for 20 s; callers would give up after 2 s: nobody
    abandons, and every call lasts its talk."""
    result = run_scenario(HEAD + """switch:
  dns:
    "16000": {type: ACDQueue}
    "15000": {agent: agent1}
    "15001": {agent: agent2}
    "15002": {agent: agent3}
traffic:
  rate: 0.02
  duration: 10min
  to: "16000"
  answer_after: 1s
  talk: 20s
  patience: 2s
""")
    assert result.call_count > 5
    (queue,) = result.figures["queues"]
    assert (queue.offered, queue.abandoned) == (result.call_count, 0)
    assert all(row["releasedAt"] - row["firstEventAt"] >= 20 for row in result.calls), result.calls[:2]
