"""Each request T-Server refuses answers the documented error code with a message that
says why, and changes nothing; each one it carries out says so in its event.

A mutation run over ``tserver/`` found these refusals' codes and messages compared by no
test (``docs/mutation-core.md``): a refusal is what a desktop developer reads first.
"""

from __future__ import annotations

import pytest

from simulator import tlib
from simulator.scenario.schema import Scenario
from simulator.tserver import calls, transfers
from simulator.tserver.routing import MAX_ROUTE_HOPS
from simulator.world import build_world

from ..helpers import events, fingerprint, make_world, mark


def _ringing(world):
    """15001 calls 15000, which rings: (the call)."""
    made = []
    assert world.tserver.phone(lambda: made.append(calls.make_call(world.tserver, "15001", "15000"))) is None
    return made[0]


def _talking(world):
    call = _ringing(world)
    assert world.tserver.phone(lambda: calls.answer(world.tserver, "15000", call)) is None
    return call


def _two_calls(world):
    """15000 talks on one call while another rings there: (the call it talks on)."""
    call = _talking(world)
    assert world.tserver.phone(lambda: calls.make_call(world.tserver, "15002", "15000")) is None
    return call


def _ringing_one(ts, talked):
    return next(c for c in ts.calls.values() if c is not talked)


def _muted(world):
    call = _talking(world)
    assert world.tserver.phone(lambda: calls.mute(world.tserver, "15000", call, True)) is None
    return call


REFUSALS = [
    ("mute a ringing party", _ringing, lambda ts, call: calls.mute(ts, "15000", call, True),
     "Cannot change the mute of a party that is Ringing (TERR_UNSUP_OPER)"),
    ("mute twice", _muted, lambda ts, call: calls.mute(ts, "15000", call, True),
     "Party is already muted (TERR_IN_SAME_STATE)"),
    ("unmute a party not muted", _talking, lambda ts, call: calls.mute(ts, "15000", call, False),
     "Party is already unmuted (TERR_IN_SAME_STATE)"),
    ("DTMF from a ringing party", _ringing, lambda ts, call: calls.send_dtmf(ts, "15000", call, "12"),
     "Cannot send DTMF from a party that is Ringing (TERR_UNSUP_OPER)"),
    ("DTMF that is not digits", _talking, lambda ts, call: calls.send_dtmf(ts, "15000", call, "12a"),
     "Invalid DTMF digits '12a' (TERR_INVALID_ATTR)"),
    ("DTMF with a letter", _talking, lambda ts, call: calls.send_dtmf(ts, "15000", call, "1X"),
     "Invalid DTMF digits '1X' (TERR_INVALID_ATTR)"),
    ("DTMF of nothing", _talking, lambda ts, call: calls.send_dtmf(ts, "15000", call, ""),
     "Invalid DTMF digits '' (TERR_INVALID_ATTR)"),
    ("DTMF that is not text", _talking, lambda ts, call: calls.send_dtmf(ts, "15000", call, 12),
     "Invalid DTMF digits 12 (TERR_INVALID_ATTR)"),
    ("a call made from a queue", None, lambda ts, call: calls.make_call(ts, "16000", "15000"),
     "Calls are made from an Extension, not ACDQueue 16000 (TERR_INVALID_ATTR)"),
    ("a call to itself", None, lambda ts, call: calls.make_call(ts, "15000", "15000"),
     "Invalid called DN '15000' (TERR_INV_CALD_DN)"),
    ("a call to nowhere", None, lambda ts, call: calls.make_call(ts, "15000", ""),
     "Invalid called DN '' (TERR_INV_CALD_DN)"),
    ("a call to a number that is not text", None, lambda ts, call: calls.make_call(ts, "15000", 15001),
     "Invalid called DN 15001 (TERR_INV_CALD_DN)"),
    ("alternate between a call and itself", _two_calls,
     lambda ts, call: calls.alternate(ts, "15000", call, call.conn_id),
     "AlternateCall: the two calls are the same call {conn} (TERR_INVALID_ATTR)"),
    ("alternate to a call that rings", _two_calls,
     lambda ts, call: calls.alternate(ts, "15000", call, _ringing_one(ts, call).conn_id),
     "AlternateCall: cannot retrieve a party that is Ringing (TERR_UNSUP_OPER)"),
    ("alternate away from a call that rings", _two_calls,
     lambda ts, call: calls.alternate(ts, "15000", _ringing_one(ts, call), call.conn_id),
     "AlternateCall: cannot hold a party that is Ringing (TERR_UNSUP_OPER)"),
    ("remove oneself from a conference", _talking,
     lambda ts, call: calls.delete_from_conference(ts, "15000", call, "15000"),
     "Invalid party to remove '15000' (TERR_INVALID_ATTR)"),
    ("remove a party that is not text", _talking, lambda ts, call: calls.delete_from_conference(ts, "15000", call, 7),
     "Invalid party to remove 7 (TERR_INVALID_ATTR)"),
    ("remove a party from a two-party call", _talking,
     lambda ts, call: calls.delete_from_conference(ts, "15000", call, "15001"),
     "Call {conn} is not a conference (TERR_UNSUP_OPER)"),
    ("a single-step conference from a ringing party", _ringing,
     lambda ts, call: transfers.single_step_conference(ts, "15000", call, "15002"),
     "SingleStepConference: cannot conference from a party that is Ringing (TERR_UNSUP_OPER)"),
    ("a single-step conference with a party already on the call", _talking,
     lambda ts, call: transfers.single_step_conference(ts, "15000", call, "15001"),
     "Invalid called DN '15001' (TERR_INV_CALD_DN)"),
    ("a conference completed with one call twice", _talking,
     lambda ts, call: transfers.complete_conference(ts, "15000", call, call.conn_id),
     "CompleteConference: the two calls are the same call {conn} (TERR_INVALID_ATTR)"),
]


@pytest.mark.parametrize(("what", "before", "request_", "answer"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_refused_request_says_why_and_changes_nothing(what, before, request_, answer):
    world = make_world()
    call = before(world) if before is not None else None
    ts = world.tserver
    muted = {dn: party.muted for dn, party in call.parties.items()} if call is not None else {}
    state, start = fingerprint(ts), mark(world)
    assert ts.phone(lambda: request_(ts, call)) == answer.format(conn=call.conn_id if call else None)
    assert fingerprint(ts) == state and events(world, since=start) == []
    if call is not None:
        assert {dn: party.muted for dn, party in call.parties.items()} == muted


@pytest.mark.parametrize("on", [True, False])
def test_mute_and_unmute_change_the_party_and_answer_the_request(on):
    world = make_world()
    call = _muted(world) if not on else _talking(world)
    start = mark(world)
    assert world.tserver.phone(lambda: calls.mute(world.tserver, "15000", call, on, reference_id=7)) is None
    assert call.parties["15000"].muted is on and call.parties["15001"].muted is not True
    (event,) = events(world, since=start)
    assert event.name == ("EventMuteOn" if on else "EventMuteOff")
    assert event.attrs["ThisDN"] == "15000" and event.attrs["ReferenceID"] == 7


def test_dtmf_digits_are_sent_as_given():
    world = make_world()
    call = _talking(world)
    start = mark(world)
    assert world.tserver.phone(lambda: calls.send_dtmf(world.tserver, "15000", call, "0123456789*#",
                                                       reference_id=3)) is None
    (event,) = events(world, since=start)
    assert (event.name, event.attrs["DTMFDigits"], event.attrs["ReferenceID"]) == \
        ("EventDTMFSent", "0123456789*#", 3)



# -- through the request table, as a client's request arrives (EventError to it, its ReferenceID) --
def _agent_state(world):
    return world.tserver.dns["15000"].agent.state


REQUEST_REFUSALS = [
    ("a single-step transfer of a ringing party", _ringing, "RequestSingleStepTransfer",
     lambda c: {"ThisDN": "15000", "ConnID": c.conn_id, "OtherDN": "15002"},
     tlib.TERR_UNSUP_OPER, lambda c: "SingleStepTransfer: cannot transfer a party that is Ringing"),
    ("a single-step transfer to a party already on the call", _talking, "RequestSingleStepTransfer",
     lambda c: {"ThisDN": "15000", "ConnID": c.conn_id, "OtherDN": "15001"},
     tlib.TERR_INV_CALD_DN, lambda c: "Invalid called DN '15001'"),
    ("a transfer completed with one call twice", _talking, "RequestCompleteTransfer",
     lambda c: {"ThisDN": "15000", "ConnID": c.conn_id, "TransferConnID": c.conn_id},
     tlib.TERR_INVALID_ATTR, lambda c: f"CompleteTransfer: the two calls are the same call {c.conn_id}"),
    ("a key deleted that the call does not hold", _talking, "RequestDeletePair",
     lambda c: {"ThisDN": "15000", "ConnID": c.conn_id, "Key": "Nope"},
     tlib.TERR_INVALID_ATTR, lambda c: "No key 'Nope' in the call's user data"),
    ("a user event that is not a list of attributes", None, "RequestDistributeUserEvent",
     lambda c: {"ThisDN": "15000", "UserEvent": "text"},
     tlib.TERR_INVALID_ATTR, lambda c: "UserEvent must be a list of attributes"),
    ("a negative wrap-up time", None, "RequestAgentNotReady",
     lambda c: {"ThisDN": "15000", "Extensions": {"WrapUpTime": -1}},
     tlib.TERR_INVALID_ATTR, lambda c: "WrapUpTime must be whole seconds, not -1"),
    ("a wrap-up time that is a yes or no", None, "RequestAgentNotReady",
     lambda c: {"ThisDN": "15000", "Extensions": {"WrapUpTime": True}},
     tlib.TERR_INVALID_ATTR, lambda c: "WrapUpTime must be whole seconds, not True"),
    ("a wrap-up time that is text", None, "RequestAgentNotReady",
     lambda c: {"ThisDN": "15000", "Extensions": {"WrapUpTime": "5"}},
     tlib.TERR_INVALID_ATTR, lambda c: "WrapUpTime must be whole seconds, not '5'"),
    ("a request T-Server does not know", None, "RequestFoo", lambda c: {"ThisDN": "15000"},
     tlib.TERR_UNSUP_OPER, lambda c: "RequestFoo is not supported"),
    ("a ThisDN that is not text", None, "RequestMakeCall", lambda c: {"ThisDN": 5, "OtherDN": "15000"},
     tlib.TERR_NOT_CONFIGURED, lambda c: "DN 5 is not configured"),
    ("a call to an empty number", None, "RequestMakeCall", lambda c: {"ThisDN": "15000", "OtherDN": ""},
     tlib.TERR_INV_CALD_DN, lambda c: "Invalid called DN ''"),
    ("a call to no number", None, "RequestMakeCall", lambda c: {"ThisDN": "15000"},
     tlib.TERR_INV_CALD_DN, lambda c: "Invalid called DN None"),
    ("user data with no pair", _talking, "RequestUpdateUserData",
     lambda c: {"ThisDN": "15000", "ConnID": c.conn_id, "UserData": {}},
     tlib.TERR_INVALID_ATTR, lambda c: "UserData must hold at least one key-value pair"),
    ("a retrieve of a call not held", _talking, "RequestRetrieveCall",
     lambda c: {"ThisDN": "15000", "ConnID": c.conn_id},
     tlib.TERR_IN_SAME_STATE, lambda c: "Party is already Established"),
    ("a hold of a ringing party", _ringing, "RequestHoldCall", lambda c: {"ThisDN": "15000", "ConnID": c.conn_id},
     tlib.TERR_UNSUP_OPER, lambda c: "Cannot hold a party that is Ringing"),
    ("a ConnID T-Server never gave", None, "RequestAnswerCall",
     lambda c: {"ThisDN": "15000", "ConnID": "0000000000000009"},
     tlib.TERR_INV_CONNID, lambda c: "Invalid ConnID"),  # (no detail: the code's own message)
    ("a conference consult from a ringing party", _ringing, "RequestInitiateConference",
     lambda c: {"ThisDN": "15000", "ConnID": c.conn_id, "OtherDN": "15002"},
     tlib.TERR_UNSUP_OPER, lambda c: "InitiateConference: cannot hold a party that is Ringing"),
    ("a transfer consult from a ringing party", _ringing, "RequestInitiateTransfer",
     lambda c: {"ThisDN": "15000", "ConnID": c.conn_id, "OtherDN": "15002"},
     tlib.TERR_UNSUP_OPER, lambda c: "InitiateTransfer: cannot hold a party that is Ringing"),
    ("an answer from a DN that is not on the call", _ringing, "RequestAnswerCall",
     lambda c: {"ThisDN": "15002", "ConnID": c.conn_id},
     tlib.TERR_PARTY_NOT_ON_CALL, lambda c: f"DN 15002 is not a party on call {c.conn_id}"),
    ("a ConnID that is a list", None, "RequestAnswerCall", lambda c: {"ThisDN": "15000", "ConnID": ["x"]},
     tlib.TERR_INV_CONNID, lambda c: "Invalid ConnID"),  # (not text: never looked up, so never a TypeError)
    ("a consult call to oneself", _talking, "RequestInitiateTransfer",
     lambda c: {"ThisDN": "15000", "ConnID": c.conn_id, "OtherDN": "15000"},
     tlib.TERR_INV_CALD_DN, lambda c: "Invalid called DN '15000'"),
]


@pytest.mark.parametrize(("what", "before", "name", "attrs", "code", "message"), REQUEST_REFUSALS,
                         ids=[r[0] for r in REQUEST_REFUSALS])
def test_a_refused_request_answers_its_code_and_message_to_the_client(what, before, name, attrs, code, message):
    world = make_world()
    call = before(world) if before is not None else None
    ts = world.tserver
    state, start = fingerprint(ts), mark(world)
    ts.handle(tlib.TRequest(name, "gws", 9, attrs(call)))
    (error,) = events(world, since=start)
    assert (error.name, error.recipients) == ("EventError", ("gws",))
    assert (error.attrs["ErrorCode"], error.attrs["ErrorMessage"], error.attrs["ReferenceID"]) == \
        (code, message(call), 9)
    assert fingerprint(ts) == state


@pytest.mark.parametrize(("name", "attrs", "state"), [
    ("RequestAgentNotReady", {"Extensions": {"WrapUpTime": 0}}, tlib.NOT_READY),  # zero seconds is whole seconds
    ("RequestAgentNotReady", {"AgentWorkMode": "AgentAfterCallWork"}, tlib.AFTER_CALL_WORK),
    ("RequestAgentNotReady", {"AgentWorkMode": "AgentAuxWork"}, tlib.AUX_WORK),
    ("RequestAgentNotReady", {"AgentWorkMode": "NoSuchMode"}, tlib.NOT_READY),  # an unknown mode: plain NotReady
    ("RequestAgentReady", {"AgentWorkMode": "AgentAfterCallWork"}, tlib.READY),  # a work mode only shades NotReady
])
def test_an_agent_state_request_sets_the_state_its_work_mode_names(name, attrs, state):
    world = make_world()
    ts = world.tserver
    if name == "RequestAgentReady":
        ts.handle(tlib.TRequest("RequestAgentNotReady", "gws", 8, {"ThisDN": "15000"}))
    start = mark(world)
    ts.handle(tlib.TRequest(name, "gws", 9, {"ThisDN": "15000", **attrs}))
    (event,) = events(world, since=start)
    assert event.name == ("EventAgentReady" if state == tlib.READY else "EventAgentNotReady")
    assert _agent_state(world) == state and event.attrs["ReferenceID"] == 9


def test_a_cleared_call_answers_the_request_on_the_requesters_event_only():
    world = make_world()
    call = _talking(world)
    start = mark(world)
    assert world.tserver.phone(lambda: calls.clear(world.tserver, "15000", call, reference_id=4)) is None
    released = [(e.name, e.attrs["ThisDN"], e.attrs.get("ReferenceID")) for e in events(world, since=start)]
    assert released == [("EventReleased", "15001", None), ("EventReleased", "15000", 4)]
    assert world.tserver.calls.get(call.conn_id) is None  # ended: its ConnID answers TERR_INV_CONNID now


def test_the_user_data_of_an_initiate_transfer_is_the_consult_calls():
    world = make_world()
    call = _talking(world)
    start = mark(world)
    world.tserver.handle(tlib.TRequest("RequestInitiateTransfer", "gws", 9, {
        "ThisDN": "15000", "ConnID": call.conn_id, "OtherDN": "15002", "UserData": {"Why": "billing"}}))
    sent = [(e.name, e.attrs["ThisDN"], e.attrs["UserData"]) for e in events(world, since=start)]
    assert sent == [("EventHeld", "15000", {}), ("EventDialing", "15000", {"Why": "billing"}),
                    ("EventRinging", "15002", {"Why": "billing"})]


@pytest.mark.parametrize("points", [MAX_ROUTE_HOPS, MAX_ROUTE_HOPS + 1])
def test_a_chain_of_routing_points_is_followed_up_to_its_limit(points):
    """A chain of ``MAX_ROUTE_HOPS`` routing points reaches its target; one more is refused
    as a loop, before anything changes."""
    chain = {f"170{i:02d}": {"type": "RoutingPoint", "target": f"170{i + 1:02d}"} for i in range(points - 1)}
    chain[f"170{points - 1:02d}"] = {"type": "RoutingPoint", "target": "15000"}
    world = build_world(Scenario.model_validate({"version": 1, "name": "x", "description": "x", "switch": {
        "dns": {"15000": {"agent": "agent1"}, "15001": {}, **chain}}}), 1)
    world.env.run()
    start = mark(world)
    world.tserver.handle(tlib.TRequest("RequestMakeCall", "gws", 9, {"ThisDN": "15001", "OtherDN": "17000"}))
    sent = events(world, since=start)
    if points == MAX_ROUTE_HOPS:
        assert sent[-1].name == "EventRinging" and sent[-1].attrs["ThisDN"] == "15000"
        assert sum(e.name == "EventRouteUsed" for e in sent) == points
    else:
        assert [(e.name, e.attrs["ErrorCode"], e.attrs["ErrorMessage"]) for e in sent] == \
            [("EventError", tlib.TERR_INV_CALD_DN, "Routing loop through 17000")]


def test_the_party_left_on_a_transferred_call_hears_who_it_talks_to_now():
    """A single-step transfer: the caller's EventPartyChanged names the new party (OtherDN,
    RoleNewParty), the call's state (CallStateTransferred), the ConnID it had and who
    transferred it (facts §5)."""
    world = make_world()
    call = _talking(world)
    start = mark(world)
    world.tserver.handle(tlib.TRequest("RequestSingleStepTransfer", "gws", 9,
                                       {"ThisDN": "15000", "ConnID": call.conn_id, "OtherDN": "15002"}))
    changed = events(world, "EventPartyChanged", since=start)
    assert [{k: e.attrs.get(k) for k in ("ThisDN", "OtherDN", "OtherDNRole", "CallState", "PreviousConnID",
                                          "ThirdPartyDN")} for e in changed] == [
        {"ThisDN": "15001", "OtherDN": "15002", "OtherDNRole": "RoleNewParty",
         "CallState": tlib.CALL_STATE_TRANSFERRED, "PreviousConnID": call.conn_id, "ThirdPartyDN": "15000"}]


@pytest.mark.parametrize("name", ["RequestInitiateTransfer", "RequestInitiateConference", "RequestSingleStepTransfer",
                                  "RequestSingleStepConference"])
def test_a_transfer_into_a_routing_loop_is_refused_before_anything_changes(name):
    """The call is not put on hold, nor its party released, for a destination that never
    reaches anyone: the route is checked first (``routing.check_route``)."""
    loop = {"17000": {"type": "RoutingPoint", "target": "17001"}, "17001": {"type": "RoutingPoint", "target": "17000"}}
    world = build_world(Scenario.model_validate({"version": 1, "name": "x", "description": "x", "switch": {
        "dns": {"15000": {"agent": "agent1"}, "15001": {}, **loop}}}), 1)
    world.env.run()
    call = _talking(world)
    ts = world.tserver
    state, start = fingerprint(ts), mark(world)
    ts.handle(tlib.TRequest(name, "gws", 9, {"ThisDN": "15000", "ConnID": call.conn_id, "OtherDN": "17000"}))
    assert [(e.name, e.attrs["ErrorCode"], e.attrs["ErrorMessage"]) for e in events(world, since=start)] == \
        [("EventError", tlib.TERR_INV_CALD_DN, "Routing loop through 17000")]
    assert fingerprint(ts) == state
