"""Which operations a call offers in each state (the call's ``capabilities``).

Established is the reference sample's list, in its order. Dialing is the
documented Dial sample's list (facts §1.4). Released offers nothing (facts
§1.6). Ringing and Held are (inference): answer or retrieve, the user-data
operations, and hang-up. SetCallDisposition is not a capability: it is
accepted in every state, Released included (that is its point).
"""

from __future__ import annotations

from .. import tlib

USER_DATA_OPS = ("UpdateUserData", "AttachUserData", "DeleteUserDataPair", "DeleteUserData")

CAPABILITIES: dict[str, tuple[str, ...]] = {
    tlib.DIALING: ("SendDtmf", "DeleteUserData", "AttachUserData", "DeleteUserDataPair", "Hangup",
                   "UpdateUserData"),
    tlib.RINGING: ("Answer", *USER_DATA_OPS, "Hangup"),
    tlib.ESTABLISHED: ("UpdateUserData", "SendDtmf", "InitiateConference", "Hold", "SingleStepTransfer",
                       "InitiateTransfer", "AttachUserData", "DeleteUserDataPair", "SingleStepConference",
                       "DeleteUserData", "Hangup"),
    tlib.HELD: ("Retrieve", *USER_DATA_OPS, "Hangup"),
    tlib.RELEASED: (),
}


def capabilities(state: str) -> tuple[str, ...]:
    return CAPABILITIES.get(state, ())
