"""Live HTTP as GWS v2 does it, through a real HTTP client: sessions, CSRF,
refusals, the same answers as batch mode, the OpenAPI document."""

from __future__ import annotations

import json

import httpx

from .conftest import TOKEN


def login(live, user="agent1", password="secret1") -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=live.base, timeout=10)
    answer = client.get("/api/v2/me", auth=(user, password))
    assert answer.status_code == 200, answer.text
    assert answer.headers["X-CSRF-HEADER"] == "X-CSRF-TOKEN"
    return client, answer.headers["X-CSRF-TOKEN"]


def test_a_session_csrf_and_a_disposition(live):
    client, token = login(live)
    assert "JSESSIONID" in client.cookies
    started = client.post("/api/v2/me", json={"operationName": "StartContactCenterSession", "channels": ["voice"]},
                          headers={"X-CSRF-TOKEN": token})
    assert started.json() == {"statusCode": 0}
    assert client.get("/api/v2/me").json()["user"]["contactCenterSession"] is True
    (call,) = client.get("/api/v2/me/calls").json()["calls"]
    assert call["state"] == "Established"
    body = {"operationName": "SetCallDisposition", "callUuid": call["id"], "disposition": "Sale",
            "dispositionKey": "DispositionCode"}
    answer = client.post(f"/api/v2/me/calls/{call['id']}", json=body, headers={"X-CSRF-TOKEN": token})
    assert (answer.status_code, answer.json()) == (200, {"statusCode": 0})
    devices = client.get("/api/v2/me/devices").json()["devices"]
    assert devices[0]["userState"]["state"] == "Ready"


def test_refusals_at_the_edge(live):
    anonymous = httpx.Client(base_url=live.base, timeout=10)
    no_login = anonymous.get("/api/v2/me")
    assert (no_login.status_code, no_login.json()["statusCode"]) == (401, 20)
    wrong = anonymous.get("/api/v2/me", auth=("agent1", "nope"))
    assert wrong.status_code == 401 and "www-authenticate" in wrong.headers
    client, token = login(live)
    no_token = client.post("/api/v2/me", json={"operationName": "StartContactCenterSession"})
    assert (no_token.status_code, no_token.json()) == (403, {"statusCode": 3,
                                                           "statusMessage": "Missing or invalid Csrf token"})
    garbled = client.post("/api/v2/me", content=b'{"operationName": ', headers={"X-CSRF-TOKEN": token})
    assert (garbled.status_code, garbled.json()["statusCode"]) == (400, 10)
    huge = client.post("/api/v2/me", content=b"x" * (2 << 20), headers={"X-CSRF-TOKEN": token})
    assert huge.status_code == 413
    assert client.get("/api/v2/me").status_code == 200  # and the server is still answering


def test_another_users_call_is_refused_and_nothing_is_sent(live):
    agent1, _ = login(live)
    (call,) = agent1.get("/api/v2/me/calls").json()["calls"]
    agent2, token2 = login(live, "agent2", "secret2")
    before = len(httpx.get(f"{live.base}/sim/journal", headers={"X-Tsim-Token": TOKEN}).json())
    answer = agent2.post(f"/api/v2/me/calls/{call['id']}", json={"operationName": "Hangup"},
                         headers={"X-CSRF-TOKEN": token2})
    assert (answer.status_code, answer.json()["statusCode"]) == (404, 6)
    journal = httpx.get(f"{live.base}/sim/journal", headers={"X-Tsim-Token": TOKEN}).json()
    assert not [e for e in journal[before:] if e["kind"] == "tlib.request"]


def test_answers_are_the_bytes_batch_mode_journals(live):
    client, token = login(live)
    (call,) = client.get("/api/v2/me/calls").json()["calls"]
    answer = client.post(f"/api/v2/me/calls/{call['id']}", json={"operationName": "Hold", "bogus": 1},
                         headers={"X-CSRF-TOKEN": token})
    journal = httpx.get(f"{live.base}/sim/journal", headers={"X-Tsim-Token": TOKEN}).json()
    (response,) = [e for e in journal if e["kind"] == "http.response" and e["body"] == answer.json()][-1:]
    assert answer.status_code == response["status"]


def test_the_control_surface_and_the_openapi_document(live):
    assert httpx.get(f"{live.base}/sim/journal").status_code == 401
    hangup = httpx.post(f"{live.base}/sim/steps", headers={"X-Tsim-Token": TOKEN},
                        json={"hangup": {"dn": "15001", "call": "c1"}})
    assert hangup.status_code == 200, hangup.text
    bad = httpx.post(f"{live.base}/sim/steps", headers={"X-Tsim-Token": TOKEN}, json={"hangup": {"dn": 1}})
    assert bad.status_code == 400 and "call" in bad.json()["error"]
    document = httpx.get(f"{live.base}/openapi.json").json()
    assert document["openapi"].startswith("3.") and "/api/v2/me/calls/{id}" in document["paths"]


def test_a_trainer_changes_a_links_delay_live(live):
    answer = httpx.post(f"{live.base}/sim/steps", headers={"X-Tsim-Token": TOKEN},
                        json={"latency": {"tserver_to_gws": "200ms"}})
    assert answer.status_code == 200 and answer.json()["result"] == "delays now: tserver_to_gws 200ms"


def test_tsim_control_drives_a_server(live):
    from click.testing import CliRunner

    from simulator.cli import cli

    runner = CliRunner()
    played = runner.invoke(cli, ["control", "--url", live.base, "--token", TOKEN,
                                 '{"update_user_data": {"dn": "15000", "call": "c1", "data": {"IVR": "yes"}}}'])
    assert played.exit_code == 0, played.output
    assert json.loads(played.output)["step"]["update_user_data"]["data"] == {"IVR": "yes"}
    journal = runner.invoke(cli, ["control", "--url", live.base, "--token", TOKEN, "--journal"])
    assert journal.exit_code == 0 and '"EventAttachedDataChanged"' in journal.output
    refused = runner.invoke(cli, ["control", "--url", live.base, "--token", "wrong", "--dispositions"])
    assert refused.exit_code == 2 and "HTTP 401" in refused.output


def test_head_is_a_get_without_its_body_and_needs_no_csrf_token(live):
    client, _ = login(live)
    head = client.head("/api/v2/me")
    assert head.status_code == 200 and head.content == b"" and head.headers["X-CSRF-HEADER"] == "X-CSRF-TOKEN"
    assert client.head("/api/v2/me/calls").status_code == 200


def test_methods_the_voice_paths_do_not_have_answer_405_and_reach_nothing(live):
    client, token = login(live)
    before = len(httpx.get(f"{live.base}/sim/journal", headers={"X-Tsim-Token": TOKEN}).json())
    start = {"operationName": "StartContactCenterSession", "channels": ["voice"]}
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
        for path in ("/api/v2/me", "/api/v2/me/calls"):
            answer = client.request(method, path, json=start, headers={"X-CSRF-TOKEN": token})
            assert answer.status_code == 405, (method, path)
            assert answer.headers["allow"] == "GET, HEAD, POST" and answer.json()["statusCode"] == 3
    after = httpx.get(f"{live.base}/sim/journal", headers={"X-Tsim-Token": TOKEN}).json()
    assert [e for e in after[before:] if e["kind"].startswith("http.")] == []
    assert client.get("/api/v2/me").json()["user"].get("contactCenterSession") is not True  # PUT did not start it


def test_a_bayeux_handshake_is_checked_as_the_spec_says(live):
    client, _ = login(live)
    for handshake, error in (({"version": "1.0"}, "supportedConnectionTypes"),
                             ({"supportedConnectionTypes": ["long-polling"]}, "no version"),
                             ({"version": "1.0", "supportedConnectionTypes": ["websocket"]}, "no connection type"),
                             ({"version": "1.0", "supportedConnectionTypes": "long-polling"}, "supportedConnection")):
        (reply,) = client.post("/api/v2/notifications", json=[{"channel": "/meta/handshake", **handshake}]).json()
        assert reply["successful"] is False and reply["error"].startswith("400::") and error in reply["error"]
        assert reply["supportedConnectionTypes"] == ["long-polling"] and reply["advice"]["reconnect"] == "none"
    assert live.server.config.app.state.bayeux.clients == {}  # no client was made


def test_a_control_step_that_reuses_a_name_is_refused_and_the_session_stays_replayable(live):
    control = {"X-Tsim-Token": TOKEN}
    first = httpx.post(f"{live.base}/sim/steps", json={"dial": {"from": "15001", "to": "15002"}, "call": "c9"},
                       headers=control)
    assert first.status_code == 200, first.text
    for step, where in (({"dial": {"from": "15001", "to": "15002"}, "call": "c9"}, "call"),
                        ({"dial": {"from": "15001", "to": "15002"}, "call": "c1"}, "call"),  # the scenario's
                        ({"hangup": {"dn": "15001", "call": "c9"}, "id": "x"}, None)):
        answer = httpx.post(f"{live.base}/sim/steps", json=step, headers=control)
        if where is None:
            assert answer.status_code == 200, answer.text
            again = httpx.post(f"{live.base}/sim/steps", json={"hangup": {"dn": "15002", "call": "c9"}, "id": "x"},
                               headers=control)
            assert again.status_code == 400 and "a step named 'x' exists already" in again.json()["error"]
        else:
            assert answer.status_code == 400 and "exists already in this session" in answer.json()["error"], step


def test_a_body_of_the_largest_size_is_read_and_one_byte_more_is_refused(live):
    from simulator.gws.bodies import MAX_BODY

    client, token = login(live)
    start = b'{"operationName": "StartContactCenterSession", "channels": ["voice"], "pad": "'
    largest = start + b"x" * (MAX_BODY - len(start) - 2) + b'"}'
    assert len(largest) == MAX_BODY
    answer = client.post("/api/v2/me", content=largest, headers={"X-CSRF-TOKEN": token})
    assert answer.json() == {"statusCode": 0}

    def chunked(data: bytes):  # no content-length: the size is counted as the body streams
        for at in range(0, len(data), 65_536):
            yield data[at:at + 65_536]

    over_by_one = largest[:-2] + b'x"}'
    for content in (over_by_one, chunked(over_by_one)):
        over = client.post("/api/v2/me", content=content, headers={"X-CSRF-TOKEN": token})
        assert (over.status_code, over.json()["statusCode"]) == (413, 10)
        assert over.json()["statusMessage"] == f"Input validation error: the body is over {MAX_BODY} bytes"


def test_a_body_that_is_not_utf8_is_refused_on_every_surface(live):
    client, token = login(live)
    for path, headers in (("/api/v2/me", {"X-CSRF-TOKEN": token}), ("/api/v2/notifications", {}),
                          ("/sim/steps", {"X-Tsim-Token": TOKEN})):
        answer = client.post(path, content=b'{"a": "\xff\xfe"}', headers=headers)
        assert (answer.status_code, answer.json()) == (400, {"statusCode": 10, "statusMessage": "Input validation "
                                                             "error: the body is not UTF-8 text"}), path
    empty = client.post("/sim/steps", content=b"", headers={"X-Tsim-Token": TOKEN})
    assert empty.status_code == 400 and empty.json()["error"].startswith("there is no body: ")
    (reply,) = client.post("/api/v2/notifications", content=b"").json()
    assert reply["error"] == "400::Bad request: there is no body"
