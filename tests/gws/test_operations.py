"""Web Services call operations: every operation, every statusCode path."""

import pytest

from simulator import journal as J
from simulator import tlib
from simulator.gws.messages import user_state_id
from simulator.tserver import calls

from ..helpers import advance, cometd, events, make_world, mark


def ringing_call(world, source="15001"):
    made = []
    world.tserver.phone(lambda: made.append(calls.make_call(world.tserver, source, "15000")))
    advance(world, 0.01)
    return made[0]


def post(world, call_id, body, user="agent1"):
    return world.gws.http(user, "POST", f"/api/v2/me/calls/{call_id}", body)


def sent_requests(world, since=0):
    return [e.payload.name for e in world.journal.of_kind(J.TLIB_REQUEST) if e.seq > since]


def test_answer_hold_retrieve_hangup_through_web_services():
    world = make_world()
    call = ringing_call(world)
    for operation, request, state in [("Answer", "RequestAnswerCall", tlib.ESTABLISHED),
                                      ("Hold", "RequestHoldCall", tlib.HELD),
                                      ("Retrieve", "RequestRetrieveCall", tlib.ESTABLISHED),
                                      ("Hangup", "RequestReleaseCall", tlib.RELEASED)]:
        start = mark(world)
        answer = post(world, call.call_uuid, {"operationName": operation})
        assert (answer.status, answer.body) == (200, {"statusCode": 0})
        advance(world, 0.02)
        assert sent_requests(world, start) == [request]
        assert call.parties["15000"].state == state
        (message,) = [m for m in cometd(world, start) if m["data"].get("notificationType") == "StatusChange"]
        assert message["data"]["call"]["state"] == state
    assert world.gws.users["agent1"].calls[call.call_uuid].state == tlib.RELEASED


@pytest.mark.parametrize("operation,body,t_request,expected", [
    ("AttachUserData", {"userData": {"A": "1"}}, "RequestAttachUserData", {"A": "1"}),
    ("UpdateUserData", {"userData": {"A": "2", "N": 5}}, "RequestUpdateUserData", {"A": "2", "N": 5}),
])
def test_user_data_operations(operation, body, t_request, expected):
    world = make_world()
    call = ringing_call(world)
    start = mark(world)
    assert post(world, call.call_uuid, {"operationName": operation, **body}).body == {"statusCode": 0}
    advance(world, 0.02)
    assert sent_requests(world, start) == [t_request]
    assert call.user_data == expected
    (message,) = cometd(world, start)
    assert message["data"]["notificationType"] == "AttachedDataChanged"
    assert message["data"]["call"]["userData"] == expected


def test_delete_pair_and_delete_user_data():
    world = make_world()
    call = ringing_call(world)
    post(world, call.call_uuid, {"operationName": "UpdateUserData", "userData": {"A": "1", "B": "2"}})
    advance(world, 0.02)
    assert post(world, call.call_uuid, {"operationName": "DeleteUserDataPair", "key": "A"}).body["statusCode"] == 0
    advance(world, 0.02)
    assert call.user_data == {"B": "2"}
    start = mark(world)
    post(world, call.call_uuid, {"operationName": "DeleteUserData"})
    advance(world, 0.02)
    (message,) = cometd(world, start)
    assert "userData" not in message["data"]["call"]  # left out when empty


def test_delete_pair_of_a_missing_key_comes_back_as_a_cometd_error():
    world = make_world()
    call = ringing_call(world)
    start = mark(world)
    assert post(world, call.call_uuid, {"operationName": "DeleteUserDataPair", "key": "nope"}).status == 200
    advance(world, 0.02)
    (message,) = cometd(world, start)
    assert message["data"]["messageType"] == "ErrorMessage"
    assert message["data"]["errorCode"] == tlib.TERR_INVALID_ATTR
    assert message["data"]["operationName"] == "DeleteUserDataPair"


def test_dial_from_the_device():
    world = make_world()
    device = world.gws.users["agent1"].device_id
    start = mark(world)
    answer = world.gws.http("agent1", "POST", f"/api/v2/me/devices/{device}/calls",
                            {"operationName": "Dial", "destination": {"phoneNumber": "15001"},
                             "userData": {"Campaign": "X"}})
    assert answer.body == {"statusCode": 0}
    advance(world, 0.02)
    dialing = events(world, "EventDialing", since=start)[0]
    assert dialing.attrs["ThisDN"] == "15000" and dialing.attrs["UserData"] == {"Campaign": "X"}
    (first, *_) = cometd(world, start)
    assert first["data"]["notificationType"] == "StatusChange"
    assert first["data"]["call"]["state"] == "Dialing"
    assert first["data"]["call"]["capabilities"] == ["SendDtmf", "DeleteUserData", "AttachUserData",
                                                     "DeleteUserDataPair", "Hangup", "UpdateUserData"]


@pytest.mark.parametrize("user,method,path,body,status,code", [
    ("nobody", "POST", "/api/v2/me/calls/X", {"operationName": "Answer"}, 401, 20),
    ("agent1", "POST", "/api/v2/me/calls/UNKNOWN", {"operationName": "Answer"}, 404, 6),
    ("agent1", "POST", "/api/v2/me/elsewhere", {}, 404, 6),
    ("agent1", "DELETE", "/api/v2/me/calls/X", None, 403, 3),
    ("agent1", "POST", "/api/v2/me/calls/X", ["not", "an", "object"], 400, 10),
    ("agent1", "POST", "/api/v2/me/calls/X", {"disposition": "x"}, 400, 1),
    ("agent1", "POST", "/api/v2/me/calls/X", {"operationName": "Teleport"}, 400, 10),
    ("agent1", "POST", "/api/v2/me/devices/not-mine/calls", {"operationName": "Dial"}, 404, 6),
])
def test_refused_requests_answer_status_code_and_send_nothing(user, method, path, body, status, code):
    world = make_world()
    start = mark(world)
    answer = world.gws.http(user, method, path, body)
    assert (answer.status, answer.body["statusCode"]) == (status, code)
    assert set(answer.body) == {"statusCode", "statusMessage"} and answer.body["statusMessage"]
    advance(world, 0.05)
    assert sent_requests(world, start) == []


def test_state_checks_use_the_capabilities_of_the_call_in_gws_view():
    world = make_world()
    call = ringing_call(world)
    answer = post(world, call.call_uuid, {"operationName": "Hold"})  # Ringing offers no Hold
    assert (answer.status, answer.body["statusCode"]) == (400, 2)
    assert "Ringing" in answer.body["statusMessage"]
    assert post(world, call.call_uuid, {"operationName": "UpdateUserData"}).body["statusCode"] == 1
    assert post(world, call.call_uuid, {"operationName": "UpdateUserData", "userData": "x"}).body["statusCode"] == 10
    assert post(world, call.call_uuid, {"operationName": "DeleteUserDataPair", "key": ""}).body["statusCode"] == 10


def test_get_calls_shows_the_view_of_web_services():
    world = make_world()
    call = ringing_call(world)
    listing = world.gws.http("agent1", "GET", "/api/v2/me/calls")
    assert listing.body["statusCode"] == 0
    assert [c["id"] for c in listing.body["calls"]] == [call.call_uuid]
    one = world.gws.http("agent1", "GET", f"api/v2/me/calls/{call.call_uuid}")
    assert one.body["call"]["state"] == "Ringing" and one.body["call"]["capabilities"][0] == "Answer"


def test_http_exchanges_are_journaled():
    world = make_world()
    start = mark(world)
    world.gws.http("agent1", "POST", "/api/v2/me/calls/UNKNOWN", {"operationName": "Answer"}, request="mine")
    entries = [e for e in world.journal if e.seq > start]
    assert [e.kind for e in entries] == [J.HTTP_REQUEST, J.HTTP_RESPONSE]
    assert entries[0].payload["request"] == entries[1].payload["request"] == "mine"
    assert entries[1].payload["status"] == 404


def test_after_call_work_ready_and_not_ready_on_the_voice_channel():
    world = make_world()
    start = mark(world)
    answer = world.gws.http("agent1", "POST", "/api/v2/me/channels/voice",
                            {"operationName": "AfterCallWork", "wrapUpTime": 5})
    assert answer.body == {"statusCode": 0}
    advance(world, 0.02)
    (request,) = [e.payload for e in world.journal.of_kind(J.TLIB_REQUEST) if e.seq > start]
    assert request.name == "RequestAgentNotReady"
    assert request.attrs["AgentWorkMode"] == "AgentAfterCallWork" and request.attrs["Extensions"] == {"WrapUpTime": 5}
    (message,) = cometd(world, start)
    assert message["data"]["devices"][0]["userState"] == {"id": user_state_id("NotReady", "AfterCallWork"),
                                                         "displayName": "After Call Work", "state": "NotReady",
                                                         "workMode": "AfterCallWork"}
    advance(world, 5)
    assert world.tserver.dns["15000"].agent.state == tlib.READY
    for body, code in [({"operationName": "Teleport"}, 10), ({"operationName": "AfterCallWork", "wrapUpTime": -1}, 10),
                       ({"operationName": "NotReady"}, 0), ({"operationName": "Ready"}, 0)]:
        assert world.gws.http("agent1", "POST", "/api/v2/me/channels/voice", body).body["statusCode"] == code


def test_complete_needs_a_released_call_and_removes_it():
    world = make_world()
    call = ringing_call(world)
    answer = post(world, call.call_uuid, {"operationName": "Complete"})
    assert (answer.status, answer.body["statusCode"]) == (400, 2)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 0.02)
    start = mark(world)
    assert post(world, call.call_uuid, {"operationName": "Complete"}).body == {"statusCode": 0}
    assert cometd(world, start) == []  # GWS v2 documents no message for it: by default the desktop hears nothing
    assert [e.payload["by"] for e in world.journal.of_kind(J.GWS_COMPLETED)] == ["agent"]
    again = post(world, call.call_uuid, {"operationName": "Hangup"})
    assert again.body["statusCode"] == 6 and "was completed" in again.body["statusMessage"]
    assert world.gws.http("agent1", "GET", "/api/v2/me/calls").body["calls"] == []


def test_completion_notice_is_a_last_status_change_when_asked_for():
    world = make_world()
    world.gws.settings.completion_notice = True
    call = ringing_call(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 0.02)
    start = mark(world)
    assert post(world, call.call_uuid, {"operationName": "Complete"}).body == {"statusCode": 0}
    (message,) = cometd(world, start)
    assert message["data"]["call"]["state"] == "Completed" and message["data"]["call"]["capabilities"] == []


def test_transfer_operations_and_their_refusals():
    world = make_world()
    call = ringing_call(world)
    post(world, call.call_uuid, {"operationName": "Answer"})
    advance(world, 0.02)
    missing = post(world, call.call_uuid, {"operationName": "InitiateTransfer"})
    assert missing.body["statusCode"] == 1
    no_consult = post(world, call.call_uuid, {"operationName": "CompleteTransfer"})
    assert (no_consult.status, no_consult.body["statusCode"]) == (400, 2)
    start = mark(world)
    assert post(world, call.call_uuid, {"operationName": "InitiateTransfer",
                                        "destination": {"phoneNumber": "15002"}}).body["statusCode"] == 0
    advance(world, 0.02)
    views = world.gws.users["agent1"].calls
    (consult_id,) = [i for i, v in views.items() if v.parent == call.call_uuid]
    states = [(m["data"]["call"]["id"], m["data"]["call"]["state"], m["data"]["call"]["callType"])
              for m in cometd(world, start) if m["data"]["phoneNumber"] == "15000"]
    assert states == [(call.call_uuid, "Held", "Internal"), (consult_id, "Dialing", "Consult")]
    dialing = post(world, consult_id, {"operationName": "CompleteTransfer"})  # a Dialing call offers no completion
    assert dialing.body["statusCode"] == 2
    assert post(world, call.call_uuid, {"operationName": "CompleteTransfer"}).body["statusCode"] == 0
    advance(world, 0.02)
    assert views[call.call_uuid].state == views[consult_id].state == "Released"


def test_send_dtmf():
    world = make_world()
    call = ringing_call(world)
    assert post(world, call.call_uuid, {"operationName": "SendDtmf", "digits": "12"}).body["statusCode"] == 2
    post(world, call.call_uuid, {"operationName": "Answer"})
    advance(world, 0.02)
    assert post(world, call.call_uuid, {"operationName": "SendDtmf", "digits": "1a"}).body["statusCode"] == 10
    assert post(world, call.call_uuid, {"operationName": "SendDtmf"}).body["statusCode"] == 1
    start = mark(world)
    assert post(world, call.call_uuid, {"operationName": "SendDtmf", "digits": "4711#"}).body["statusCode"] == 0
    advance(world, 0.02)
    (sent,) = events(world, "EventDTMFSent", since=start)
    assert sent.attrs["DTMFDigits"] == "4711#" and sent.attrs["ReferenceID"]
    (message,) = cometd(world, start)
    assert message["data"]["notificationType"] == "DtmfSent"
