"""CometD with an independent, real client (aiocometd-ng): handshake, subscribe to
/v2/me/calls, and the reference's SetCallDisposition on an Established call brings
the AttachedDataChanged message in the reference sample's shape; on a released call
nothing comes while the record says userEvent. Also the Bayeux refusals."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from aiocometd_ng import Client
from aiocometd_ng.extensions import Extension

from ..gws.test_messages import SAMPLE, same_shape
from ..helpers import SAMPLES
from .conftest import TOKEN
from .test_http import login

REQUEST = json.loads((SAMPLES / "set-call-disposition.request.json").read_text())


class SessionCookie(Extension):
    """The desktop's HTTP session rides on every Bayeux request, as in a browser."""

    def __init__(self, cookie: str):
        self.cookie = cookie

    async def outgoing(self, payload, headers):
        headers["Cookie"] = f"JSESSIONID={self.cookie}"

    async def incoming(self, payload, headers=None):
        return None


def dispose(client: httpx.Client, token: str, call_id: str) -> httpx.Response:
    body = {**REQUEST, "callUuid": call_id}
    body.pop("callUri", None)
    return client.post(f"/api/v2/me/calls/{call_id}", json=body, headers={"X-CSRF-TOKEN": token})


async def messages_after(live, action, wait: float) -> list[dict]:
    http, token = login(live)
    cookie = http.cookies["JSESSIONID"]
    received = []
    async with Client(f"{live.base}/api/v2/notifications", extensions=[SessionCookie(cookie)]) as cometd:
        await cometd.subscribe("/v2/me/calls")
        await asyncio.get_running_loop().run_in_executor(None, action, http, token)

        async def collect():
            async for message in cometd:
                received.append(message)

        try:
            await asyncio.wait_for(collect(), wait)
        except asyncio.TimeoutError:
            pass
    return received


def test_a_disposition_on_an_established_call_brings_attached_data_changed(live):
    def act(http, token):
        (call,) = http.get("/api/v2/me/calls").json()["calls"]
        assert dispose(http, token, call["id"]).json() == {"statusCode": 0}

    received = asyncio.run(messages_after(live, act, 1.5))
    changed = [m for m in received if m["data"].get("notificationType") == "AttachedDataChanged"]
    assert len(changed) == 1, received
    same_shape(changed[0], SAMPLE)
    assert changed[0]["data"]["call"]["userData"] == {REQUEST["dispositionKey"]: REQUEST["disposition"]}


def test_a_disposition_on_a_released_call_brings_nothing_and_goes_as_a_user_event(live):
    hangup = httpx.post(f"{live.base}/sim/steps", headers={"X-Tsim-Token": TOKEN},
                        json={"hangup": {"dn": "15001", "call": "c1"}})
    assert hangup.status_code == 200

    def act(http, token):
        import time

        time.sleep(0.1)  # the release reaches Web Services
        (call,) = http.get("/api/v2/me/calls").json()["calls"]
        assert call["state"] == "Released"
        assert dispose(http, token, call["id"]).json() == {"statusCode": 0}

    received = asyncio.run(messages_after(live, act, 1.0))
    assert received == []
    records = httpx.get(f"{live.base}/sim/dispositions", headers={"X-Tsim-Token": TOKEN}).json()
    # open: reporting decides its fate when it closes the call, a user-event timeout later
    assert [(r["path"], r["tserver"]["event"], r["state"]) for r in records] == [("userEvent", "EventUserEvent",
                                                                                "open")]


@pytest.mark.parametrize("messages,error", [
    ([{"channel": "/meta/connect", "clientId": "nobody", "connectionType": "long-polling"}], "402::Unknown client"),
    ([{"channel": "/meta/subscribe", "clientId": "nobody", "subscription": "/v2/me/*"}], "402::Unknown client"),
])
def test_an_unknown_client_is_told_to_handshake_again(live, messages, error):
    http, _ = login(live)
    (reply,) = http.post("/api/v2/notifications", json=messages).json()
    assert reply["error"] == error and reply["advice"]["reconnect"] == "handshake"


def test_a_handshake_needs_the_session(live):
    (reply,) = httpx.post(f"{live.base}/api/v2/notifications",
                          json=[{"channel": "/meta/handshake", "version": "1.0"}]).json()
    assert reply["successful"] is False and reply["error"].startswith("403::")
