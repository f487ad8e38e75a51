"""The switch's objects: DNs, agents, calls and parties.

T-Server owns the truth. A **call** has one ConnID and one CallUuid for its
whole life and one **party** per DN (or external number) on it. Each party
moves through the states of ``states.PARTY_TRANSITIONS``; a call is released
when fewer than two parties remain on it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import tlib

EXTENSION = "Extension"
ACD_QUEUE = "ACDQueue"
ROUTING_POINT = "RoutingPoint"
DN_TYPES = (EXTENSION, ACD_QUEUE, ROUTING_POINT)

ROLE_ORIGINATION = "RoleOrigination"
ROLE_DESTINATION = "RoleDestination"

SEPARATE, INHERITED, JOINT = "separate", "inherited", "joint"
CONSULT_USER_DATA = (SEPARATE, INHERITED, JOINT)
"""T-Server's ``consult-user-data`` option: how a consult call's user data relates to
the original call's (facts §5; values, meanings and the default ``separate`` in
docs/facts-additions.md):

- ``separate``: the consult call starts with no user data; each call keeps its own;
- ``inherited``: the consult call starts with a copy; then each keeps its own;
- ``joint``: one set of user data for both calls: a change on either is a change
  on both, and the parties of both hear EventAttachedDataChanged.

(inference) The default is ``separate``: the deployment guide's, as recalled; the
stored copies here did not hold the page to re-read.
"""


class TError(Exception):
    """A request T-Server refuses: becomes EventError (or a failed phone step)."""

    def __init__(self, code: int, detail: str | None = None):
        self.code = code
        self.message = tlib.ERROR_MESSAGES[code] if detail is None else detail  # (EventError's ErrorMessage)
        super().__init__(self.message)


@dataclass(slots=True)
class Agent:
    agent_id: str
    dn: str
    state: str = tlib.NOT_READY
    ready_since: int = 0
    wrap_up: int | Callable[[], int] | None = None  # µs of automatic after-call work (or a draw of it), or None
    change: int = 0  # counts state changes, so a stale wrap-up timer knows it is stale
    logout_due: bool = False  # the shift is over: log out instead of becoming Ready, once off calls
    queues: frozenset[str] | None = None  # the ACD queues the agent takes calls from (skills); None: every one


@dataclass(slots=True)
class DN:
    number: str
    type: str
    agent: Agent | None = None
    route_target: str | None = None  # RoutingPoint: where a call is routed
    waiting: deque[Call] = field(default_factory=deque)  # ACDQueue: calls not yet delivered, oldest first


@dataclass(slots=True)
class Party:
    """One DN's (or external number's) leg of a call."""

    dn: str
    state: str
    role: str
    had_ringing: bool = False
    had_answered: bool = False  # the party was ever Established (only talked calls bring ACW)
    muted: bool = False


@dataclass(slots=True)
class Call:
    conn_id: str
    call_uuid: str
    call_type: str
    ani: str
    dnis: str
    created_at: int
    parties: dict[str, Party] = field(default_factory=dict)
    user_data: dict[str, Any] = field(default_factory=dict)
    released_at: int | None = None
    queue: str | None = None  # the ACDQueue the call passed through, if any
    queued_at: int = 0  # when it entered that queue (the oldest waiting call goes first)
    waiting: bool = False  # in its queue's waiting line now (queued, not yet handed to an agent)
    links: dict[str, str] = field(default_factory=dict)  # a consult call: {"TransferConnID" | "ConferenceConnID": …}
    joint: list[str] = field(default_factory=list)  # consult-user-data joint: ConnIDs of the calls sharing its data
    conference_owner: str | None = None  # the DN that made the call a conference (its RemoveParticipant is theirs)
    shown: dict[str, Any] | None = None  # the copy of ``user_data`` its events carry (``data_for_events``)

    def data_for_events(self) -> dict[str, Any]:
        """The user data for an event to carry: a copy made once per change and shared by
        every event until the next change (``data_changed``), since nothing that receives
        an event changes its UserData. Calls that share one mapping (joint) copy it for
        every event: a change on either is a change on both."""
        shown = self.shown
        if shown is None or self.joint:
            shown = dict(self.user_data)
            if not self.joint:
                self.shown = shown
        return shown

    def data_changed(self) -> None:
        """``user_data`` has changed: the next event carries a new copy."""
        self.shown = None

    @property
    def consulted_from(self) -> str | None:
        """A consult call: the ConnID of the call it was started from (its PreviousConnID)."""
        return next(iter(self.links.values()), None)

    @property
    def released(self) -> bool:
        return self.released_at is not None

    def live_parties(self) -> list[Party]:
        return [p for p in self.parties.values() if p.state != tlib.RELEASED]

    def other_dn(self, dn: str) -> str:
        """The party a DN talks to (the first other live party, else the first
        other party), or the DNIS."""
        others = [party for party in self.parties.values() if party.dn != dn]
        for party in others:
            if party.state != tlib.RELEASED:
                return party.dn
        return others[0].dn if others else self.dnis
