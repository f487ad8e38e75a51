"""``tsim serve`` end to end: a session recorded live replays in batch mode with the
same disposition records, and SIGTERM ends a session promptly."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

from simulator import run_scenario

from .conftest import ROOT, serving, session_records


@pytest.mark.parametrize("journal", ["records", "full"])
def test_a_live_session_replays_to_the_same_records(tmp_path, journal):
    with serving(tmp_path, "--journal", journal) as (base, token):
        client = httpx.Client(base_url=base, timeout=10)
        csrf = client.get("/api/v2/me", auth=("agent1", "agent1")).headers["X-CSRF-TOKEN"]
        time.sleep(2.2)  # the call is answered at 2 s
        (call,) = client.get("/api/v2/me/calls").json()["calls"]
        body = {"operationName": "SetCallDisposition", "callUuid": call["id"], "disposition": "{Sale}"}
        assert client.post(f"/api/v2/me/calls/{call['id']}", json=body,
                           headers={"X-CSRF-TOKEN": csrf}).json() == {"statusCode": 0}
        hangup = client.post("/sim/steps", json={"hangup": {"dn": "15001", "call": "c1"}},
                             headers={"X-Tsim-Token": token})
        assert hangup.status_code == 200
        time.sleep(0.1)
        later = {**body, "disposition": "After"}
        assert client.post(f"/api/v2/me/calls/{call['id']}", json=later,
                           headers={"X-CSRF-TOKEN": csrf}).json() == {"statusCode": 0}
    folder = tmp_path / "live-desk"
    live_records = session_records(folder)
    assert [(r["path"], r["disposition"]) for r in live_records] == [("userData", "{Sale}"), ("userEvent", "After")]
    replayed = run_scenario(folder / "session.yaml")
    assert [r.to_json() for r in replayed.dispositions] == live_records
    # a v2 desktop never completes a call: tsim serve lets Web Services forget it after the retention
    assert replayed.scenario.web_services.call_completion == "after_retention"
    assert (folder / "journal.jsonl").is_file() == (journal == "full")


def test_sigterm_answers_held_connects_at_once_and_writes_the_reports(tmp_path):
    import threading

    held: list = []
    with serving(tmp_path) as (base, _):
        client = httpx.Client(base_url=base, timeout=10)  # a 30 s long-poll would time out
        client.get("/api/v2/me", auth=("agent1", "agent1"))
        handshake = {"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}
        client_id = client.post("/api/v2/notifications", json=[handshake]).json()[0]["clientId"]
        connect = {"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling"}
        client.post("/api/v2/notifications", json=[connect, {"channel": "/meta/subscribe", "clientId": client_id,
                                                              "subscription": "/v2/me/quiet"}])  # nothing comes

        def hold() -> None:
            held.append(client.post("/api/v2/notifications", json=[connect]))

        thread = threading.Thread(target=hold)
        thread.start()
        time.sleep(0.5)  # the connect is held now
        assert held == []
    thread.join(15)
    (answer,) = held
    assert answer.status_code == 200 and answer.json()[-1]["successful"] is True
    assert (tmp_path / "live-desk" / "session.yaml").is_file()


def test_a_port_already_taken_is_refused_before_any_banner_and_leaves_nothing(tmp_path):
    """The banner is printed once the server listens, so a client that connects as soon as
    it reads it gets in; a port it cannot listen on is the user's ``--port``: exit 2, no
    banner, no half-made report folder."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "simulator", "serve", str(ROOT / "examples" / "live-desk.yaml"),
                               "--port", str(port), "--out", str(tmp_path / "out")],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "tsim serve:" not in done.stdout and "X-Tsim-Token" not in done.stdout
    assert f"--port {port}: tsim serve cannot listen there" in done.stderr and "nothing was written" in done.stderr
    assert not [p for p in (tmp_path / "out").rglob("*")]  # no staged folder left behind
