"""HTTP sessions end: on EndContactCenterSession, after the idle timeout, and the least
recently used when too many are open — so they cost memory only while in use."""

from __future__ import annotations

import httpx

from simulator.live.auth import Sessions

from .test_http import login


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_idle_session_expires_and_a_used_one_does_not():
    clock = Clock()
    sessions = Sessions({"a": "pw"}, clock, idle_timeout=60)
    idle, _ = sessions.start("a")
    used, _ = sessions.start("a")
    for _ in range(3):
        clock.now += 40
        assert sessions.from_cookie(used)[1] is not None
    assert sessions.from_cookie(idle) == (None, None)  # 120 s without a request
    clock.now += 61
    sessions.sweep()
    assert sessions.by_id == {}


def test_sessions_started_on_every_cookieless_request_are_bounded():
    clock = Clock()
    sessions = Sessions({"a": "pw"}, clock, limit=100)
    kept, _ = sessions.start("a")
    for number in range(60_000):
        clock.now = number / 1000
        sessions.from_cookie(kept)  # the desktop in use stays
        sessions.start("a")
    assert len(sessions.by_id) == 100 and kept in sessions.by_id


def test_end_contact_center_session_invalidates_the_http_session(live):
    client, token = login(live)
    assert client.post("/api/v2/me", json={"operationName": "StartContactCenterSession", "channels": ["voice"]},
                       headers={"X-CSRF-TOKEN": token}).json() == {"statusCode": 0}
    cookie = client.cookies["JSESSIONID"]
    assert client.post("/api/v2/me", json={"operationName": "EndContactCenterSession"},
                       headers={"X-CSRF-TOKEN": token}).json() == {"statusCode": 0}
    stale = httpx.Client(base_url=live.base, timeout=10, cookies={"JSESSIONID": cookie})
    answer = stale.get("/api/v2/me")
    assert (answer.status_code, answer.json()["statusCode"]) == (401, 20)
    (reply,) = stale.post("/api/v2/notifications", json=[{"channel": "/meta/handshake", "version": "1.0",
                                                          "supportedConnectionTypes": ["long-polling"]}]).json()
    assert reply["error"].startswith("403::")
    again, _ = login(live)  # a new login starts a new session
    assert again.cookies["JSESSIONID"] != cookie
