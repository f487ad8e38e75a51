"""The journal's rules (``simulator.invariants``) on a call that comes back to the
desktop that completed it, and a rule that still catches a message about a call gone."""

from __future__ import annotations

from simulator import journal as J
from simulator import parse_scenario, run_scenario, tlib
from simulator.invariants import violations

from .helpers import SCENARIOS

COMES_BACK = """\
version: 1
name: comes-back
description: agent1 transfers the call to the queue it serves, and gets it back
switch:
  dns:
    "15000": {agent: agent1}
    "16000": {type: ACDQueue}
web_services: {call_completion: on_release}
steps:
  - {at: 0s, dial: {from: "+14155550100", to: "16000"}, call: c1}
  - {at: 2s, answer: {dn: "15000", call: c1}}
  - at: 20s
    gws: {user: agent1, post: "/api/v2/me/calls/{c1}",
          body: {operationName: SingleStepTransfer, destination: {phoneNumber: "16000"}}}
  - {at: 25s, answer: {dn: "15000", call: c1}}
  - at: 30s
    gws: {user: agent1, name: dispose, post: "/api/v2/me/calls/{c1}",
          body: {operationName: SetCallDisposition, callUuid: "{c1}", disposition: Sale}}
  - {at: 40s, hangup: {dn: "+14155550100", call: c1}}
expect:
  - tlib: {event: EventRinging, dn: "15000", call: c1, count: 2}
  - reporting: {call: c1, userData: {DispositionCode: Sale}}
  - disposition: {request: dispose, path: userData, view: Established, reporting: reported}
"""


def test_a_completed_call_that_rings_the_same_desktop_again_is_a_new_view_of_it():
    result = run_scenario(parse_scenario(COMES_BACK, "comes-back.yaml"))
    assert result.passed and violations(result) == []
    completed = next(e.seq for e in result.journal.of_kind(J.GWS_COMPLETED))
    # Without the call ringing again, the same messages would be about a call gone:
    result.journal.entries = [e for e in result.journal.entries
                              if not (e.kind == J.COMETD and e.seq > completed
                                      and e.payload.notification_type == "StatusChange")]
    gone = [problem for problem in violations(result) if "about call" in problem]  # (the others: seq gaps)
    assert len(gone) == 1 and "CometD AttachedDataChanged to agent1" in gone[0]
    assert gone[0].endswith(f"completed at journal #{completed}")


def test_every_bundled_scenario_keeps_the_rules():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        result = run_scenario(path)
        assert violations(result) == [], path.name


def _tamper(result, name, change, where=lambda attrs: True):
    """A T-Server that broke a rule: the journal's first ``name`` event whose attributes
    match ``where``, with ``change`` made to them (the kept journal holds its events packed,
    so the entry is replaced by one carrying the changed event)."""
    entries = result.journal.entries
    at = next(i for i, e in enumerate(entries)
              if e.kind == J.TLIB_EVENT and e.payload.name == name and where(e.payload.attrs))
    entry = entries[at]
    attrs = entry.payload.attrs
    change(attrs)
    event = tlib.TEvent((name, attrs, entry.payload.recipients, entry.payload.arrivals))
    entries[at] = J.Entry((entry.seq, entry.t, entry.kind, event, entry.meta))


def test_an_event_without_a_mandatory_attribute_or_naming_its_receiver_in_other_dn_breaks_rule_6():
    result = run_scenario(SCENARIOS / "conference-owner-removes-a-party.yaml")
    _tamper(result, "EventHeld", lambda attrs: attrs.pop("Server"))
    _tamper(result, "EventDialing", lambda attrs: attrs.pop("PreviousConnID"),
            where=lambda attrs: attrs["CallType"] == "Consult")
    _tamper(result, "EventPartyAdded", lambda attrs: attrs.update(OtherDN=attrs["ThisDN"]))
    problems = violations(result)
    assert len(problems) == 3
    assert "EventHeld lacks Server" in problems[0] and "EventDialing lacks PreviousConnID" in problems[1]
    assert "names it in OtherDN" in problems[2]
