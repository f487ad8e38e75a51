"""Bodies nobody meant to send: each surface refuses them as GWS, Bayeux or the control
surface documents (statusCode 10, ``400::``, 400), never with a 5xx; the server keeps
serving, and SIGTERM still writes complete reports that replay."""

from __future__ import annotations

import json
import time

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import run_scenario

from .conftest import TOKEN, serving, session_records
from .test_http import login

DEEP = "[" * 100_000 + "]" * 100_000
HOSTILE = {
    "nested 100,000 deep": DEEP,
    "an ignored field nested 340 deep": '{"operationName": "Answer", "x": ' + "[" * 340 + "]" * 340 + "}",
    "NaN": '{"operationName": "UpdateUserData", "userData": {"k": NaN}}',
    "Infinity": '{"operationName": "UpdateUserData", "userData": {"k": Infinity}}',
    "1e999": '{"operationName": "UpdateUserData", "userData": {"k": 1e999}}',
    "a lone surrogate in user data": '{"operationName": "UpdateUserData", "userData": {"k": "\\ud800"}}',
    "a lone surrogate as a key": '{"operationName": "UpdateUserData", "userData": {"\\udc00": "v"}}',
}


def _call(client: httpx.Client) -> dict:
    (call,) = client.get("/api/v2/me/calls").json()["calls"]
    return call


def test_each_hostile_body_is_refused_on_every_surface_and_the_server_goes_on(live):
    client, csrf = login(live)
    call = _call(client)
    before = len(httpx.get(f"{live.base}/sim/journal", headers={"X-Tsim-Token": TOKEN}).json())
    for name, text in HOSTILE.items():
        answer = client.post(f"/api/v2/me/calls/{call['id']}", content=text.encode(),
                             headers={"X-CSRF-TOKEN": csrf, "content-type": "application/json"})
        assert (answer.status_code, answer.json()["statusCode"]) == (400, 10), name
        assert "Input validation error: the body is " in answer.json()["statusMessage"], name
        bayeux = httpx.post(f"{live.base}/api/v2/notifications", content=text.encode())  # not even logged in
        assert bayeux.status_code == 400 and bayeux.json()[0]["error"].startswith("400::Bad request: the body"), name
        step = httpx.post(f"{live.base}/sim/steps", content=text.encode(), headers={"X-Tsim-Token": TOKEN})
        assert step.status_code == 400 and "the body is" in step.json()["error"], name
    journal = httpx.get(f"{live.base}/sim/journal", headers={"X-Tsim-Token": TOKEN}).json()
    assert all(entry["body"] is None for entry in journal[before:] if entry["kind"] == "http.request")
    # the user's calls, and CometD, still answer; nothing of the hostile bodies was kept
    assert _call(client).get("userData") == call.get("userData")
    ok = client.post(f"/api/v2/me/calls/{call['id']}", json={"operationName": "UpdateUserData",
                                                             "userData": {"k": "fine"}},
                     headers={"X-CSRF-TOKEN": csrf})
    assert ok.json() == {"statusCode": 0}
    time.sleep(0.3)  # the update's round trip through T-Server
    assert _call(client)["userData"]["k"] == "fine"


hostile_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(alphabet=st.characters(codec=None)),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=20)


@st.composite
def bodies(draw) -> bytes:
    """Generated bodies: JSON of any value (NaN and infinities included), as Python writes it
    (lone surrogates escaped), deeply nested wrappers, or bytes."""
    kind = draw(st.sampled_from(["json", "deep", "bytes", "operation"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "deep":
        depth = draw(st.integers(min_value=20, max_value=5_000))
        return ('{"operationName": "Answer", "x": ' + "[" * depth + "]" * depth + "}").encode()
    value = draw(hostile_json)
    if kind == "operation":
        value = {"operationName": draw(st.sampled_from(["UpdateUserData", "SetCallDisposition", "AttachUserData"])),
                 "userData": {"k": value}, "disposition": value, "callUuid": value}
    return json.dumps(value).encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies(), where=st.sampled_from(["gws", "cometd", "steps", "me"]))
def test_no_generated_body_gets_a_server_error(live, body, where):
    client, csrf = login(live)
    call_id = "unknown-call"
    url = {"gws": f"/api/v2/me/calls/{call_id}", "me": "/api/v2/me", "cometd": "/api/v2/notifications",
           "steps": "/sim/steps"}[where]
    answer = client.post(url, content=body, headers={"X-CSRF-TOKEN": csrf, "X-Tsim-Token": TOKEN})
    assert answer.status_code < 500, (answer.status_code, answer.text[:300])
    assert client.get("/api/v2/me/calls").status_code == 200  # still serving


def test_after_hostile_bodies_sigterm_writes_complete_reports_that_replay(tmp_path):
    with serving(tmp_path) as (base, token):
        client = httpx.Client(base_url=base, timeout=10)
        csrf = client.get("/api/v2/me", auth=("agent1", "agent1")).headers["X-CSRF-TOKEN"]
        time.sleep(2.2)  # the call is answered at 2 s
        call = _call(client)
        for text in HOSTILE.values():
            assert client.post(f"/api/v2/me/calls/{call['id']}", content=text.encode(),
                               headers={"X-CSRF-TOKEN": csrf}).status_code == 400
            client.post("/api/v2/notifications", content=text.encode())
            client.post("/sim/steps", content=text.encode(), headers={"X-Tsim-Token": token})
        refused = {"operationName": "SetCallDisposition", "callUuid": call["id"], "disposition": "\ud800"}
        answer = client.post(f"/api/v2/me/calls/{call['id']}", content=json.dumps(refused).encode(),
                             headers={"X-CSRF-TOKEN": csrf})
        assert answer.json()["statusCode"] == 10
        body = {"operationName": "SetCallDisposition", "callUuid": call["id"], "disposition": "Sale"}
        assert client.post(f"/api/v2/me/calls/{call['id']}", json=body,
                           headers={"X-CSRF-TOKEN": csrf}).json() == {"statusCode": 0}
    folder = tmp_path / "live-desk"
    for name in ("manifest.json", "dispositions.jsonl.gz", "stats.md", "session.yaml", "index.html"):
        assert (folder / name).is_file(), name
    live_records = session_records(folder)
    assert [(r["path"], r["disposition"], r["http"]["statusCode"]) for r in live_records][-1] == ("userData", "Sale", 0)
    replayed = run_scenario(folder / "session.yaml")
    assert [r.to_json() for r in replayed.dispositions] == live_records
