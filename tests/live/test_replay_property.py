"""Replay is always faithful: random live sessions — desktop requests, a trainer's steps,
names reused, hostile bodies, pauses — written as ``session.yaml`` and run in batch
give the live session's ``dispositions.jsonl`` byte for byte."""

from __future__ import annotations

import time

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import run_scenario
from simulator.live.server import finish
from simulator.scenario.loader import parse_scenario

from .conftest import DESK, TOKEN, session_records, start

CODES = st.sampled_from(["Sale", "No sale", "Callback", "{Sale}", "ünïcode ✓", "x" * 200])
actions = st.lists(st.one_of(
    st.tuples(st.just("dispose"), CODES),
    st.tuples(st.just("update"), st.sampled_from(["k", "DispositionCode", "note"]), CODES),
    st.tuples(st.just("hangup"), st.sampled_from(["c1", "c2", "c3"])),
    st.tuples(st.just("dial"), st.sampled_from(["c2", "c3", "c1"])),
    st.tuples(st.just("answer"), st.sampled_from(["c2", "c3"])),
    st.tuples(st.just("hostile"), st.sampled_from(['{"operationName": "UpdateUserData", "userData": {"k": NaN}}',
                                                   '{"x": "\\ud800"}', "[" * 40 + "]" * 40, "not json", ""])),
    st.tuples(st.just("pause"), st.integers(min_value=0, max_value=120)),
), min_size=1, max_size=12)


def _play(live, client: httpx.Client, csrf: str, action: tuple) -> None:
    kind = action[0]
    control = {"X-Tsim-Token": TOKEN}
    calls = client.get("/api/v2/me/calls").json().get("calls") or []
    target = calls[-1]["id"] if calls else "no-call"
    if kind == "dispose":
        client.post(f"/api/v2/me/calls/{target}", json={"operationName": "SetCallDisposition", "callUuid": target,
                                                        "disposition": action[1]}, headers={"X-CSRF-TOKEN": csrf})
    elif kind == "update":
        client.post(f"/api/v2/me/calls/{target}", json={"operationName": "UpdateUserData",
                                                        "userData": {action[1]: action[2]}},
                    headers={"X-CSRF-TOKEN": csrf})
    elif kind == "hangup":
        httpx.post(f"{live.base}/sim/steps", json={"hangup": {"dn": "15001", "call": action[1]}}, headers=control)
    elif kind == "dial":
        httpx.post(f"{live.base}/sim/steps", json={"dial": {"from": "15001", "to": "15000"}, "call": action[1]},
                   headers=control)
    elif kind == "answer":
        httpx.post(f"{live.base}/sim/steps", json={"answer": {"dn": "15000", "call": action[1]}}, headers=control)
    elif kind == "hostile":
        client.post(f"/api/v2/me/calls/{target}", content=action[1].encode(), headers={"X-CSRF-TOKEN": csrf})
    else:
        time.sleep(action[1] / 1000)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions)
def test_a_random_live_session_replays_byte_for_byte(tmp_path_factory, played):
    live = start(parse_scenario(DESK, "desk.yaml"))
    try:
        time.sleep(0.5)  # the scripted call is up
        client = httpx.Client(base_url=live.base, timeout=10)
        csrf = client.get("/api/v2/me", auth=("agent1", "secret1")).headers["X-CSRF-TOKEN"]
        for action in played:
            _play(live, client, csrf, action)
    finally:
        live.stop()
    out = tmp_path_factory.mktemp("session")
    folder = finish(live.engine, out).folder
    replayed = run_scenario(folder / "session.yaml")
    live_lines = (folder / "dispositions.jsonl").read_text(encoding="utf-8")
    assert "".join(record.to_json_line() + "\n" for record in replayed.dispositions) == live_lines
    assert [r["request"] for r in session_records(folder)] == [r.request for r in replayed.dispositions]
