"""Transfers and conferences.

Two-step (consult) operations put the agent's party on the original call on
hold and make a **consult call**: a call of its own, with its own ConnID and
CallUuid, CallType ``Consult``, carrying ``TransferConnID`` or
``ConferenceConnID`` = the original ConnID on its events ((inference) the
T-Library attributes exist; which events carry them is not in the facts file), and starting with a
copy of the original's user data ((inference) T-Servers commonly copy it).

- **CompleteTransfer**: the agent leaves both calls (EventReleased on each);
  the consulted party moves onto the original call and gets
  **EventPartyChanged** with ``PreviousConnID`` = the consult ConnID; the other
  parties of the original call get EventPartyChanged naming the newcomer
  (``ThirdPartyDN``). The consult call ends.
- **CompleteConference**: the consulted party moves onto the original call
  (EventPartyChanged with PreviousConnID), the agent leaves the consult call and
  is retrieved on the original (EventRetrieved); the others get
  **EventPartyAdded**. The consult call ends.
- **SingleStepTransfer**: the destination rings on the *same* call (same
  ConnID), then the agent's party is released; the others get
  EventPartyChanged.
- **SingleStepConference**: the destination rings on the same call; every
  live party gets EventPartyAdded.

When a party leaves a call that still has two or more parties, those get
**EventPartyDeleted**. The original call keeps its user data.
"""

from __future__ import annotations

from .. import tlib
from .calls import end_if_alone, release_party
from .model import ROLE_ORIGINATION, Call, Party, TError
from .routing import check_route, deliver
from .server import TServer
from .states import transition

TRANSFER = "TransferConnID"
CONFERENCE = "ConferenceConnID"


def initiate(ts: TServer, dn: str, call: Call, destination: str, link: str,
             user_data: dict | None = None, reference_id: int | None = None) -> Call:
    """InitiateTransfer / InitiateConference: hold the call, dial the consult call."""
    party = ts.party_on(call, dn)
    if not destination or not isinstance(destination, str) or destination == dn:
        raise TError(tlib.TERR_INV_CALD_DN, f"Invalid called DN {destination!r}")
    transition("hold", party.state)  # refused here, before anything changes, if the party cannot hold
    check_route(ts, destination)
    party.state, event = transition("hold", party.state)
    ts.call_event(event, call, dn, reference_id=reference_id)
    consult = ts.new_call("Consult", ani=dn, dnis=destination)
    consult.user_data.update(call.user_data)
    if user_data:
        consult.user_data.update(user_data)
    consult.links[link] = call.conn_id
    ts.add_party(consult, Party(dn, tlib.DIALING, ROLE_ORIGINATION, internal=True, had_answered=True))
    ts.call_event("EventDialing", consult, dn, other_dn=destination, reference_id=reference_id)
    deliver(ts, consult, destination)
    return consult


def _consult_of(ts: TServer, dn: str, call: Call, consult_conn_id: object, link: str) -> Call:
    consult = ts.live_call(consult_conn_id)
    if consult.links.get(link) != call.conn_id:
        raise TError(tlib.TERR_INVALID_ATTR, f"{consult.conn_id} is not a consult call of {call.conn_id}")
    if tlib.HELD not in (ts.party_on(call, dn).state, ts.party_on(consult, dn).state):
        raise TError(tlib.TERR_UNSUP_OPER, f"DN {dn} holds neither call {call.conn_id} nor its consult call")
    return consult


def _move(ts: TServer, consult: Call, call: Call, dn: str, call_state: int, role: str) -> list[Party]:
    """Move every party but ``dn`` from the consult call onto ``call``: each hears
    EventPartyChanged with PreviousConnID, ``dn`` as ThirdPartyDN in ``role``."""
    movers = [p for p in consult.live_parties() if p.dn != dn]
    for party in movers:
        ts.remove_party(consult, party.dn)
        ts.add_party(call, party)
        ts.call_event("EventPartyChanged", call, party.dn, PreviousConnID=consult.conn_id, CallState=call_state,
                      ThirdPartyDN=dn, ThirdPartyDNRole=role)
    return movers


def complete_transfer(ts: TServer, dn: str, call: Call, consult_conn_id: object,
                      reference_id: int | None = None) -> None:
    """The consulted party moves onto the original call; then the agent leaves
    the original call first and the consult call second (the order the
    CompleteTransfer page shows the agent's calls Released)."""
    consult = _consult_of(ts, dn, call, consult_conn_id, TRANSFER)
    movers = _move(ts, consult, call, dn, tlib.CALL_STATE_TRANSFERRED, tlib.ROLE_TRANSFERRED_BY)
    leaver = release_party(ts, call, dn, reference_id=reference_id, quiet_others=True)
    release_party(ts, consult, dn, quiet_others=True)
    for other in call.live_parties():
        if other not in movers:
            for mover in movers:
                ts.call_event("EventPartyChanged", call, other.dn, other_dn=dn, OtherDNRole=tlib.ROLE_TRANSFERRED_BY,
                              CallState=tlib.CALL_STATE_TRANSFERRED, ThirdPartyDN=mover.dn,
                              ThirdPartyDNRole=tlib.ROLE_NEW_PARTY)
    end_if_alone(ts, consult)
    end_if_alone(ts, call, leavers=(leaver,))


def complete_conference(ts: TServer, dn: str, call: Call, consult_conn_id: object,
                        reference_id: int | None = None) -> None:
    consult = _consult_of(ts, dn, call, consult_conn_id, CONFERENCE)
    release_party(ts, consult, dn, reference_id=reference_id, quiet_others=True)
    movers = _move(ts, consult, call, dn, tlib.CALL_STATE_CONFERENCED, tlib.ROLE_CONFERENCED_BY)
    party = call.parties[dn]
    if party.state == tlib.HELD:  # after a SwapCalls the original may be the active call already
        party.state, event = transition("retrieve", party.state)
        ts.call_event(event, call, dn)
    for other in call.live_parties():
        if other not in movers:
            for mover in movers:
                ts.call_event("EventPartyAdded", call, other.dn, other_dn=dn, OtherDNRole=tlib.ROLE_ADDED_BY,
                              CallState=tlib.CALL_STATE_CONFERENCED, ThirdPartyDN=mover.dn,
                              ThirdPartyDNRole=tlib.ROLE_NEW_PARTY)
    end_if_alone(ts, consult)
    end_if_alone(ts, call)


def single_step_transfer(ts: TServer, dn: str, call: Call, destination: str,
                         reference_id: int | None = None) -> None:
    party = ts.party_on(call, dn)
    if party.state not in (tlib.ESTABLISHED, tlib.HELD):
        raise TError(tlib.TERR_UNSUP_OPER, f"Cannot transfer a party that is {party.state}")
    if not destination or not isinstance(destination, str) or destination in call.parties:
        raise TError(tlib.TERR_INV_CALD_DN, f"Invalid called DN {destination!r}")
    check_route(ts, destination)
    others = [p for p in call.live_parties() if p.dn != dn]
    deliver(ts, call, destination)  # the destination rings before the transferring party leaves
    release_party(ts, call, dn, reference_id=reference_id, quiet_others=True)
    for other in others:
        ts.call_event("EventPartyChanged", call, other.dn, other_dn=dn, OtherDNRole=tlib.ROLE_TRANSFERRED_BY,
                      CallState=tlib.CALL_STATE_TRANSFERRED, ThirdPartyDN=destination,
                      ThirdPartyDNRole=tlib.ROLE_NEW_PARTY)
    end_if_alone(ts, call, leavers=(party,))


def single_step_conference(ts: TServer, dn: str, call: Call, destination: str,
                           reference_id: int | None = None) -> None:
    party = ts.party_on(call, dn)
    if party.state != tlib.ESTABLISHED:
        raise TError(tlib.TERR_UNSUP_OPER, f"Cannot conference from a party that is {party.state}")
    if not destination or not isinstance(destination, str) or destination in call.parties:
        raise TError(tlib.TERR_INV_CALD_DN, f"Invalid called DN {destination!r}")
    check_route(ts, destination)
    for other in call.live_parties():
        ref = reference_id if other.dn == dn else None
        added_by = {} if other.dn == dn else {"other_dn": dn, "OtherDNRole": tlib.ROLE_ADDED_BY}
        ts.call_event("EventPartyAdded", call, other.dn, reference_id=ref, CallState=tlib.CALL_STATE_CONFERENCED,
                      ThirdPartyDN=destination, ThirdPartyDNRole=tlib.ROLE_NEW_PARTY, **added_by)
    deliver(ts, call, destination)
