"""Which operations a call offers (the call's ``capabilities``).

By the state of the call in Web Services' view:

===========  =====================================================================
state        capabilities
===========  =====================================================================
Dialing      the documented Dial sample's list (facts §1.4)
Ringing      Answer, the user-data operations, Hangup — (inference)
Established  the reference sample's list, in its order (facts §1.6)
Held         the CallsHold sample's list, in its order (facts §4)
Released     nothing (facts §1.6)
===========  =====================================================================

Then, by what else is true of the call:

- **the original of a consult in progress** (Held, a consult call of it still
  up): CompleteTransfer or CompleteConference and SwapCalls instead of
  Retrieve and the new-consult operations (InitiateTransfer page, facts §4);
- **the consult call itself** (Established): the same completion and
  SwapCalls — (inference) a desktop may complete from either call;
- **mute offered** (``offer_mute``: the reference page's deployment did not
  offer it, the MuteCall page's did): MuteCall on an Established call, and
  UnmuteCall instead once muted (MuteCall page);
- **a conference** (two or more other parties): RemoveParticipantFromConference
  and ClearCall (their pages) — (inference) offered to every party.

SetCallDisposition is not a capability: it is accepted in every state,
Released included (that is its point).
"""

from __future__ import annotations

from .. import tlib
from .view import CallView

USER_DATA_OPS = ("UpdateUserData", "AttachUserData", "DeleteUserDataPair", "DeleteUserData")
CONSULT_OPS = ("InitiateTransfer", "InitiateConference", "SingleStepTransfer", "SingleStepConference")

BY_STATE: dict[str, tuple[str, ...]] = {
    tlib.DIALING: ("SendDtmf", "DeleteUserData", "AttachUserData", "DeleteUserDataPair", "Hangup",
                   "UpdateUserData"),
    tlib.RINGING: ("Answer", *USER_DATA_OPS, "Hangup"),
    tlib.ESTABLISHED: ("UpdateUserData", "SendDtmf", "InitiateConference", "Hold", "SingleStepTransfer",
                       "InitiateTransfer", "AttachUserData", "DeleteUserDataPair", "SingleStepConference",
                       "DeleteUserData", "Hangup"),
    tlib.HELD: ("SingleStepTransfer", "InitiateConference", "Retrieve", "SingleStepConference", "InitiateTransfer",
                "DeleteUserData", "AttachUserData", "DeleteUserDataPair", "Hangup", "UpdateUserData"),
    tlib.RELEASED: (),
}
COMPLETIONS = {"TransferConnID": "CompleteTransfer", "ConferenceConnID": "CompleteConference"}


def capabilities(view: CallView, consult_kind: str | None = None, offer_mute: bool = False) -> tuple[str, ...]:
    """The operations ``view`` offers. ``consult_kind``: for an original call with a
    consult call in progress, or for the consult call, its link
    (``TransferConnID`` or ``ConferenceConnID``)."""
    offered = BY_STATE.get(view.state, ())
    if not offered:
        return ()
    if consult_kind is not None:
        dropped = {"Retrieve", *CONSULT_OPS} if view.state == tlib.HELD else set(CONSULT_OPS)
        offered = (COMPLETIONS[consult_kind], "SwapCalls", *(op for op in offered if op not in dropped))
    if offer_mute and view.state == tlib.ESTABLISHED:
        offered = (*offered, "UnmuteCall" if view.muted else "MuteCall")
    if len(view.participants) >= 2:
        offered = (*offered, "RemoveParticipantFromConference", "ClearCall")
    return offered
