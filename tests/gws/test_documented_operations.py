"""The operations and call resource as the GWS v2 pages document them (facts §4):
capabilities by situation, SwapCalls, mute, ClearCall, removing a conference
party, AuxWork, consult calls naming their parent, the CompleteTransfer order."""

from simulator import tlib
from simulator.gws.capabilities import HELD_DURING_TRANSFER_CONSULT, SITUATIONS
from simulator.gws.messages import user_state_id
from simulator.tserver import calls

from ..helpers import advance, cometd, events, make_world, mark
from .test_operations import post, ringing_call, sent_requests

HELD_SAMPLE = ["SingleStepTransfer", "InitiateConference", "Retrieve", "SingleStepConference", "InitiateTransfer",
               "DeleteUserData", "AttachUserData", "DeleteUserDataPair", "Hangup", "UpdateUserData"]


def talking(world):
    call = ringing_call(world)
    post(world, call.call_uuid, {"operationName": "Answer"})
    advance(world, 0.02)
    return call


def last_call_message(world, user="agent1", call_id=None, since=0):
    for message in reversed(cometd(world, since)):
        data = message["data"]
        if "call" in data and data["phoneNumber"] == world.gws.users[user].dn and \
                (call_id is None or data["call"]["id"] == call_id):
            return data
    raise AssertionError("no call message")


def consulting(world, operation="InitiateTransfer"):
    """agent1 talks to 15001 and starts a consult call to agent2 (15002), who answers."""
    call = talking(world)
    post(world, call.call_uuid, {"operationName": operation, "destination": {"phoneNumber": "15002"}})
    advance(world, 0.02)
    consult = next(v for v in world.gws.users["agent1"].calls.values() if v.parent == call.call_uuid)
    world.tserver.phone(lambda: calls.answer(world.tserver, "15002", world.tserver.calls[consult.conn_id]))
    advance(world, 0.02)
    return call, consult


def test_a_held_call_offers_what_the_calls_hold_sample_lists_and_takes_those_operations():
    world = make_world()
    call = talking(world)
    start = mark(world)
    post(world, call.call_uuid, {"operationName": "Hold"})
    advance(world, 0.02)
    assert last_call_message(world, since=start)["call"]["capabilities"] == HELD_SAMPLE
    answer = post(world, call.call_uuid, {"operationName": "InitiateTransfer", "destination": {"phoneNumber": "15002"}})
    assert answer.body == {"statusCode": 0}


def test_during_a_consult_the_original_offers_completion_and_swap_and_the_consult_names_its_parent():
    world = make_world()
    start = mark(world)
    call, consult = consulting(world)
    held = last_call_message(world, call_id=call.call_uuid, since=start)["call"]
    assert held["state"] == "Held"
    assert held["capabilities"] == list(SITUATIONS[HELD_DURING_TRANSFER_CONSULT])
    consult_call = last_call_message(world, call_id=consult.id, since=start)["call"]
    assert consult_call["parentCallUri"] == f"http://127.0.0.1:8080/api/v2/me/calls/{call.call_uuid}"
    assert consult_call["parentCallPath"] == f"/calls/{call.call_uuid}"
    assert "CompleteTransfer" in consult_call["capabilities"]


def test_swap_calls_alternates_and_the_transfer_still_completes():
    world = make_world()
    call, consult = consulting(world)
    start = mark(world)
    assert post(world, call.call_uuid, {"operationName": "SwapCalls"}).body == {"statusCode": 0}
    advance(world, 0.02)
    (request,) = [e.payload for e in world.journal.entries[start:] if e.kind == "tlib.request"]
    assert request.name == "RequestAlternateCall"
    assert (request.attrs["ConnID"], request.attrs["PreviousConnID"]) == (consult.conn_id, call.conn_id)
    views = world.gws.users["agent1"].calls
    assert (views[call.call_uuid].state, views[consult.id].state) == ("Established", "Held")
    assert post(world, consult.id, {"operationName": "SwapCalls"}).body == {"statusCode": 0}  # and back
    advance(world, 0.02)
    assert (views[call.call_uuid].state, views[consult.id].state) == ("Held", "Established")
    post(world, call.call_uuid, {"operationName": "SwapCalls"})
    advance(world, 0.02)
    assert post(world, call.call_uuid, {"operationName": "CompleteTransfer"}).body == {"statusCode": 0}
    advance(world, 0.02)
    assert views[call.call_uuid].state == views[consult.id].state == "Released"
    assert set(p.dn for p in world.tserver.calls[call.conn_id].live_parties()) == {"15001", "15002"}


def test_complete_transfer_releases_the_original_first_then_the_consult_call():
    world = make_world()
    call, consult = consulting(world)
    start = mark(world)
    post(world, call.call_uuid, {"operationName": "CompleteTransfer"})
    advance(world, 0.02)
    released = [m["data"]["call"]["id"] for m in cometd(world, start)
                if m["data"].get("phoneNumber") == "15000" and m["data"]["call"]["state"] == "Released"]
    assert released == [call.call_uuid, consult.id]


def test_mute_and_unmute_where_the_deployment_offers_them():
    world = make_world()
    call = talking(world)
    assert post(world, call.call_uuid, {"operationName": "MuteCall"}).body["statusCode"] == 2  # not offered
    world.gws.settings.offer_mute = True
    assert post(world, call.call_uuid, {"operationName": "UnmuteCall"}).body["statusCode"] == 2
    start = mark(world)
    assert post(world, call.call_uuid, {"operationName": "MuteCall"}).body == {"statusCode": 0}
    advance(world, 0.02)
    assert sent_requests(world, start) == ["RequestSetMuteOn"]
    data = last_call_message(world, since=start)
    assert data["call"]["mute"] == "On" and "UnmuteCall" in data["call"]["capabilities"]
    assert "MuteCall" not in data["call"]["capabilities"]
    post(world, call.call_uuid, {"operationName": "UnmuteCall"})
    advance(world, 0.02)
    assert last_call_message(world)["call"]["mute"] == "Off"


def conference(world):
    call, consult = consulting(world, "InitiateConference")
    post(world, call.call_uuid, {"operationName": "CompleteConference"})
    advance(world, 0.02)
    return call


def test_a_conference_lists_every_participant_and_offers_remove_and_clear():
    world = make_world()
    call = conference(world)
    for user, others in (("agent1", {"15001", "15002"}), ("agent2", {"15001", "15000"})):
        view = world.gws.users[user].calls[call.call_uuid]
        assert set(view.participants) == others, user
    owner = last_call_message(world, "agent1", call.call_uuid)["call"]["capabilities"]
    assert {"RemoveParticipantFromConference", "ClearCall"} <= set(owner)
    other = last_call_message(world, "agent2", call.call_uuid)["call"]["capabilities"]
    assert "ClearCall" in other and "RemoveParticipantFromConference" not in other  # agent1 made the conference
    start = mark(world)
    refused = world.gws.http("agent2", "POST", f"/api/v2/me/calls/{call.call_uuid}",
                             {"operationName": "RemoveParticipantFromConference", "participant": "15001"})
    assert (refused.status, refused.body["statusCode"]) == (403, 5)
    assert sent_requests(world, start) == []  # nothing reached T-Server
    answer = post(world, call.call_uuid, {"operationName": "RemoveParticipantFromConference", "participant": "15002"})
    assert answer.body == {"statusCode": 0}
    advance(world, 0.02)
    assert sent_requests(world, start) == ["RequestDeleteFromConference"]
    deleted = events(world, "EventPartyDeleted", since=start)
    assert {e.attrs["ThisDN"] for e in deleted} == {"15000", "15001"}
    assert (deleted[0].attrs["OtherDN"], deleted[0].attrs["OtherDNRole"]) == ("15002", "RoleDeletedParty")
    assert (deleted[0].attrs["ThirdPartyDN"], deleted[0].attrs["ThirdPartyDNRole"]) == ("15000", "RoleDeletedBy")
    assert world.gws.users["agent1"].calls[call.call_uuid].participants == ("15001",)
    assert world.gws.users["agent2"].calls[call.call_uuid].state == "Released"


def test_clear_call_ends_the_conference_for_everyone():
    world = make_world()
    call = conference(world)
    start = mark(world)
    assert post(world, call.call_uuid, {"operationName": "ClearCall"}).body == {"statusCode": 0}
    advance(world, 0.02)
    assert {e.attrs["ThisDN"] for e in events(world, "EventReleased", since=start)} == {"15000", "15001", "15002"}
    assert call.released and call.conn_id not in world.tserver.calls  # released, and forgotten


def test_aux_work_and_a_wrap_up_time_written_as_the_page_writes_it():
    world = make_world()
    start = mark(world)
    voice = "/api/v2/me/channels/voice"
    assert world.gws.http("agent1", "POST", voice, {"operationName": "AuxWork"}).body == {"statusCode": 0}
    advance(world, 0.02)
    (event,) = events(world, "EventAgentNotReady", since=start)
    assert event.attrs["AgentWorkMode"] == "AgentAuxWork"
    device = cometd(world, start)[-1]["data"]["devices"][0]
    assert device["userState"] == {"id": user_state_id("NotReady", "AuxWork"), "displayName": "Aux Work",
                                   "state": "NotReady", "workMode": "AuxWork"}
    answer = world.gws.http("agent1", "POST", voice, {"operationName": "AfterCallWork", "wrapUpTime": "0"})
    assert answer.body == {"statusCode": 0}
    bad = world.gws.http("agent1", "POST", voice, {"operationName": "AfterCallWork", "wrapUpTime": "soon"})
    assert bad.body["statusCode"] == 10


def test_events_carry_the_mandatory_attributes():
    world = make_world()
    call = talking(world)
    start = mark(world)
    post(world, call.call_uuid, {"operationName": "AttachUserData", "userData": {"A": "1"}})
    post(world, call.call_uuid, {"operationName": "DeleteUserDataPair", "key": "missing"})
    advance(world, 0.02)
    for event in events(world, since=0):
        if "ConnID" in event.attrs and event.name != "EventError":
            assert event.attrs["CallID"] == 0 and "CallState" in event.attrs, event.name
    (changed,) = events(world, "EventAttachedDataChanged", since=start)[:1]
    (error,) = events(world, "EventError", since=start)
    assert changed.attrs["Server"] == error.attrs["Server"] == tlib.SERVER
