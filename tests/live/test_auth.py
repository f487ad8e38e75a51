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
        assert sessions.from_cookie(used) is not None
    assert sessions.from_cookie(idle) is None  # 120 s without a request
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


def test_basic_credentials_prove_a_user_only_when_all_of_them_are_right():
    import base64

    sessions = Sessions({"agent1": "s3cret", "agent2": "", "agent3": "a:b"}, Clock())

    def basic(text: str) -> str:
        return "Basic " + base64.b64encode(text.encode()).decode()

    assert sessions.from_basic(basic("agent1:s3cret")) == "agent1"
    assert sessions.from_basic("basic " + basic("agent1:s3cret")[6:]) == "agent1"  # the scheme in any case
    for wrong in (None, "", basic("agent1:S3cret"), basic("agent1:s3cret "), basic("agent1s3cret"),
                  basic("nobody:s3cret"), "Bearer " + basic("agent1:s3cret")[6:], "Basic !!!", "Basic " + "é",
                  basic("agent2")):
        assert sessions.from_basic(wrong) is None, wrong
    assert sessions.from_basic(basic("agent2:")) == "agent2"  # an empty password, as configured
    assert sessions.from_basic(basic("agent3:a:b")) == "agent3"  # the password may hold a colon
    valid = basic("agent1:s3cret")
    assert sessions.from_basic(valid[:10] + "!" + valid[10:]) is None  # not base64: refused, not cleaned up


def test_ending_a_session_twice_or_an_unknown_one_is_harmless():
    sessions = Sessions({"a": "pw"}, Clock())
    session_id, _ = sessions.start("a")
    sessions.end(session_id)
    sessions.end(session_id)
    sessions.end("nobody")
    assert sessions.from_cookie(session_id) is None and sessions.from_cookie(None) is None
    assert sessions.from_cookie("") is None


def test_a_session_lasts_the_whole_idle_timeout_and_not_a_moment_more():
    clock = Clock()
    sessions = Sessions({"a": "pw"}, clock, idle_timeout=60)
    first, _ = sessions.start("a")
    second, _ = sessions.start("a")
    clock.now = 60.0  # exactly the timeout since the first's last request: still open
    sessions.sweep()
    assert list(sessions.by_id) == [first, second]
    assert sessions.from_cookie(first) is not None
    clock.now = 60.0 + 1e-6  # the second: a microsecond past it
    assert sessions.from_cookie(second) is None
    clock.now = 120.0  # the first was used at 60 s: exactly the timeout again
    sessions.sweep()
    assert list(sessions.by_id) == [first]
    clock.now = 120.0 + 1e-6
    sessions.sweep()
    assert sessions.by_id == {}


def test_a_request_with_its_cookie_keeps_the_session_and_sets_no_new_cookie():
    import base64

    sessions = Sessions({"a": "pw"}, Clock())
    basic = "Basic " + base64.b64encode(b"a:pw").decode()
    found = sessions.identify(None, basic)
    assert found is not None
    session_id, session, started = found
    assert started and session.user == "a"
    assert sessions.identify(session_id, None) == (session_id, session, False)
    assert sessions.identify(session_id, basic) == (session_id, session, False)  # the cookie wins: no new session
    assert len(sessions.by_id) == 1
    assert sessions.identify("stale", None) is None
    again = sessions.identify("stale", basic)  # a stale cookie with credentials: a new session
    assert again is not None and again[2] and again[0] != session_id
