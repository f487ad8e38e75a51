"""The Bayeux server on its own (no HTTP): channel globbing, subscriptions, delivery to
the right user's clients only, the refusals' exact words, queues and forgetting."""

from __future__ import annotations

import asyncio

import pytest

from simulator.live.bayeux import QUEUE_LIMIT, BayeuxServer, matches

HANDSHAKE = {"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def handle(server: BayeuxServer, user: str | None, *messages: dict) -> list[dict]:
    """One batch, answered within 5 s (a connect that should answer at once but waits fails here)."""
    return asyncio.run(asyncio.wait_for(server.handle(user, list(messages)), 5))


def joined(server: BayeuxServer, user: str, *channels: str) -> str:
    (shake,) = handle(server, user, HANDSHAKE)
    client_id = shake["clientId"]
    (sub,) = handle(server, user, {"channel": "/meta/subscribe", "clientId": client_id, "subscription": list(channels)})
    assert sub["successful"], sub
    return client_id


def test_channel_globbing():
    assert matches("/v2/me/*", "/v2/me/calls") and not matches("/v2/me/*", "/v2/me/calls/x")
    assert matches("/v2/me/**", "/v2/me/calls/x") and matches("/v2/me/**", "/v2/me/calls")
    assert not matches("/v2/me/*", "/v2/you/calls") and matches("/v2/me/calls", "/v2/me/calls")
    assert not matches("/v2/me/**", "/v2/me") and not matches("/v2/me/**", "/v2/you/calls/x")
    assert not matches("/v2/me/**", "/v2/me/")  # nothing below /v2/me/ yet
    assert not matches("/v2/me/*", "/v2/me/") and not matches("/v2/me/calls", "/v2/me/calls/x")
    assert matches("/v2/me/**", "/v2/me/a") and matches("/v2/me/*", "/v2/me/a")  # one character is a segment
    assert not matches("/v2/me/**", "/v2/mex/calls") and not matches("/v2/me/*", "/v2/mex")  # whole segments


def test_a_message_reaches_the_matching_clients_of_its_user_only():
    server = BayeuxServer(Clock())
    mine = joined(server, "agent1", "/v2/me/calls")
    wild = joined(server, "agent1", "/v2/me/**")
    other_channel = joined(server, "agent1", "/v2/me/devices")
    someone_else = joined(server, "agent2", "/v2/me/calls", "/v2/me/**")
    message = {"channel": "/v2/me/calls", "data": {"notificationType": "StatusChange"}}
    server.publish("agent1", message)
    queues = {client_id: list(client.queue) for client_id, client in server.clients.items()}
    assert queues == {mine: [message], wild: [message], other_channel: [], someone_else: []}


def test_unsubscribe_and_disconnect():
    server = BayeuxServer(Clock())
    client_id = joined(server, "agent1", "/v2/me/calls", "/v2/me/devices")
    (reply,) = handle(server, "agent1", {"channel": "/meta/unsubscribe", "clientId": client_id,
                                         "subscription": "/v2/me/calls"})
    assert reply["successful"] and server.clients[client_id].subscriptions == {"/v2/me/devices"}
    server.publish("agent1", {"channel": "/v2/me/calls", "data": {}})
    assert not server.clients[client_id].queue
    (reply,) = handle(server, "agent1", {"channel": "/meta/disconnect", "clientId": client_id})
    assert reply["successful"] and client_id not in server.clients


@pytest.mark.parametrize("subscription", [None, [], "calls", "/meta/connect", ["/v2/me/calls", 7]])
def test_a_bad_subscription_is_refused_and_changes_nothing(subscription):
    server = BayeuxServer(Clock())
    client_id = joined(server, "agent1", "/v2/me/calls")
    (reply,) = handle(server, "agent1", {"channel": "/meta/subscribe", "clientId": client_id,
                                         "subscription": subscription})
    assert reply["successful"] is False and reply["error"].startswith("400::Bad subscription ")
    assert reply["subscription"] == subscription
    assert server.clients[client_id].subscriptions == {"/v2/me/calls"}


def test_the_refusals_say_exactly_what_is_wrong():
    server = BayeuxServer(Clock())
    (reply,) = handle(server, None, HANDSHAKE)
    assert reply == {"channel": "/meta/handshake", "successful": False,
                     "error": "403::Unauthorized: log in first (the JSESSIONID session cookie)",
                     "advice": {"reconnect": "none"}}
    client_id = joined(server, "agent1", "/v2/me/calls")
    (reply,) = handle(server, "agent1", {"channel": "/v2/me/calls", "clientId": client_id, "data": {}})
    assert reply["error"] == "403::Publishing to /v2/me/calls is not allowed"
    (reply,) = handle(server, "agent1", "not a message")
    assert reply == {"successful": False, "error": "400::Bad message", "channel": "/meta/unknown"}
    (reply,) = handle(server, "agent1", {"channel": "/meta/connect", "clientId": "nobody", "id": "7"})
    assert reply == {"channel": "/meta/connect", "successful": False, "id": "7", "error": "402::Unknown client",
                     "advice": {"reconnect": "handshake", "interval": 0}}


def test_a_handshake_answers_as_the_spec_says():
    server = BayeuxServer(Clock(), timeout_ms=1234)
    (reply,) = handle(server, "agent1", {**HANDSHAKE, "id": "1"})
    assert reply["successful"] and reply["version"] == "1.0" and reply["id"] == "1"
    assert reply["supportedConnectionTypes"] == ["long-polling"]
    assert reply["advice"] == {"reconnect": "retry", "interval": 0, "timeout": 1234}
    assert server.clients[reply["clientId"]].user == "agent1"


def test_a_client_that_stops_reading_keeps_at_most_the_queue_limit_and_is_forgotten():
    clock = Clock()
    server = BayeuxServer(clock, timeout_ms=1000)
    client_id = joined(server, "agent1", "/v2/me/**")
    for n in range(QUEUE_LIMIT + 5):
        server.publish("agent1", {"channel": "/v2/me/calls", "data": {"n": n}})
    queue = server.clients[client_id].queue
    assert len(queue) == QUEUE_LIMIT and queue[0]["data"]["n"] == 0  # the newest are dropped
    clock.now = 1 + 10 - 0.001  # the long-poll timeout plus MAX_INTERVAL, not yet passed
    server.sweep()
    assert client_id in server.clients
    clock.now = 1 + 10  # exactly: not passed either
    server.sweep()
    assert client_id in server.clients
    clock.now = 1 + 10 + 0.001
    server.sweep()
    assert client_id not in server.clients


def test_a_connect_returns_what_is_queued_and_the_first_one_at_once():
    server = BayeuxServer(Clock(), timeout_ms=60_000)
    client_id = joined(server, "agent1", "/v2/me/calls")
    connect = {"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling"}
    (first,) = handle(server, "agent1", connect)  # the first connect: at once, nothing queued
    assert first["successful"] and first["advice"]["timeout"] == 60_000
    server.publish("agent1", {"channel": "/v2/me/calls", "data": {"n": 1}})
    *delivered, reply = handle(server, "agent1", connect)
    assert delivered == [{"channel": "/v2/me/calls", "data": {"n": 1}}] and reply["successful"]
    server.close()  # the session ends: a connect with nothing queued answers at once
    (reply,) = handle(server, "agent1", connect)
    assert reply["successful"]


@pytest.mark.parametrize("handshake, error", [
    ({"version": "1.0"}, "400::Bad handshake: supportedConnectionTypes is a list of connection types"),
    ({"supportedConnectionTypes": ["long-polling"]}, "400::Bad handshake: no version"),
    ({"version": "", "supportedConnectionTypes": ["long-polling"]}, "400::Bad handshake: no version"),
    ({"version": "1.0", "supportedConnectionTypes": ["websocket"]},
     "400::Bad handshake: no connection type in common (this server: long-polling)"),
])
def test_a_bad_handshake_is_refused_in_so_many_words(handshake, error):
    server = BayeuxServer(Clock())
    (reply,) = handle(server, "agent1", {"channel": "/meta/handshake", **handshake})
    assert reply == {"channel": "/meta/handshake", "successful": False, "error": error, "version": "1.0",
                     "supportedConnectionTypes": ["long-polling"], "advice": {"reconnect": "none"}}
    assert server.clients == {}


def test_a_batch_is_answered_message_by_message_whatever_comes_first():
    server = BayeuxServer(Clock(), timeout_ms=50)
    client_id = joined(server, "agent1", "/v2/me/calls")
    connect = {"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling"}
    subscribe = {"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/v2/me/devices"}
    replies = handle(server, "agent1", "junk", connect, subscribe, {"channel": "/meta/connect", "clientId": []})
    assert [r["channel"] for r in replies] == ["/meta/unknown", "/meta/subscribe", "/meta/connect", "/meta/connect"]
    assert replies[1]["successful"] and replies[1]["clientId"] == client_id and replies[3]["clientId"] == client_id
    assert replies[2]["error"] == "402::Unknown client"  # a clientId that is not a string: unknown, not a crash
    assert server.clients[client_id].subscriptions == {"/v2/me/calls", "/v2/me/devices"}
    replies = handle(server, "agent1", subscribe, connect)  # the subscribe's answer is kept beside the connect's
    assert [r["channel"] for r in replies] == ["/meta/subscribe", "/meta/connect"]


def test_a_held_connect_delivers_what_arrives_while_it_waits_and_close_answers_it():
    async def scenario() -> None:
        server = BayeuxServer(Clock(), timeout_ms=60_000)
        client_id = (await server.handle("agent1", [HANDSHAKE]))[0]["clientId"]
        await server.handle("agent1", [{"channel": "/meta/subscribe", "clientId": client_id,
                                        "subscription": "/v2/me/calls"}])
        connect = {"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling"}
        await asyncio.wait_for(server.handle("agent1", [connect]), 2)  # the first: at once
        held = asyncio.create_task(server.handle("agent1", [connect]))
        await asyncio.sleep(0.05)
        assert not held.done()
        server.publish("agent1", {"channel": "/v2/me/calls", "data": {"n": 1}})
        *delivered, reply = await asyncio.wait_for(held, 2)
        assert delivered == [{"channel": "/v2/me/calls", "data": {"n": 1}}] and reply["clientId"] == client_id
        held = asyncio.create_task(server.handle("agent1", [connect]))
        await asyncio.sleep(0.05)
        server.close()
        (reply,) = await asyncio.wait_for(held, 2)  # the session ends: answered now, not in a minute
        assert reply["successful"]
        (reply,) = await asyncio.wait_for(server.handle("agent1", [connect]), 2)  # and later ones at once
        assert reply["successful"]

    asyncio.run(scenario())


def test_a_client_that_never_connects_is_forgotten_too_and_long_errors_are_cut():
    clock = Clock()
    server = BayeuxServer(clock, timeout_ms=1000)
    (shake,) = handle(server, "agent1", HANDSHAKE)
    clock.now = 12
    server.sweep()
    assert shake["clientId"] not in server.clients
    client_id = joined(server, "agent1", "/v2/me/calls")
    (reply,) = handle(server, "agent1", {"channel": "/" + "x" * 300, "clientId": client_id})
    assert len(reply["error"]) == 200 and reply["error"].startswith("403::Publishing to /xxx")
    (reply,) = handle(server, "agent1", {"channel": "/meta/subscribe", "clientId": client_id,
                                         "subscription": "y" * 300})
    assert len(reply["error"]) == 200
