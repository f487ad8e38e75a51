"""A Bayeux 1.0 (CometD) server for Web Services' notifications, long-polling.

Meta channels: ``/meta/handshake`` (requires the HTTP session: a desktop first
authenticates with ``/api/v2/me``), ``/meta/connect`` (long-polling: held until
a message is queued for the client or the advised timeout passes; the first
connect answers at once), ``/meta/subscribe`` and ``/meta/unsubscribe`` (exact
channels and the wildcards ``/v2/me/*`` — one segment — and ``/v2/me/**`` — any
depth), ``/meta/disconnect``. An unknown ``clientId`` answers ``402::Unknown
client`` with advice ``reconnect: handshake``. A client that has not connected
for longer than the advised timeout plus ``MAX_INTERVAL`` is forgotten.

Every client has its own queue; a CometD message Web Services sends to a user
goes to each of that user's clients subscribed to a matching channel, exactly as
the batch journal has it (``{"channel", "data"}``).
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import Any

VERSION = "1.0"
TIMEOUT_MS = 30_000  # advice.timeout: how long a connect is held
MAX_INTERVAL_MS = 10_000  # after timeout + this without a connect, a client is gone
CONNECTION_TYPES = ["long-polling"]
QUEUE_LIMIT = 10_000  # messages kept for a client that does not come back for them


def matches(subscription: str, channel: str) -> bool:
    """Bayeux channel globbing: ``/a/*`` one segment, ``/a/**`` any depth below ``/a``."""
    if subscription == channel:
        return True
    if subscription.endswith("/**"):
        return channel.startswith(subscription[:-2]) and len(channel) > len(subscription) - 2
    if subscription.endswith("/*"):
        prefix = subscription[:-1]
        return channel.startswith(prefix) and "/" not in channel[len(prefix):] and len(channel) > len(prefix)
    return False


@dataclass
class BayeuxClient:
    client_id: str
    user: str
    subscriptions: set[str] = field(default_factory=set)
    queue: deque[dict[str, Any]] = field(default_factory=deque)
    waiter: asyncio.Event = field(default_factory=asyncio.Event)
    last_seen: float = 0.0
    connected: bool = False


class BayeuxServer:
    """The server's state: clients by id; ``handle`` answers one batch of messages."""

    def __init__(self, clock: Any, timeout_ms: int = TIMEOUT_MS) -> None:
        self.clients: dict[str, BayeuxClient] = {}
        self.clock = clock
        self.timeout_ms = timeout_ms
        self.closing = False
        self._ids = itertools.count(1)

    def advice(self, reconnect: str = "retry") -> dict[str, Any]:
        return {"reconnect": reconnect, "interval": 0, "timeout": self.timeout_ms}

    # -- Web Services → clients ------------------------------------------------------
    def publish(self, user: str, message: dict[str, Any]) -> None:
        """Queue a message (``{"channel", "data"}``) for every matching client of ``user``."""
        channel = message["channel"]  # Web Services' messages always name theirs
        for client in self.clients.values():
            if client.user == user and any(matches(s, channel) for s in client.subscriptions):
                if len(client.queue) < QUEUE_LIMIT:
                    client.queue.append(message)
                client.waiter.set()

    def close(self) -> None:
        """The session is ending: every held connect answers now, and later ones at once."""
        self.closing = True
        for client in self.clients.values():
            client.waiter.set()

    def sweep(self) -> None:
        """Forget clients that stopped connecting."""
        limit = (self.timeout_ms + MAX_INTERVAL_MS) / 1000
        now = self.clock()
        for client_id in [c.client_id for c in self.clients.values() if now - c.last_seen > limit]:
            del self.clients[client_id]

    # -- clients → server ----------------------------------------------------------------
    async def handle(self, user: str | None, messages: list[Any]) -> list[dict[str, Any]]:
        """Answer a batch of Bayeux messages from a client whose HTTP session is ``user``."""
        replies: list[dict[str, Any]] = []
        held: tuple[BayeuxClient, dict[str, Any]] | None = None  # a connect and its reply, answered last
        for message in messages:
            if not isinstance(message, dict) or not isinstance(message.get("channel"), str):
                replies.append({"successful": False, "error": "400::Bad message", "channel": "/meta/unknown"})
                continue
            channel = message["channel"]
            reply: dict[str, Any] = {"channel": channel, "successful": False}
            if "id" in message:
                reply["id"] = message["id"]
            if channel == "/meta/handshake":
                reply.update(self._handshake(user, message))
            else:
                client_id = message.get("clientId")
                client = self.clients.get(client_id) if isinstance(client_id, str) else None
                if client is None or client.user != user:
                    reply.update(error="402::Unknown client", advice={"reconnect": "handshake", "interval": 0})
                else:
                    client.last_seen = self.clock()
                    reply["clientId"] = client.client_id
                    if channel == "/meta/connect":
                        reply.update(successful=True, advice=self.advice())
                        held = client, reply
                        continue  # answered after the wait, with what the client has
                    if channel in ("/meta/subscribe", "/meta/unsubscribe"):
                        reply.update(self._subscription(client, channel, message.get("subscription")))
                    elif channel == "/meta/disconnect":
                        del self.clients[client.client_id]
                        client.waiter.set()
                        reply["successful"] = True
                    else:
                        reply.update(error=f"403::Publishing to {channel} is not allowed"[:200])
            replies.append(reply)
        if held is not None:
            client, connect_reply = held
            replies += await self._connect(client, first=not client.connected)
            replies.append(connect_reply)
        return replies

    def _handshake(self, user: str | None, message: dict[str, Any]) -> dict[str, Any]:
        """Bayeux 1.0 §3.2.1: a handshake carries ``version`` and ``supportedConnectionTypes``;
        without a connection type in common the answer says which the server has."""
        if user is None:
            return {"error": "403::Unauthorized: log in first (the JSESSIONID session cookie)",
                    "advice": {"reconnect": "none"}}
        offered = message.get("supportedConnectionTypes")
        refusal = None
        if not isinstance(message.get("version"), str) or not message["version"]:
            refusal = "400::Bad handshake: no version"
        elif not isinstance(offered, list) or not all(isinstance(kind, str) for kind in offered):
            refusal = "400::Bad handshake: supportedConnectionTypes is a list of connection types"
        elif not set(offered) & set(CONNECTION_TYPES):
            refusal = "400::Bad handshake: no connection type in common (this server: long-polling)"
        if refusal is not None:
            return {"error": refusal, "version": VERSION, "supportedConnectionTypes": CONNECTION_TYPES,
                    "advice": {"reconnect": "none"}}
        client_id = f"{secrets.token_hex(8)}{next(self._ids):x}"
        self.clients[client_id] = BayeuxClient(client_id, user, last_seen=self.clock())
        return {"successful": True, "version": VERSION, "supportedConnectionTypes": CONNECTION_TYPES,
                "clientId": client_id, "advice": self.advice()}

    @staticmethod
    def _subscription(client: BayeuxClient, channel: str, subscription: Any) -> dict[str, Any]:
        names = subscription if isinstance(subscription, list) else [subscription]
        if not names or not all(isinstance(n, str) and n.startswith("/") and not n.startswith("/meta/")
                                for n in names):
            return {"error": f"400::Bad subscription {subscription!r}"[:200], "subscription": subscription}
        for name in names:
            (client.subscriptions.add if channel == "/meta/subscribe" else client.subscriptions.discard)(name)
        return {"successful": True, "subscription": subscription}

    async def _connect(self, client: BayeuxClient, first: bool) -> list[dict[str, Any]]:
        client.connected = True
        if not client.queue and not first and not self.closing:
            client.waiter.clear()
            try:
                await asyncio.wait_for(client.waiter.wait(), self.timeout_ms / 1000)
            except asyncio.TimeoutError:
                pass
        client.last_seen = self.clock()
        out = list(client.queue)
        client.queue.clear()
        return out
