"""Party state machine, as a table.

=========  ===========================================  ============  ================
action     from                                         to            event to the DN
=========  ===========================================  ============  ================
answer     Ringing                                      Established   EventEstablished
hold       Established                                  Held          EventHeld
retrieve   Held                                         Established   EventRetrieved
release    Dialing, Ringing, Established, Held          Released      EventReleased
=========  ===========================================  ============  ================

A new call starts with the caller's party in **Dialing** (EventDialing) and the
destination's in **Ringing** (EventRinging). When the destination answers, the
caller's Dialing party becomes Established too. When a release leaves fewer
than two parties, every other party is released as well: a party that was
still Ringing gets **EventAbandoned** instead of EventReleased (T-Server sends
EventAbandoned only to a party that had EventRinging, facts §2.7).

An action from a state not in its row is refused: ``TERR_IN_SAME_STATE`` (43)
when the party is already in the target state, otherwise ``TERR_UNSUP_OPER``
(51) — (inference) T-Library has no generic "wrong call state" code.

A request that is *not* that action (a transfer, a swap) but needs it as one of
its steps checks with ``require``: it never answers 43, which means "already
in the requested state" — the state the request asked for is not that one.
"""

from __future__ import annotations

from .. import tlib
from .model import TError

D, R, E, H, X = tlib.DIALING, tlib.RINGING, tlib.ESTABLISHED, tlib.HELD, tlib.RELEASED

PARTY_TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "answer": (frozenset({R}), E, "EventEstablished"),
    "hold": (frozenset({E}), H, "EventHeld"),
    "retrieve": (frozenset({H}), E, "EventRetrieved"),
    "release": (frozenset({D, R, E, H}), X, "EventReleased"),
}


def transition(action: str, state: str) -> tuple[str, str]:
    """The (new state, event name) for ``action`` from ``state``, or TError."""
    allowed, target, event = PARTY_TRANSITIONS[action]
    if state in allowed:
        return target, event
    if state == target:
        raise TError(tlib.TERR_IN_SAME_STATE, f"Party is already {target}")
    raise TError(tlib.TERR_UNSUP_OPER, f"Cannot {action} a party that is {state}")


def require(action: str, state: str, request: str) -> None:
    """Refuse ``request`` (TERR_UNSUP_OPER, 51) when its step ``action`` cannot be
    taken from ``state``: a composite request is never "already" in a state."""
    allowed, _, _ = PARTY_TRANSITIONS[action]
    if state not in allowed:
        raise TError(tlib.TERR_UNSUP_OPER, f"{request}: cannot {action} a party that is {state}")
