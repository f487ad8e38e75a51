"""CometD message shapes, field by field against the reference sample."""

import json

from simulator import tlib
from simulator.gws.capabilities import SITUATIONS
from simulator.tserver import calls

from ..helpers import SAMPLES, advance, cometd, make_world, mark
from .test_disposition import dispose, talking

SAMPLE = json.loads((SAMPLES / "set-call-disposition.cometd.json").read_text())


def same_shape(actual, expected, path="message"):
    """Same keys, same nesting, same value types (the samples' ids differ, by design)."""
    assert type(actual) is type(expected), f"{path}: {type(actual).__name__} != {type(expected).__name__}"
    if isinstance(expected, dict):
        assert list(actual) == list(expected), f"{path}: keys {list(actual)} != {list(expected)}"
        for key in expected:
            same_shape(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list) and expected:
        assert actual, f"{path}: empty list"
        for index, item in enumerate(actual):
            same_shape(item, expected[0], f"{path}[{index}]")


def attached_data_changed(world=None):
    world = world or make_world()
    call = talking(world)
    advance(world, 262)
    start = mark(world)
    dispose(world, call, dispositionKey="DispositionCode")
    advance(world, 0.05)
    (message,) = cometd(world, start)
    return world, call, message


def test_attached_data_changed_has_the_sample_shape_and_values():
    world, call, message = attached_data_changed()
    same_shape(message, SAMPLE)
    data, sample = message["data"], SAMPLE["data"]
    for key in ("notificationType", "phoneNumber", "messageType"):
        assert data[key] == sample[key]
    assert message["channel"] == "/v2/me/calls"
    c = data["call"]
    for key in ("state", "participants", "dnis", "callType", "capabilities", "userData", "mute",
                "supervisorListeningIn", "monitoredUserMuted", "monitoring"):
        assert c[key] == sample["call"][key], key
    assert c["id"] == c["callUuid"] == call.call_uuid and c["connId"] == call.conn_id
    device = world.gws.users["agent1"].device_id
    assert c["deviceUri"] == f"http://127.0.0.1:8080/api/v2/devices/{device}"
    assert c["uri"] == f"http://127.0.0.1:8080/api/v2/me/calls/{call.call_uuid}"
    assert c["path"] == f"/calls/{call.call_uuid}"
    assert c["duration"] == "262"


def test_status_change_capabilities_follow_the_state_and_empty_when_released():
    world = make_world()
    start = mark(world)
    call = talking(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 0.05)
    messages = [m for m in cometd(world, start) if m["data"].get("notificationType") == "StatusChange"]
    states = [m["data"]["call"]["state"] for m in messages]
    assert states == ["Ringing", "Established", "Released"]
    for message in messages:
        state = message["data"]["call"]["state"]
        assert message["data"]["call"]["capabilities"] == list(SITUATIONS[state])
        assert "userData" not in message["data"]["call"]
    assert messages[-1]["data"]["call"]["capabilities"] == []


def test_established_capabilities_are_the_reference_list():
    assert list(SITUATIONS[tlib.ESTABLISHED]) == SAMPLE["data"]["call"]["capabilities"]


def test_agent_state_changes_reach_the_devices_channel():
    world = make_world()
    messages = [m for m in cometd(world) if m["channel"] == "/v2/me/devices"]
    assert [m["data"]["devices"][0]["userState"]["state"] for m in messages] == ["NotReady", "Ready",
                                                                               "NotReady", "NotReady"]
    assert messages[0]["data"]["messageType"] == "DeviceStateChangeMessage"


def test_device_state_change_is_shaped_like_the_agent_state_samples():
    """AgentStateNotReady sample: messageType first, the state's GUID, "Not Ready", the
    e164Number, the voice environment and the device's capabilities."""
    from simulator.gws.messages import DeviceStateChange

    message = DeviceStateChange("agent1", "dev-1", "5000", "NotReady", None, "http://127.0.0.1:8080").message()
    assert list(message["data"]) == ["messageType", "devices"]
    (device,) = message["data"]["devices"]
    assert device["userState"] == {"id": "900D55CC-2BB0-431F-8BF9-D3525B383BE6", "displayName": "Not Ready",
                                   "state": "NotReady"}
    assert list(device) == ["id", "deviceState", "userState", "phoneNumber", "e164Number", "telephonyNetwork",
                            "doNotDisturb", "voiceEnvironmentUri", "capabilities"]
    assert device["e164Number"] == "5000" and device["capabilities"] == ["ForwardCallsOn"]
    assert device["voiceEnvironmentUri"].startswith("http://127.0.0.1:8080/api/v2/voice-environments/")
    ready = DeviceStateChange("agent1", "dev-1", "5000", "Ready", None, "http://x").message()["data"]["devices"][0]
    assert ready["userState"] == {"id": "9430250E-0A1B-421F-B372-F29E69366DED", "displayName": "Ready",
                                  "state": "Ready"}


def test_extensions_on_status_changes_and_a_duration_that_stops_at_the_release():
    """The CallsHold, SwapCalls and CompleteTransfer samples carry data.extensions on the
    StatusChange of an answered, held or released call; the reference AttachedDataChanged
    has none. The duration stops when the call is released."""
    world = make_world()
    start = mark(world)
    call = talking(world)
    advance(world, 10)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 0.05)
    by_state = {m["data"]["call"]["state"]: m["data"] for m in cometd(world, start)
                if m["data"].get("notificationType") == "StatusChange"}
    assert "extensions" not in by_state["Ringing"]
    assert by_state["Established"]["extensions"] == by_state["Released"]["extensions"] == {"BusinessCall": 0}
    assert list(by_state["Released"])[-2:] == ["extensions", "messageType"]  # the samples' order
    released = by_state["Released"]["call"]["duration"]
    advance(world, 120)
    again = world.gws.http("agent1", "GET", f"/api/v2/me/calls/{call.call_uuid}").body["call"]
    assert again["state"] == "Released" and again["duration"] == released == "10"


def test_a_base_uri_set_after_the_world_is_built_reaches_every_message():
    """The live server sets Web Services' base URI once it knows its own address, after the
    world is built: the messages' device and call URIs follow it."""
    world = make_world()
    world.gws.settings.base_uri = "http://127.0.0.1:18123"
    world, call, message = attached_data_changed(world)
    device = world.gws.users["agent1"].device_id
    assert message["data"]["call"]["deviceUri"] == f"http://127.0.0.1:18123/api/v2/devices/{device}"
    assert message["data"]["call"]["uri"] == f"http://127.0.0.1:18123/api/v2/me/calls/{call.call_uuid}"
