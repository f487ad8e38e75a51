"""Call control: make, answer, hold, retrieve, release (see ``states``);
alternate between two calls, mute, clear a call, remove a conference party."""

from __future__ import annotations

from .. import tlib
from .agents import after_call, logout_if_due
from .model import EXTENSION, ROLE_ORIGINATION, Call, Party, TError
from .routing import check_route, deliver, distribute
from .states import require, transition
from .switch import Switch


def make_call(ts: Switch, this_dn: str, destination: str, user_data: dict | None = None,
              reference_id: int | None = None) -> Call:
    """RequestMakeCall from an extension: Internal to a configured DN, else Outbound."""
    dn = ts.dn(this_dn)
    if dn.type != EXTENSION:
        raise TError(tlib.TERR_INVALID_ATTR, f"Calls are made from an Extension, not {dn.type} {this_dn}")
    if not destination or not isinstance(destination, str) or destination == this_dn:
        raise TError(tlib.TERR_INV_CALD_DN, f"Invalid called DN {destination!r}")
    check_route(ts, destination)
    call_type = "Internal" if destination in ts.dns else "Outbound"
    call = ts.new_call(call_type, ani=this_dn, dnis=destination)
    if user_data:
        call.user_data.update(user_data)
        call.data_changed()
    ts.add_party(call, Party(this_dn, tlib.DIALING, ROLE_ORIGINATION))
    ts.call_event("EventDialing", call, this_dn, other_dn=destination, reference_id=reference_id)
    deliver(ts, call, destination)
    return call


def inbound_call(ts: Switch, caller: str, destination: str, user_data: dict | None = None) -> Call:
    """A call from the network (an external caller) arrives at ``destination``."""
    ts.dn(destination)
    check_route(ts, destination)
    call = ts.new_call("Inbound", ani=caller, dnis=destination)
    if user_data:
        call.user_data.update(user_data)
        call.data_changed()
    ts.add_party(call, Party(caller, tlib.DIALING, ROLE_ORIGINATION))
    deliver(ts, call, destination)
    return call


def answer(ts: Switch, dn: str, call: Call, reference_id: int | None = None) -> None:
    party = ts.party_on(call, dn)
    party.state, event = transition("answer", party.state)
    party.had_answered = True
    ts.call_event(event, call, dn, reference_id=reference_id)
    for other in call.parties.values():
        if other.state == tlib.DIALING:
            other.state = tlib.ESTABLISHED
            other.had_answered = True
            ts.call_event("EventEstablished", call, other.dn)


def hold(ts: Switch, dn: str, call: Call, reference_id: int | None = None) -> None:
    party = ts.party_on(call, dn)
    party.state, event = transition("hold", party.state)
    ts.call_event(event, call, dn, reference_id=reference_id)


def retrieve(ts: Switch, dn: str, call: Call, reference_id: int | None = None) -> None:
    party = ts.party_on(call, dn)
    party.state, event = transition("retrieve", party.state)
    ts.call_event(event, call, dn, reference_id=reference_id)


def send_dtmf(ts: Switch, dn: str, call: Call, digits: object, reference_id: int | None = None) -> None:
    """RequestSendDTMF: an Established party sends digits; EventDTMFSent confirms them."""
    party = ts.party_on(call, dn)
    if party.state != tlib.ESTABLISHED:
        raise TError(tlib.TERR_UNSUP_OPER, f"Cannot send DTMF from a party that is {party.state}")
    if not isinstance(digits, str) or not digits or any(d not in "0123456789*#" for d in digits):
        raise TError(tlib.TERR_INVALID_ATTR, f"Invalid DTMF digits {digits!r}")
    ts.call_event("EventDTMFSent", call, dn, reference_id=reference_id, DTMFDigits=digits)


def release(ts: Switch, dn: str, call: Call, reference_id: int | None = None) -> None:
    """A party hangs up; with fewer than two parties left, the call ends."""
    party = release_party(ts, call, dn, reference_id=reference_id)
    end_if_alone(ts, call, leavers=(party,))


def release_party(ts: Switch, call: Call, dn: str, reference_id: int | None = None,
                  quiet_others: bool = False) -> Party:
    """Release one party; if two or more remain, they hear EventPartyDeleted
    (``party_deleted``: the party that left deleted itself)."""
    party = ts.party_on(call, dn)
    party.state, event = transition("release", party.state)
    ts.call_event(event, call, dn, reference_id=reference_id)
    remaining = call.live_parties()
    if len(remaining) >= 2 and not quiet_others:
        for other in remaining:
            party_deleted(ts, call, other.dn, deleted=dn, deleted_by=dn)
    return party


def party_deleted(ts: Switch, call: Call, receiver: str, deleted: str, deleted_by: str,
                  reference_id: int | None = None) -> None:
    """EventPartyDeleted: ``OtherDN`` the party that left (RoleDeletedParty),
    ``ThirdPartyDN`` who removed it (RoleDeletedBy, facts §5). (inference) When
    a party hangs up, ThirdPartyDN is that party itself."""
    ts.call_event("EventPartyDeleted", call, receiver, other_dn=deleted, reference_id=reference_id,
                  OtherDNRole=tlib.ROLE_DELETED_PARTY, CallState=tlib.CALL_STATE_CONFERENCED,
                  ThirdPartyDN=deleted_by, ThirdPartyDNRole=tlib.ROLE_DELETED_BY)


def end_if_alone(ts: Switch, call: Call, leavers: tuple[Party, ...] = ()) -> None:
    """End a call left with fewer than two parties, then start after-call work
    for the agents who talked on it and let queues distribute. A caller left
    alone on a call that waits in a queue (a single-step transfer to a queue
    with nobody free) is not alone: the call waits for an agent."""
    ended: list[Party] = []
    remaining = call.live_parties()
    waits = len(remaining) == 1 and call.waiting
    if len(remaining) < 2 and not call.released and not waits:
        for other in remaining:
            name = "EventAbandoned" if other.state == tlib.RINGING and other.had_ringing else "EventReleased"
            other.state = tlib.RELEASED
            ts.call_event(name, call, other.dn)
            ended.append(other)
        _end(ts, call)
    for gone in (*leavers, *ended):
        if gone.had_answered:
            after_call(ts, gone.dn)
        logout_if_due(ts, gone.dn)
    if call.released or waits:  # an agent may be free now (and a call waiting)
        distribute(ts)


def _end(ts: Switch, call: Call) -> None:
    """The call is over: it leaves its queue and frees its ConnID."""
    if call.waiting and call.queue is not None:
        queue = ts.dns[call.queue]
        queue.waiting.remove(call)
        call.waiting = False
        ts.call_event("EventAbandoned", call, queue.number, other_dn=call.ani)
    call.released_at = ts.env.now
    ts.call_ended(call)


def alternate(ts: Switch, dn: str, active: Call, held_conn_id: object, reference_id: int | None = None) -> None:
    """RequestAlternateCall (SwapCalls): hold the active call, retrieve the held one.

    ConnID names the active call and PreviousConnID the held one, as Platform
    SDK clients send it (facts §4). Both parties are checked before either moves.
    """
    held = ts.live_call(held_conn_id)
    if held is active:
        raise TError(tlib.TERR_INVALID_ATTR, f"AlternateCall: the two calls are the same call {active.conn_id}")
    going, coming = ts.party_on(active, dn), ts.party_on(held, dn)
    require("hold", going.state, "AlternateCall")
    require("retrieve", coming.state, "AlternateCall")
    going.state, event = transition("hold", going.state)
    ts.call_event(event, active, dn, reference_id=reference_id)
    coming.state, event = transition("retrieve", coming.state)
    ts.call_event(event, held, dn)


def mute(ts: Switch, dn: str, call: Call, on: bool, reference_id: int | None = None) -> None:
    """RequestSetMuteOn / RequestSetMuteOff: an Established party mutes or unmutes
    (EventMuteOn / EventMuteOff to it)."""
    party = ts.party_on(call, dn)
    if party.state != tlib.ESTABLISHED:
        raise TError(tlib.TERR_UNSUP_OPER, f"Cannot change the mute of a party that is {party.state}")
    if party.muted == on:
        raise TError(tlib.TERR_IN_SAME_STATE, f"Party is already {'muted' if on else 'unmuted'}")
    party.muted = on
    ts.call_event("EventMuteOn" if on else "EventMuteOff", call, dn, reference_id=reference_id)


def clear(ts: Switch, dn: str, call: Call, reference_id: int | None = None) -> None:
    """RequestClearCall: the call ends for every party (EventReleased to each)."""
    ts.party_on(call, dn)
    leavers = []
    for party in call.live_parties():
        party.state = tlib.RELEASED
        ts.call_event("EventReleased", call, party.dn,
                      reference_id=reference_id if party.dn == dn else None)
        leavers.append(party)
    end_if_alone(ts, call, leavers=tuple(leavers))


def delete_from_conference(ts: Switch, dn: str, call: Call, participant: object,
                           reference_id: int | None = None) -> None:
    """RequestDeleteFromConference (RemoveParticipantFromConference): ``dn``
    removes another party; those left hear EventPartyDeleted naming who went
    (OtherDN, RoleDeletedParty) and who removed it (ThirdPartyDN, RoleDeletedBy).
    T-Server takes it from any party: that only the conference's owner may ask
    is Web Services' rule (``gws.operations``)."""
    ts.party_on(call, dn)
    if not isinstance(participant, str) or participant == dn:
        raise TError(tlib.TERR_INVALID_ATTR, f"Invalid party to remove {participant!r}")
    removed = ts.party_on(call, participant)
    if len(call.live_parties()) < 3:
        raise TError(tlib.TERR_UNSUP_OPER, f"Call {call.conn_id} is not a conference")
    removed.state, event = transition("release", removed.state)
    ts.call_event(event, call, participant)
    for other in call.live_parties():
        party_deleted(ts, call, other.dn, deleted=participant, deleted_by=dn,
                      reference_id=reference_id if other.dn == dn else None)
    end_if_alone(ts, call, leavers=(removed,))
