"""SetCallDisposition: the path from GWS's view, the answer, the record."""

import json

import pytest

from simulator import journal as J
from simulator.records import disposition_records
from simulator.tserver import calls

from ..helpers import SAMPLES, SCENARIOS, advance, cometd, events, make_world, mark
from .test_operations import post, sent_requests


def talking(world):
    made = []
    world.tserver.phone(lambda: made.append(calls.make_call(world.tserver, "15001", "15000")))
    call = made[0]
    world.tserver.phone(lambda: calls.answer(world.tserver, "15000", call))
    advance(world, 0.02)
    return call


def dispose(world, call, disposition="Referred", **extra):
    body = {"operationName": "SetCallDisposition", "callUuid": call.call_uuid, "disposition": disposition, **extra}
    return post(world, call.call_uuid, body)


def test_sample_request_on_an_established_call_takes_the_user_data_path():
    world = make_world()
    call = talking(world)
    sample = json.loads((SAMPLES / "set-call-disposition.request.json").read_text())
    body = {**sample, "callUuid": call.call_uuid, "callUri": f"http://127.0.0.1:8080/api/v2/calls/{call.call_uuid}"}
    start = mark(world)
    answer = post(world, call.call_uuid, body)
    assert answer.body == json.loads((SAMPLES / "set-call-disposition.response.json").read_text())
    advance(world, 0.05)
    assert sent_requests(world, start) == ["RequestUpdateUserData"]
    assert call.user_data == {"DispositionCode": "Referred"}
    (message,) = cometd(world, start)
    assert message["data"]["notificationType"] == "AttachedDataChanged"
    assert message["data"]["call"]["userData"] == {"DispositionCode": "Referred"}
    (record,) = disposition_records(world.journal)
    assert record.path == "userData" and record.gwsView == "Established"
    assert record.tserver.event == "EventAttachedDataChanged" and record.cometd == ("AttachedDataChanged",)


def test_released_call_takes_the_user_event_path_without_cometd():
    world = make_world()
    call = talking(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 0.02)
    start = mark(world)
    assert dispose(world, call).body == {"statusCode": 0}
    advance(world, 0.05)
    assert sent_requests(world, start) == ["RequestDistributeUserEvent"]
    (event,) = events(world, "EventUserEvent", since=start)
    assert event.attrs["UserData"] == {"DispositionCode": "Referred"}
    assert event.attrs["ConnID"] == call.conn_id and event.attrs["CallUuid"] == call.call_uuid
    assert cometd(world, start) == []


def test_omitted_key_uses_the_server_default():
    world = make_world()
    world.gws.settings.disposition_key = "WrapUp"
    call = talking(world)
    dispose(world, call, "Sale")
    advance(world, 0.05)
    assert call.user_data == {"WrapUp": "Sale"}
    dispose(world, call, "Other", dispositionKey="Custom")
    advance(world, 0.05)
    assert call.user_data == {"WrapUp": "Sale", "Custom": "Other"}


@pytest.mark.parametrize("change,status,code", [
    ({"disposition": None}, 400, 1),
    ({"callUuid": None}, 400, 1),
    ({"disposition": ""}, 400, 10),
    ({"disposition": 7}, 400, 10),
    ({"callUuid": "0" * 32}, 400, 10),
    ({"callUri": "http://127.0.0.1:8080/api/v2/calls/OTHER"}, 400, 10),
    ({"callUri": "not a uri"}, 400, 10),
])
def test_bad_bodies_are_refused_before_anything_is_sent(change, status, code):
    world = make_world()
    call = talking(world)
    body = {"operationName": "SetCallDisposition", "callUuid": call.call_uuid, "disposition": "X"}
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    start = mark(world)
    answer = post(world, call.call_uuid, body)
    assert (answer.status, answer.body["statusCode"]) == (status, code)
    advance(world, 0.05)
    assert sent_requests(world, start) == []
    (record,) = disposition_records(world.journal)
    assert record.path == "rejected" and record.http.statusCode == code
    assert record.reporting.outcome == "lost"


def test_unknown_call_is_status_code_6_and_still_a_record():
    world = make_world()
    answer = world.gws.http("agent1", "POST", "/api/v2/me/calls/NOPE",
                            {"operationName": "SetCallDisposition", "callUuid": "NOPE", "disposition": "X"})
    assert (answer.status, answer.body["statusCode"]) == (404, 6)
    (record,) = disposition_records(world.journal)
    assert (record.path, record.callId, record.connId, record.tserver) == ("rejected", "NOPE", None,
                                                                                      None)


def test_update_that_meets_a_released_conn_id_is_recorded_and_reported_to_the_desktop():
    world = make_world(up="50ms", down="50ms")
    call = talking(world)
    advance(world, 0.1)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 0.01)
    start = mark(world)
    assert dispose(world, call).body == {"statusCode": 0}  # GWS still sees Established
    advance(world, 0.2)
    (error,) = events(world, "EventError", since=start)
    assert error.attrs["ErrorCode"] == 56
    messages = cometd(world, start)
    assert [m["data"].get("messageType") for m in messages] == ["CallStateChangeMessage", "ErrorMessage"]
    assert messages[1]["data"]["errorCode"] == 56 and messages[1]["channel"] == "/v2/me/calls"
    assert sent_requests(world, start) == ["RequestUpdateUserData"]  # no fallback by default
    (record,) = disposition_records(world.journal)
    assert record.gwsView == "Established" and record.tserverState == "Released"
    assert record.tserver.errorCode == 56 and record.tserver.errorName == "TERR_INV_CONNID"
    assert record.reporting.outcome == "lost" and "released the call" in record.reporting.reason


def test_fallback_setting_sends_a_user_event_after_the_error():
    world = make_world(up="50ms", down="50ms", fallback=True)
    call = talking(world)
    advance(world, 0.1)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 0.01)
    start = mark(world)
    dispose(world, call)
    world.env.run()
    world.reporting.finish()
    assert sent_requests(world, start) == ["RequestUpdateUserData", "RequestDistributeUserEvent"]
    (record,) = disposition_records(world.journal)
    assert record.fallback.tserver.event == "EventUserEvent"
    assert record.to_json()["reporting"] == {"holds": "Referred", "outcome": "reported", "reason": None,
                                            "callEnded": True, "icon": True, "infoMart": "own leg"}


def test_decision_is_journaled_before_the_request_leaves():
    world = make_world(up="0s", down="0s")
    call = talking(world)
    start = mark(world)
    dispose(world, call)
    kinds = [e.kind for e in world.journal if e.seq > start]
    assert kinds[:3] == [J.HTTP_REQUEST, J.GWS_DISPOSITION, J.TLIB_REQUEST]
    assert kinds[-1] == J.HTTP_RESPONSE


def test_fallback_after_the_call_was_completed_still_sends_the_user_event():
    """Completion on release removes the call from Web Services before the
    EventError comes back; the fallback names the call by the ids it had."""
    from simulator import parse_scenario, run_scenario

    text = (SCENARIOS / "view-lag-fallback.yaml").read_text().replace(
        "  fallback_to_user_event: true", "  fallback_to_user_event: true\n  call_completion: on_release")
    result = run_scenario(parse_scenario(text, "f.yaml"))
    (record,) = result.dispositions
    assert record.tserver.errorCode == 56
    assert record.fallback.tserver.event == "EventUserEvent"
    assert record.reporting.outcome == "reported"
    completed = list(result.journal.of_kind(J.GWS_COMPLETED))
    assert completed, "the call was completed on release"
    after = [e.payload.message_type for e in result.journal.of_kind(J.COMETD) if e.seq > completed[0].seq]
    assert "ErrorMessage" not in after  # nothing about a call the desktop no longer has


@pytest.mark.parametrize("uri,accepted", [
    ("http://127.0.0.1:8080/api/v2/calls/{id}/", True),  # a trailing slash names the same call
    ("/api/v2/me/calls/{id}", True),
    ("http://127.0.0.1:8080/api/v2/calls/{id}/calls/OTHER", False),  # the last segment is the call
    ("http://127.0.0.1:8080/api/v2/calls/OTHER/calls/{id}", True),
    ("http://127.0.0.1:8080/api/v2/calls/{id}x", False),
])
def test_the_call_uri_names_its_call_by_its_last_segment(uri, accepted):
    world = make_world()
    call = talking(world)
    named = uri.format(id=call.call_uuid)
    answer = dispose(world, call, callUri=named)
    if accepted:
        assert answer.body == {"statusCode": 0}
    else:
        assert answer.body["statusCode"] == 10
        assert answer.body["statusMessage"] == (f"Input validation error: callUri {named} names another call "
                                                f"than {call.call_uuid}")


def test_the_fallback_is_tracked_as_the_same_disposition_until_its_answer():
    """While the user event is on its way, Web Services expects its answer as the same
    user's SetCallDisposition on the same call (an EventError then reaches that desktop)."""
    from simulator.gws.state import Pending

    world = make_world(up="50ms", down="50ms", fallback=True)
    call = talking(world)
    advance(world, 0.1)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 0.01)
    answer = dispose(world, call)
    advance(world, 0.12)  # the EventError is back (100 ms), the user event not yet answered
    assert list(world.gws.pending.values()) == [
        Pending("agent1", "SetCallDisposition", call.call_uuid, call.conn_id, answer.request,
                call_uuid=call.call_uuid)]


@pytest.mark.parametrize("call_id", ["0123456789ABCDEFGHIJKLMNOPQRSTUX", "X", "XX", "AX/"])
def test_a_call_uri_names_a_call_whose_id_ends_in_x(call_id):
    """The URI's last segment is compared whole: only a trailing slash is dropped."""
    from simulator.gws.disposition import _same_call
    from simulator.gws.status import GwsError

    uri = f"http://127.0.0.1:8080/api/v2/calls/{call_id.rstrip('/')}/"
    _same_call(call_id.rstrip("/"), call_id.rstrip("/"), uri)
    with pytest.raises(GwsError):
        _same_call(call_id.rstrip("/") + "Y", call_id.rstrip("/") + "Y", uri)
