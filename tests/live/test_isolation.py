"""Users kept apart, checked where a one-line slip would break it: a CSRF token of the
right shape but another session's, a second user subscribed to the same channels, a
connect carrying another session's clientId. Over real HTTP, two desktops at once."""

from __future__ import annotations

import uuid

import httpx

from .test_http import login


def _bayeux(client: httpx.Client, *messages: dict) -> list[dict]:
    answer = client.post("/api/v2/notifications", json=list(messages))
    assert answer.status_code == 200, answer.text
    return answer.json()


def _subscribed(client: httpx.Client) -> str:
    """Handshake, subscribe to everything of /v2/me, and make the first connect (it answers at once)."""
    (shake,) = _bayeux(client, {"channel": "/meta/handshake", "version": "1.0",
                                "supportedConnectionTypes": ["long-polling"]})
    client_id = shake["clientId"]
    (sub,) = _bayeux(client, {"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/v2/me/**"})
    assert sub["successful"]
    _bayeux(client, {"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling"})
    return client_id


def _connect(client: httpx.Client, client_id: str) -> list[dict]:
    return _bayeux(client, {"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling"})


def test_a_csrf_token_of_the_right_shape_but_not_the_sessions_is_refused(live):
    agent1, token1 = login(live)
    agent2, token2 = login(live, "agent2", "secret2")
    start = {"operationName": "StartContactCenterSession", "channels": ["voice"]}
    for wrong in (token2, str(uuid.uuid4()), token1.upper(), token1[:-1]):
        answer = agent1.post("/api/v2/me", json=start, headers={"X-CSRF-TOKEN": wrong})
        assert (answer.status_code, answer.json()["statusCode"]) == (403, 3), wrong
    assert agent1.post("/api/v2/me", json=start, headers={"X-CSRF-TOKEN": token1}).json() == {"statusCode": 0}


def test_a_users_messages_reach_only_that_users_clients(live):
    live.server.config.app.state.bayeux.timeout_ms = 800  # an idle connect comes back soon
    agent1, token1 = login(live)
    agent2, _ = login(live, "agent2", "secret2")
    id1, id2 = _subscribed(agent1), _subscribed(agent2)
    (call,) = agent1.get("/api/v2/me/calls").json()["calls"]
    update = {"operationName": "UpdateUserData", "userData": {"k": "for agent1 only"}}
    assert agent1.post(f"/api/v2/me/calls/{call['id']}", json=update,
                       headers={"X-CSRF-TOKEN": token1}).json() == {"statusCode": 0}
    to_agent1 = [m for m in _connect(agent1, id1) if not m["channel"].startswith("/meta/")]
    assert any(m["data"].get("notificationType") == "AttachedDataChanged" for m in to_agent1), to_agent1
    to_agent2 = [m for m in _connect(agent2, id2) if not m["channel"].startswith("/meta/")]
    assert to_agent2 == []


def test_a_connect_or_subscribe_with_another_sessions_client_id_is_refused(live):
    agent1, _ = login(live)
    agent2, _ = login(live, "agent2", "secret2")
    id1 = _subscribed(agent1)
    for message in ({"channel": "/meta/connect", "clientId": id1, "connectionType": "long-polling"},
                    {"channel": "/meta/subscribe", "clientId": id1, "subscription": "/v2/me/calls"},
                    {"channel": "/meta/disconnect", "clientId": id1}):
        (reply,) = _bayeux(agent2, message)
        assert (reply["successful"], reply["error"]) == (False, "402::Unknown client"), message
    anonymous = httpx.Client(base_url=live.base, timeout=10)
    (reply,) = _bayeux(anonymous, {"channel": "/meta/connect", "clientId": id1, "connectionType": "long-polling"})
    assert reply["error"] == "402::Unknown client"
    assert id1 in live.server.config.app.state.bayeux.clients  # agent1's client is still there
