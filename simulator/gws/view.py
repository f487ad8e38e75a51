"""Web Services' own view of a call, as seen from one user's device.

GWS knows only the T-Server events that have crossed the link so far, so its
view can lag the switch. The view's ``state`` is the device's party state,
taken from the last call event for that DN:

==================  ===========
event               view state
==================  ===========
EventDialing        Dialing
EventRinging        Ringing
EventEstablished    Established
EventHeld           Held
EventRetrieved      Established
EventReleased       Released
EventAbandoned      Released
==================  ===========

A released call stays in the view (SetCallDisposition after release needs it)
until it is completed (``WebServices.complete``).

Participants follow the call: EventPartyAdded adds ``OtherDN`` (the new
party), EventPartyDeleted removes ``OtherDN`` (the party that left),
EventPartyChanged names the new other party; each is a ``ParticipantsUpdated``
notification. The conference's owner is the ``ThirdPartyDN`` of
EventPartyAdded (RoleAddedBy) or of a moved party's EventPartyChanged
(RoleConferencedBy): the party that made the conference. EventPartyChanged with
``PreviousConnID`` means the device's party moved from a consult call onto
another call (a completed transfer or conference): the consult call leaves
the view and the call it joined takes its place, under its own id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import tlib

CONSULT_LINKS = ("TransferConnID", "ConferenceConnID")

EVENT_STATE: dict[str, str] = {
    "EventDialing": tlib.DIALING,
    "EventRinging": tlib.RINGING,
    "EventEstablished": tlib.ESTABLISHED,
    "EventHeld": tlib.HELD,
    "EventRetrieved": tlib.ESTABLISHED,
    "EventReleased": tlib.RELEASED,
    "EventAbandoned": tlib.RELEASED,
}


@dataclass(slots=True)
class CallView:
    id: str
    conn_id: str
    call_uuid: str
    state: str
    call_type: str
    dnis: str
    participants: tuple[str, ...]
    created_at: int
    user_data: dict[str, Any] = field(default_factory=dict)
    parent: str | None = None  # a consult call: the id of the call it consults from
    consult_link: str | None = None  # a consult call: TransferConnID or ConferenceConnID
    consulting: str | None = None  # an original call with a consult call in progress: the consult's link
    muted: bool = False
    ended_at: int | None = None  # when the device's party was released (the call's duration stops there)
    conference_owner: str | None = None  # the DN that made the call a conference

    @property
    def consult_kind(self) -> str | None:
        """For capabilities: the link of the consult this call is part of, if one is in progress."""
        if self.parent is not None:
            return self.consult_link if self.active else None
        return self.consulting

    @property
    def active(self) -> bool:
        return self.state != tlib.RELEASED

    @classmethod
    def from_event(cls, event: tlib.TEvent, state: str, now: int) -> CallView:
        a = event.attrs
        link = next((key for key in CONSULT_LINKS if key in a), None)
        return cls(id=a["CallUuid"], conn_id=a["ConnID"], call_uuid=a["CallUuid"], state=state,
                   call_type=a.get("CallType", "Unknown"), dnis=a.get("DNIS", ""),
                   participants=_participants(a), created_at=now, user_data=a.get("UserData") or {},
                   consult_link=link)

    def apply_state(self, event: tlib.TEvent, state: str) -> None:
        self.state = state
        others = _participants(event.attrs)
        if others and state != tlib.RELEASED:
            self.participants = others
        data = event.attrs.get("UserData")
        if data is not None:
            self.user_data = data


def participants_after(view: CallView, event: tlib.TEvent) -> tuple[str, ...]:
    """The call's other parties after a party event: PartyAdded adds the
    OtherDN, PartyDeleted removes it, PartyChanged replaces the party that
    transferred (ThirdPartyDN, RoleTransferredBy) with the new one (OtherDN)."""
    attrs = event.attrs
    third = attrs.get("ThirdPartyDN")
    other = attrs.get("OtherDN")
    if event.name == "EventPartyAdded":
        return view.participants + ((other,) if other and other not in view.participants else ())
    if event.name == "EventPartyDeleted":
        return tuple(p for p in view.participants if p != other)
    if attrs.get("ThirdPartyDNRole") == tlib.ROLE_TRANSFERRED_BY:
        kept = tuple(p for p in view.participants if p not in (other, third))
        return kept + ((other,) if other else ())
    return _participants(attrs) or view.participants


def joined_participants(event: tlib.TEvent) -> tuple[str, ...]:
    """The other parties of a call a party has just moved onto (EventPartyChanged
    with PreviousConnID): the one it talks to and, in a conference, the agent who
    conferenced it in."""
    attrs = event.attrs
    others = _participants(attrs)
    third = attrs.get("ThirdPartyDN")
    if attrs.get("CallState") == tlib.CALL_STATE_CONFERENCED and third and third not in others:
        others += (third,)
    return others


def _participants(attrs: dict[str, Any]) -> tuple[str, ...]:
    other = attrs.get("OtherDN")
    return (other,) if other else ()
