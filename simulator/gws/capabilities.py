"""Which operations a call offers (the call's ``capabilities``), by situation.

Each situation has one table, in the order of the Genesys sample it comes from,
so a reader can check it against the sample line by line
(``docs/capabilities.md`` is generated from these tables):

===============================  ==================================================================
situation                        source
===============================  ==================================================================
Dialing                          the Dial sample (facts §1.4)
Ringing                          (inference) Answer, the user-data operations, Hangup: no sample
Established                      the SetCallDisposition sample (facts §1.6)
Held                             the CallsHold sample (facts §4)
Released                         nothing (facts §1.6)
held, transfer consult           the InitiateTransfer sample: the held original while its consult
                                 call is up (facts §5)
held, conference consult         **our choice**, see below
established beside a held call   the SwapCalls sample: the call made active by SwapCalls, the
                                 other Held (facts §5); also the consult call itself while the
                                 original waits Held — (inference) no sample shows a consult call's
                                 own capabilities, and this is the same situation: an Established
                                 call of a user whose other call is Held
held beside an active call       (inference) a Held call whose user has another call up, not its
                                 consult: the transfer-consult list with both completions
===============================  ==================================================================

**Held during a conference consult: no Retrieve.** The InitiateConference sample
lists Retrieve on the held original (and no SwapCalls); the InitiateTransfer
sample lists SwapCalls and no Retrieve. tsim follows the InitiateTransfer sample
for both kinds, with CompleteConference in CompleteTransfer's place: while the
consult call is up, a Retrieve would give the agent two active calls, which no
Retrieve page describes, and SwapCalls is the documented way back to the caller
(the agent can also hang up the consult call, and the original is then a plain
Held call that offers Retrieve again).

Then, whatever the situation:

- **mute offered** (``offer_mute``: the reference page's deployment did not
  offer it, the MuteCall page's did): MuteCall on an Established call, and
  UnmuteCall instead once muted (MuteCall page);
- **a conference** (two or more other parties): ClearCall to every party (its
  page), and RemoveParticipantFromConference only to the party that made the
  conference (its page: "only by the owner of the conference call").

SetCallDisposition is not a capability: it is accepted in every state,
Released included (that is its point).
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import tlib
from .view import CallView

TRANSFER_LINK, CONFERENCE_LINK = "TransferConnID", "ConferenceConnID"

HELD_DURING_TRANSFER_CONSULT = "held, transfer consult"
HELD_DURING_CONFERENCE_CONSULT = "held, conference consult"
ESTABLISHED_BESIDE_HELD = "established beside a held call"
HELD_BESIDE_ACTIVE = "held beside an active call"

SITUATIONS: dict[str, tuple[str, ...]] = {
    tlib.DIALING: ("SendDtmf", "DeleteUserData", "AttachUserData", "DeleteUserDataPair", "Hangup",
                   "UpdateUserData"),
    tlib.RINGING: ("Answer", "UpdateUserData", "AttachUserData", "DeleteUserDataPair", "DeleteUserData", "Hangup"),
    tlib.ESTABLISHED: ("UpdateUserData", "SendDtmf", "InitiateConference", "Hold", "SingleStepTransfer",
                       "InitiateTransfer", "AttachUserData", "DeleteUserDataPair", "SingleStepConference",
                       "DeleteUserData", "Hangup"),
    tlib.HELD: ("SingleStepTransfer", "InitiateConference", "Retrieve", "SingleStepConference", "InitiateTransfer",
                "DeleteUserData", "AttachUserData", "DeleteUserDataPair", "Hangup", "UpdateUserData"),
    tlib.RELEASED: (),
    HELD_DURING_TRANSFER_CONSULT: ("UpdateUserData", "SwapCalls", "InitiateConference", "SingleStepTransfer",
                                   "InitiateTransfer", "AttachUserData", "DeleteUserDataPair",
                                   "SingleStepConference", "DeleteUserData", "Hangup", "CompleteTransfer"),
    HELD_DURING_CONFERENCE_CONSULT: ("UpdateUserData", "SwapCalls", "InitiateConference", "SingleStepTransfer",
                                     "InitiateTransfer", "AttachUserData", "DeleteUserDataPair",
                                     "SingleStepConference", "DeleteUserData", "Hangup", "CompleteConference"),
    ESTABLISHED_BESIDE_HELD: ("UpdateUserData", "SendDtmf", "SwapCalls", "InitiateConference", "Hold",
                              "SingleStepTransfer", "InitiateTransfer", "AttachUserData", "CompleteConference",
                              "DeleteUserDataPair", "SingleStepConference", "DeleteUserData", "Hangup",
                              "CompleteTransfer"),
    HELD_BESIDE_ACTIVE: ("UpdateUserData", "SwapCalls", "InitiateConference", "SingleStepTransfer",
                         "InitiateTransfer", "AttachUserData", "CompleteConference", "DeleteUserDataPair",
                         "SingleStepConference", "DeleteUserData", "Hangup", "CompleteTransfer"),
}
"""Every situation's capabilities, in its source's order."""

SOURCES: dict[str, str] = {
    tlib.DIALING: "https://docs.genesys.com/Documentation/HTCC/latest/API/Dial",
    tlib.RINGING: "(inference) no sample",
    tlib.ESTABLISHED: "https://docs.genesys.com/Documentation/HTCC/latest/API/SetCallDisposition",
    tlib.HELD: "https://docs.genesys.com/Documentation/HTCC/latest/API/CallsHold",
    tlib.RELEASED: "https://docs.genesys.com/Documentation/HTCC/latest/API/SetCallDisposition",
    HELD_DURING_TRANSFER_CONSULT: "https://docs.genesys.com/Documentation/HTCC/latest/API/InitiateTransfer",
    HELD_DURING_CONFERENCE_CONSULT: "our choice: the InitiateTransfer sample's list, with CompleteConference "
                                    "(https://docs.genesys.com/Documentation/HTCC/latest/API/InitiateConference "
                                    "lists Retrieve instead of SwapCalls)",
    ESTABLISHED_BESIDE_HELD: "https://docs.genesys.com/Documentation/GWS/latest/API/SwapCalls",
    HELD_BESIDE_ACTIVE: "(inference) the InitiateTransfer sample's list with both completions",
}

CONSULT_SITUATIONS = {TRANSFER_LINK: HELD_DURING_TRANSFER_CONSULT, CONFERENCE_LINK: HELD_DURING_CONFERENCE_CONSULT}


def situation(view: CallView, others: Iterable[CallView]) -> str:
    """The situation of ``view`` among the user's ``others`` (their other calls)."""
    if view.state == tlib.HELD:
        kind = view.consult_kind
        if kind is not None:
            return CONSULT_SITUATIONS[kind]
        if any(other.active for other in others):
            return HELD_BESIDE_ACTIVE
    elif view.state == tlib.ESTABLISHED and any(other.state == tlib.HELD for other in others):
        return ESTABLISHED_BESIDE_HELD
    return view.state


def capabilities(view: CallView, others: Iterable[CallView] = (), offer_mute: bool = False,
                 user_dn: str | None = None) -> tuple[str, ...]:
    """The operations ``view`` offers to the user on ``user_dn`` whose other calls are ``others``."""
    offered = SITUATIONS.get(situation(view, others), ())
    if not offered:
        return ()
    if offer_mute and view.state == tlib.ESTABLISHED:
        offered = (*offered, "UnmuteCall" if view.muted else "MuteCall")
    if len(view.participants) >= 2:
        owner = view.conference_owner is not None and view.conference_owner == user_dn
        offered = (*offered, *(("RemoveParticipantFromConference",) if owner else ()), "ClearCall")
    return offered
