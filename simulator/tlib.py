"""T-Library vocabulary: message names and numbers, error codes, enumerations.

Numbers follow the T-Library C header ``tlib_ext.h`` and error codes
``tliberr.h`` (reference/genesys-facts.md §2). The simulator speaks in names;
the numbers are carried so that journals can be read against real logs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

REQUESTS: dict[str, int] = {
    "RequestRegisterAddress": 3,
    "RequestAgentLogin": 8,
    "RequestAgentLogout": 9,
    "RequestAgentReady": 10,
    "RequestAgentNotReady": 11,
    "RequestMakeCall": 14,
    "RequestAnswerCall": 16,
    "RequestReleaseCall": 17,
    "RequestHoldCall": 18,
    "RequestRetrieveCall": 19,
    "RequestInitiateConference": 20,
    "RequestCompleteConference": 21,
    "RequestDeleteFromConference": 22,
    "RequestInitiateTransfer": 23,
    "RequestSingleStepTransfer": 25,
    "RequestCompleteTransfer": 26,
    "RequestAlternateCall": 28,
    "RequestAttachUserData": 30,
    "RequestUpdateUserData": 31,
    "RequestDeleteUserData": 32,
    "RequestDeletePair": 33,
    "RequestDistributeUserEvent": 48,
    "RequestSendDTMF": 97,
    "RequestClearCall": 110,
    "RequestSingleStepConference": 120,
    "RequestSetMuteOn": 143,
    "RequestSetMuteOff": 144,
}

EVENTS: dict[str, int] = {
    "EventError": 52,
    "EventRegistered": 53,
    "EventQueued": 57,
    "EventDiverted": 58,
    "EventAbandoned": 59,
    "EventRinging": 60,
    "EventDialing": 61,
    "EventEstablished": 64,
    "EventReleased": 65,
    "EventHeld": 66,
    "EventRetrieved": 67,
    "EventPartyChanged": 68,
    "EventPartyAdded": 69,
    "EventPartyDeleted": 70,
    "EventRouteRequest": 71,
    "EventRouteUsed": 72,
    "EventAgentLogin": 73,
    "EventAgentLogout": 74,
    "EventAgentReady": 75,
    "EventAgentNotReady": 76,
    "EventAttachedDataChanged": 85,
    "EventUserEvent": 96,
    "EventDTMFSent": 98,
    "EventAgentAfterCallWork": 118,
    "EventMuteOn": 145,
    "EventMuteOff": 146,
}

# Generic T-Library error codes (tliberr.h).
TERR_NOT_REGISTERED = 41
TERR_IN_SAME_STATE = 43
TERR_UNSUP_OPER = 51
TERR_INVALID_ATTR = 53
TERR_INV_CONNID = 56
TERR_NOT_CONFIGURED = 59
# Switch-specific, used where no generic code fits (tliberr.h, MeridianLink range).
TERR_INV_CALD_DN = 71
TERR_PARTY_NOT_ON_CALL = 470

ERROR_MESSAGES: dict[int, str] = {
    TERR_NOT_REGISTERED: "Client has not registered the DN",
    TERR_IN_SAME_STATE: "Object already in the requested state",
    TERR_UNSUP_OPER: "Unsupported operation",
    TERR_INVALID_ATTR: "Invalid attribute value",
    # (inference) the facts file: no source shows the code a T-Server gives
    # for a *released* ConnID; 56 is the documented generic meaning.
    TERR_INV_CONNID: "Invalid ConnID",
    TERR_NOT_CONFIGURED: "DN is not configured in CME",
    TERR_INV_CALD_DN: "Invalid called DN",
    TERR_PARTY_NOT_ON_CALL: "Party is not on the call",
}

ERROR_NAMES: dict[int, str] = {
    TERR_NOT_REGISTERED: "TERR_NOT_REGISTERED",
    TERR_IN_SAME_STATE: "TERR_IN_SAME_STATE",
    TERR_UNSUP_OPER: "TERR_UNSUP_OPER",
    TERR_INVALID_ATTR: "TERR_INVALID_ATTR",
    TERR_INV_CONNID: "TERR_INV_CONNID",
    TERR_NOT_CONFIGURED: "TERR_NOT_CONFIGURED",
    TERR_INV_CALD_DN: "TERR_INV_CALD_DN",
    TERR_PARTY_NOT_ON_CALL: "TERR_PARTY_NOT_ON_CALL",
}

# Party (per-DN) states; GWS shows the same names in call.state.
DIALING = "Dialing"
RINGING = "Ringing"
ESTABLISHED = "Established"
HELD = "Held"
RELEASED = "Released"

# Agent states (T-Server side) and TAgentWorkMode names.
READY = "Ready"
NOT_READY = "NotReady"
AFTER_CALL_WORK = "AfterCallWork"
AUX_WORK = "AuxWork"

# TCallState values (facts §2.3): the mandatory CallState of call events.
CALL_STATE_OK = 0
CALL_STATE_TRANSFERRED = 1
CALL_STATE_CONFERENCED = 2

# TDNRole names for ThisDNRole, OtherDNRole and ThirdPartyDNRole (facts §2.3).
ROLE_NEW_PARTY = "RoleNewParty"
ROLE_ADDED_BY = "RoleAddedBy"
ROLE_DELETED_BY = "RoleDeletedBy"
ROLE_DELETED_PARTY = "RoleDeletedParty"
ROLE_TRANSFERRED_BY = "RoleTransferredBy"
ROLE_CONFERENCED_BY = "RoleConferencedBy"

CALL_EVENTS = frozenset({
    "EventDialing", "EventRinging", "EventEstablished", "EventHeld", "EventRetrieved", "EventReleased",
    "EventAbandoned", "EventPartyChanged", "EventPartyAdded", "EventPartyDeleted", "EventQueued", "EventDiverted",
    "EventRouteRequest", "EventRouteUsed", "EventAttachedDataChanged", "EventDTMFSent", "EventMuteOn",
    "EventMuteOff"})
"""Events about a call (they carry its ConnID)."""

MANDATORY: dict[str, tuple[str, ...]] = {
    **{name: ("ThisDN", "ConnID", "CallID", "CallState", "Server") for name in CALL_EVENTS},
    "EventError": ("ErrorCode", "ErrorMessage", "ReferenceID", "Server"),
    "EventUserEvent": ("ThisDN",),
    **{name: ("ThisDN", "AgentID") for name in ("EventAgentLogin", "EventAgentLogout", "EventAgentReady",
                                                "EventAgentNotReady")},
}
"""The attributes each event must carry (facts §2, §4, §5): ``CallID`` and
``CallState`` on call events, ``Server`` on call events and EventError; party
events add their roles (``PARTY_ROLES``) and a consult call's EventDialing and
EventRinging its ``PreviousConnID`` (``mandatory``)."""

PARTY_ROLES: dict[str, tuple[str, ...]] = {
    "EventPartyAdded": ("OtherDN", "OtherDNRole", "ThirdPartyDN", "ThirdPartyDNRole"),
    "EventPartyDeleted": ("OtherDN", "OtherDNRole", "ThirdPartyDN", "ThirdPartyDNRole"),
    "EventPartyChanged": ("ThirdPartyDN", "ThirdPartyDNRole"),
}


def mandatory(name: str, attrs: dict[str, Any]) -> tuple[str, ...]:
    """The attributes the event ``name`` with ``attrs`` must carry."""
    needed = MANDATORY.get(name, ()) + PARTY_ROLES.get(name, ())
    if name in ("EventDialing", "EventRinging") and attrs.get("CallType") == "Consult":
        needed += ("PreviousConnID",)
    return needed


SERVER = "tsim-tserver"
"""(inference) The ``Server`` attribute's value: facts §2.4 and §2.5 make the
attribute mandatory on EventError and EventAttachedDataChanged without saying
what it holds; tsim names its T-Server."""


@dataclass(slots=True)
class TRequest:
    """A T-Library request as it reaches T-Server.

    ``client`` names the T-Server client that sent it (``gws``, ``switch`` for
    actions scripted at the phone, ...); ``attrs`` holds the T-Library
    attributes (``ThisDN``, ``ConnID``, ``UserData``...).
    """

    name: str
    client: str
    reference_id: int
    attrs: dict[str, Any] = field(default_factory=dict)
    sent_at: int | None = None  # when the client sent it (µs), if the link took time

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "number": REQUESTS[self.name],
            "client": self.client,
            "attrs": {"ReferenceID": self.reference_id, **self.attrs},
        }


class TEvent(tuple):
    """A T-Library event as T-Server emits it: ``TEvent((name, attrs, recipients, arrivals))``.

    ``attrs`` are the event's attributes in the order T-Library names them;
    ``EventSequenceNumber`` and ``time`` are added by T-Server when it emits.
    ``recipients`` lists the clients it is distributed to. A tuple, so that the
    many events of a long run are cheap to make.
    """

    __slots__ = ()
    name: str = property(itemgetter(0))  # type: ignore[assignment]
    attrs: dict[str, Any] = property(itemgetter(1))  # type: ignore[assignment]
    recipients: tuple[str, ...] = property(itemgetter(2))  # type: ignore[assignment]
    arrivals: list[Any] | None = property(itemgetter(3))  # type: ignore[assignment]
    """Where and when it arrived, flat (a long run has millions): client, when, the journal's
    length then (it arrived after that entry), and so on for the next client; None when the
    journal is not kept (nothing draws the links' delays then). ``arrived`` reads it."""

    def arrived(self) -> dict[str, tuple[int, int]]:
        """client → (when it arrived, after which journal entry), in the order it arrived."""
        flat = self.arrivals or ()
        return {flat[i]: (flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3)}

    @property
    def seq(self) -> int:
        return self.attrs["EventSequenceNumber"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "number": EVENTS[self.name],
            "to": list(self.recipients),
            "attrs": self.attrs,
        }


class PackedTEvent(TEvent):
    """A TEvent as a kept journal holds it (``journal.KeptEntries``): ``(name, attribute
    names, their values, recipients, arrivals)``. The names are one tuple shared by every
    event of the same shape, so an event costs a tuple of values instead of a dict (a
    15-attribute dict is 464 bytes, the tuple 160): a long run's journal holds millions. ``attrs`` makes the
    dict again, equal to the one the clients received, whenever it is read."""

    __slots__ = ()
    recipients: tuple[str, ...] = property(itemgetter(3))  # type: ignore[assignment]
    arrivals: list[Any] | None = property(itemgetter(4))  # type: ignore[assignment]

    @property
    def attrs(self) -> dict[str, Any]:  # type: ignore[override]  # (TEvent's is a field of its tuple)
        return dict(zip(self[1], self[2], strict=True))
