"""Transfers and conferences.

Two-step (consult) operations put the agent's party on the original call on
hold — or leave it held, when the agent consults from a call already Held
(facts §5: no second EventHeld) — and make a **consult call**: a call of its
own, with its own ConnID and CallUuid, CallType ``Consult``, carrying
``TransferConnID`` or ``ConferenceConnID`` = the original ConnID on its events
((inference) the T-Library attributes exist; which events carry them is not
in the facts file) and ``PreviousConnID`` on its EventDialing and EventRinging
(facts §5). Its user data follows T-Server's ``consult-user-data`` option
(``model.CONSULT_USER_DATA``): none, a copy, or the original's own.

- **CompleteTransfer** (any two calls of the agent, one of them Held: T-Library's
  TCompleteTransfer needs no consult link): the other party moves onto the
  call that survives and gets **EventPartyChanged** with ``PreviousConnID`` =
  the call it left; the agent leaves both calls (EventReleased on each); the
  other parties of the surviving call get EventPartyChanged naming the newcomer
  in ``OtherDN`` and the agent in ``ThirdPartyDN`` (``_transferred``). The
  other call ends.
- **CompleteConference**: the agent leaves the consult call and is retrieved on
  the original (EventRetrieved); the existing parties get **EventPartyAdded**,
  then the newcomer its EventPartyChanged (the order of facts §5). The agent
  who completed it owns the conference.
- **SingleStepTransfer**: the destination rings on the *same* call (same
  ConnID), then the agent's party is released; the others get
  EventPartyChanged.
- **SingleStepConference** (from Established or Held): the destination rings
  on the same call; every live party gets EventPartyAdded. The agent owns the
  conference.

On EventPartyAdded, ``OtherDN`` is the new party (RoleNewParty) and
``ThirdPartyDN`` the agent who added it (RoleAddedBy), for every receiver, the
agent included (facts §5). When a party leaves a call that still has two or
more parties, those get **EventPartyDeleted** (``calls.release_party``). The
original call keeps its user data.
"""

from __future__ import annotations

from .. import tlib
from .calls import end_if_alone, release_party
from .model import INHERITED, JOINT, ROLE_ORIGINATION, Call, Party, TError
from .routing import check_route, deliver
from .states import require, transition
from .switch import Switch

TRANSFER = "TransferConnID"
CONFERENCE = "ConferenceConnID"


def initiate(ts: Switch, dn: str, call: Call, destination: str, link: str,
             user_data: dict | None = None, reference_id: int | None = None) -> Call:
    """InitiateTransfer / InitiateConference: hold the call (unless it is held
    already), dial the consult call."""
    party = ts.party_on(call, dn)
    request = "InitiateTransfer" if link == TRANSFER else "InitiateConference"
    if not destination or not isinstance(destination, str) or destination == dn:
        raise TError(tlib.TERR_INV_CALD_DN, f"Invalid called DN {destination!r}")
    if party.state != tlib.HELD:
        require("hold", party.state, request)  # refused here, before anything changes
    check_route(ts, destination)
    if party.state != tlib.HELD:
        party.state, event = transition("hold", party.state)
        ts.call_event(event, call, dn, reference_id=reference_id)
    consult = ts.new_call("Consult", ani=dn, dnis=destination)
    _consult_user_data(ts, call, consult)
    if user_data:
        consult.user_data.update(user_data)
        consult.data_changed()
    consult.links[link] = call.conn_id
    ts.add_party(consult, Party(dn, tlib.DIALING, ROLE_ORIGINATION, had_answered=True))
    ts.call_event("EventDialing", consult, dn, other_dn=destination, reference_id=reference_id)
    deliver(ts, consult, destination)
    return consult


def _consult_user_data(ts: Switch, call: Call, consult: Call) -> None:
    """The consult call's user data, by the consult-user-data option."""
    if ts.consult_user_data == INHERITED:
        consult.user_data.update(call.user_data)
        consult.data_changed()
    elif ts.consult_user_data == JOINT:
        consult.user_data = call.user_data  # one mapping for both calls
        consult.joint.append(call.conn_id)
        call.joint.append(consult.conn_id)


def _pair(ts: Switch, dn: str, call: Call, other_conn_id: object, request: str) -> Call:
    """The other call of a completion: a live call ``dn`` is on besides ``call``,
    one of the two Held (T-Library's completions take any such pair)."""
    other = ts.live_call(other_conn_id)
    if other is call:
        raise TError(tlib.TERR_INVALID_ATTR, f"{request}: the two calls are the same call {call.conn_id}")
    if tlib.HELD not in (ts.party_on(call, dn).state, ts.party_on(other, dn).state):
        raise TError(tlib.TERR_UNSUP_OPER, f"{request}: DN {dn} holds neither call {call.conn_id} nor "
                                           f"call {other.conn_id}")
    return other


def _move(ts: Switch, consult: Call, call: Call, dn: str) -> list[Party]:
    """Move every party but ``dn`` from the consult call onto ``call``."""
    movers = [p for p in consult.live_parties() if p.dn != dn]
    for party in movers:
        ts.remove_party(consult, party.dn)
        ts.add_party(call, party)
    return movers


def _moved(ts: Switch, call: Call, movers: list[Party], consult: Call, dn: str, call_state: int,
           role: str) -> None:
    """Each moved party hears EventPartyChanged with PreviousConnID, ``dn`` as ThirdPartyDN in ``role``."""
    for party in movers:
        ts.call_event("EventPartyChanged", call, party.dn, PreviousConnID=consult.conn_id, CallState=call_state,
                      ThirdPartyDN=dn, ThirdPartyDNRole=role)


def complete_transfer(ts: Switch, dn: str, call: Call, consult_conn_id: object,
                      reference_id: int | None = None) -> None:
    """The other party moves onto ``call``; then the agent leaves ``call`` first
    and the other call second (the order the CompleteTransfer page shows the
    agent's calls Released)."""
    consult = _pair(ts, dn, call, consult_conn_id, "CompleteTransfer")
    movers = _move(ts, consult, call, dn)
    _moved(ts, call, movers, consult, dn, tlib.CALL_STATE_TRANSFERRED, tlib.ROLE_TRANSFERRED_BY)
    leaver = release_party(ts, call, dn, reference_id=reference_id, quiet_others=True)
    release_party(ts, consult, dn, quiet_others=True)
    for other in call.live_parties():
        if other not in movers:
            for mover in movers:
                _transferred(ts, call, other.dn, mover.dn, dn)
    end_if_alone(ts, consult)
    end_if_alone(ts, call, leavers=(leaver,))


def complete_conference(ts: Switch, dn: str, call: Call, consult_conn_id: object,
                        reference_id: int | None = None) -> None:
    consult = _pair(ts, dn, call, consult_conn_id, "CompleteConference")
    release_party(ts, consult, dn, reference_id=reference_id, quiet_others=True)
    party = call.parties[dn]
    if party.state == tlib.HELD:  # after a SwapCalls the original may be the active call already
        party.state, event = transition("retrieve", party.state)
        ts.call_event(event, call, dn)
    existing = [p for p in call.live_parties()]
    movers = _move(ts, consult, call, dn)
    if call.conference_owner is None:
        call.conference_owner = dn
    for other in existing:
        for mover in movers:
            _party_added(ts, call, other.dn, mover.dn, dn)
    _moved(ts, call, movers, consult, dn, tlib.CALL_STATE_CONFERENCED, tlib.ROLE_CONFERENCED_BY)
    end_if_alone(ts, consult)
    end_if_alone(ts, call)


def _transferred(ts: Switch, call: Call, receiver: str, new_party: str, transferred_by: str) -> None:
    """EventPartyChanged to a party that stays on a transferred call: ``OtherDN`` the new
    party, ``ThirdPartyDN`` the agent who transferred (RoleTransferredBy),
    ``PreviousConnID`` the call's own ConnID (it did not move; facts §5)."""
    ts.call_event("EventPartyChanged", call, receiver, other_dn=new_party, OtherDNRole=tlib.ROLE_NEW_PARTY,
                  CallState=tlib.CALL_STATE_TRANSFERRED, PreviousConnID=call.conn_id, ThirdPartyDN=transferred_by,
                  ThirdPartyDNRole=tlib.ROLE_TRANSFERRED_BY)


def _party_added(ts: Switch, call: Call, receiver: str, new_party: str, added_by: str,
                 reference_id: int | None = None) -> None:
    """EventPartyAdded: OtherDN the new party, ThirdPartyDN the agent who added it (facts §5)."""
    ts.call_event("EventPartyAdded", call, receiver, other_dn=new_party, reference_id=reference_id,
                  OtherDNRole=tlib.ROLE_NEW_PARTY, CallState=tlib.CALL_STATE_CONFERENCED,
                  ThirdPartyDN=added_by, ThirdPartyDNRole=tlib.ROLE_ADDED_BY)


def single_step_transfer(ts: Switch, dn: str, call: Call, destination: str,
                         reference_id: int | None = None) -> None:
    party = ts.party_on(call, dn)
    if party.state not in (tlib.ESTABLISHED, tlib.HELD):
        raise TError(tlib.TERR_UNSUP_OPER, f"SingleStepTransfer: cannot transfer a party that is {party.state}")
    if not destination or not isinstance(destination, str) or destination in call.parties:
        raise TError(tlib.TERR_INV_CALD_DN, f"Invalid called DN {destination!r}")
    check_route(ts, destination)
    others = [p for p in call.live_parties() if p.dn != dn]
    deliver(ts, call, destination)  # the destination rings before the transferring party leaves
    release_party(ts, call, dn, reference_id=reference_id, quiet_others=True)
    for other in others:
        _transferred(ts, call, other.dn, destination, dn)
    end_if_alone(ts, call, leavers=(party,))


def single_step_conference(ts: Switch, dn: str, call: Call, destination: str,
                           reference_id: int | None = None) -> None:
    party = ts.party_on(call, dn)
    if party.state not in (tlib.ESTABLISHED, tlib.HELD):
        raise TError(tlib.TERR_UNSUP_OPER, f"SingleStepConference: cannot conference from a party that is "
                                           f"{party.state}")
    if not destination or not isinstance(destination, str) or destination in call.parties:
        raise TError(tlib.TERR_INV_CALD_DN, f"Invalid called DN {destination!r}")
    check_route(ts, destination)
    if call.conference_owner is None:
        call.conference_owner = dn
    for other in call.live_parties():
        _party_added(ts, call, other.dn, destination, dn, reference_id=reference_id if other.dn == dn else None)
    deliver(ts, call, destination)
