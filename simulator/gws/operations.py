"""The v2 call operations: pydantic body → checks on GWS's view → T-Library request.

Checks, in order: the operation is one tsim models (else statusCode 10); the
call is in the user's view (else 6, also once the call was completed); the body
is valid (1 or 10); the call's state in GWS's view offers the operation among
its ``capabilities`` (else 2). Then the request goes to T-Server and the answer
is statusCode 0. ``SetCallDisposition`` and ``Complete`` are not capabilities:
they have rules of their own (``disposition``, ``WebServices.complete``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import tlib
from . import bodies, status
from .service import Pending, User, WebServices, require_view
from .status import GwsError
from .view import CallView


@dataclass(frozen=True, slots=True)
class Operation:
    request: str  # the T-Library request it becomes
    body: type[bodies.Body]
    attrs: Callable[[Any], dict[str, Any]] = lambda body: {}


def _destination(body: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {"OtherDN": body.destination.phoneNumber}
    if body.userData:
        attrs["UserData"] = dict(body.userData)
    if body.location is not None:
        attrs["Location"] = body.location
    return attrs


OPERATIONS: dict[str, Operation] = {
    "Answer": Operation("RequestAnswerCall", bodies.NoParameters),
    "Hangup": Operation("RequestReleaseCall", bodies.NoParameters),
    "Hold": Operation("RequestHoldCall", bodies.NoParameters),
    "Retrieve": Operation("RequestRetrieveCall", bodies.NoParameters),
    "AttachUserData": Operation("RequestAttachUserData", bodies.UserDataBody,
                                lambda body: {"UserData": dict(body.userData)}),
    "UpdateUserData": Operation("RequestUpdateUserData", bodies.UserDataBody,
                                lambda body: {"UserData": dict(body.userData)}),
    "DeleteUserDataPair": Operation("RequestDeletePair", bodies.DeletePairBody, lambda body: {"Key": body.key}),
    "DeleteUserData": Operation("RequestDeleteUserData", bodies.NoParameters),
    "SendDtmf": Operation("RequestSendDTMF", bodies.SendDtmfBody, lambda body: {"DTMFDigits": body.digits}),
    "InitiateTransfer": Operation("RequestInitiateTransfer", bodies.DestinationBody, _destination),
    "InitiateConference": Operation("RequestInitiateConference", bodies.DestinationBody, _destination),
    "SingleStepTransfer": Operation("RequestSingleStepTransfer", bodies.DestinationBody, _destination),
    "SingleStepConference": Operation("RequestSingleStepConference", bodies.DestinationBody, _destination),
    "SwapCalls": Operation("RequestAlternateCall", bodies.NoParameters),
    "MuteCall": Operation("RequestSetMuteOn", bodies.NoParameters),
    "UnmuteCall": Operation("RequestSetMuteOff", bodies.NoParameters),
    "ClearCall": Operation("RequestClearCall", bodies.NoParameters),
    "RemoveParticipantFromConference": Operation("RequestDeleteFromConference", bodies.ParticipantBody,
                                                 lambda body: {"OtherDN": body.participant}),
}
CONSULT_COMPLETIONS = {"CompleteTransfer": ("RequestCompleteTransfer", "TransferConnID"),
                       "CompleteConference": ("RequestCompleteConference", "ConferenceConnID")}
SUPPORTED = (*OPERATIONS, *CONSULT_COMPLETIONS, "SetCallDisposition", "Complete")


def operation_name(body: Any) -> str:
    if not isinstance(body, dict):
        raise GwsError(status.INPUT_VALIDATION, "Input validation error: the body must be a JSON object")
    name = body.get("operationName")
    if name is None:
        raise GwsError(status.MISSING_PARAMETER, "A required parameter is missing: operationName")
    if not isinstance(name, str):
        raise GwsError(status.INPUT_VALIDATION, "Input validation error: operationName must be a string")
    return name


def call_operation(gws: WebServices, user: User, name: str, call_id: str, raw: Any, rid: str) -> int:
    if name in CONSULT_COMPLETIONS:
        return complete_consult(gws, user, name, call_id, raw, rid)
    operation = OPERATIONS.get(name)
    if operation is None:
        raise GwsError(status.INPUT_VALIDATION,
                       f"Input validation error: operationName {name!r} is not one tsim models "
                       f"({', '.join(SUPPORTED)})")
    view = require_view(user, call_id)
    body = bodies.parse(operation.body, raw)
    offered = gws.offers(view)
    if name not in offered:
        raise GwsError(status.INVALID_STATE, f"{name} is not valid for this call now ({view.state}; it offers "
                                             f"{', '.join(offered) or 'nothing'})")
    ref = gws.next_reference()
    attrs = {"ThisDN": user.dn, "ConnID": view.conn_id, **operation.attrs(body)}
    if name == "SwapCalls":
        attrs.update(_swap(user, view))
    gws.send(ref, operation.request, attrs, Pending(user.name, name, view.id, view.conn_id, rid))
    return ref


def _swap(user: User, view: CallView) -> dict[str, Any]:
    """SwapCalls on either call of a consult: RequestAlternateCall with ConnID the
    active call and PreviousConnID the held one (facts §4)."""
    other_id = view.parent if view.parent is not None else next(
        (v.id for v in user.calls.values() if v.parent == view.id and v.active), None)
    other = user.calls.get(other_id) if other_id is not None else None
    if other is None:
        raise GwsError(status.INVALID_STATE, f"SwapCalls: call {view.id} has no consult call in progress")
    held, active = (view, other) if view.state == tlib.HELD else (other, view)
    if held.state != tlib.HELD or active.state != tlib.ESTABLISHED:
        raise GwsError(status.INVALID_STATE, "SwapCalls needs one call Held and the other Established")
    return {"ConnID": active.conn_id, "PreviousConnID": held.conn_id}


def dial(gws: WebServices, user: User, raw: Any, rid: str) -> int:
    name = operation_name(raw)
    if name != "Dial":
        raise GwsError(status.INPUT_VALIDATION, f"Input validation error: {name!r} is not an operation on "
                                                "/devices/{id}/calls (Dial is)")
    body = bodies.parse(bodies.DialBody, raw)
    attrs: dict[str, Any] = {"ThisDN": user.dn, "OtherDN": body.destination.phoneNumber}
    if body.userData:
        attrs["UserData"] = dict(body.userData)
    if body.location is not None:
        attrs["Location"] = body.location
    ref = gws.next_reference()
    gws.send(ref, "RequestMakeCall", attrs, Pending(user.name, "Dial", None, None, rid))
    return ref


VOICE_CHANNEL_OPERATIONS = ("AfterCallWork", "AuxWork", "Ready", "NotReady")
WORK_MODES = {"AfterCallWork": "AgentAfterCallWork", "AuxWork": "AgentAuxWork"}


def voice_channel(gws: WebServices, user: User, raw: Any, rid: str) -> int:
    """``POST /api/v2/me/channels/voice``: the agent's state (facts §1.5 and §4).

    ``AfterCallWork`` and ``AuxWork`` send RequestAgentNotReady with that work
    mode; AfterCallWork passes ``wrapUpTime`` (whole seconds, a number or the
    documented string such as ``"0"``) in the extensions.
    """
    name = operation_name(raw)
    if name not in VOICE_CHANNEL_OPERATIONS:
        raise GwsError(status.INPUT_VALIDATION, f"Input validation error: {name!r} is not an operation on "
                                                f"/channels/voice ({', '.join(VOICE_CHANNEL_OPERATIONS)})")
    body = bodies.parse(bodies.AgentStateBody, raw)
    attrs: dict[str, Any] = {"ThisDN": user.dn}
    request = "RequestAgentReady" if name == "Ready" else "RequestAgentNotReady"
    if name in WORK_MODES:
        attrs["AgentWorkMode"] = WORK_MODES[name]
    if name == "AfterCallWork" and body.wrapUpTime is not None:
        attrs["Extensions"] = {"WrapUpTime": body.wrapUpTime}
    ref = gws.next_reference()
    gws.send(ref, request, attrs, Pending(user.name, name, None, None, rid))
    return ref


def complete_consult(gws: WebServices, user: User, name: str, call_id: str, raw: Any, rid: str) -> int:
    """CompleteTransfer / CompleteConference, sent on the held original call or on
    the consult call. Without ``consultCallUri`` GWS finds the consult call itself
    (facts §1.5). With no consult call in progress: statusCode 2."""
    view = require_view(user, call_id)
    body = bodies.parse(bodies.CompleteConsultBody, raw)
    consult: CallView | None
    if view.parent is not None:  # sent on the consult call
        original, consult = require_view(user, view.parent), view
    else:
        original = view
        if body.consultCallUri is not None:
            consult = require_view(user, body.consultCallUri.rstrip("/").rsplit("/", 1)[-1])
        else:
            consult = next((v for v in user.calls.values() if v.parent == view.id and v.active), None)
    if consult is None or consult.parent != original.id or not consult.active:
        raise GwsError(status.INVALID_STATE, f"{name}: call {original.id} has no consult call in progress")
    if tlib.HELD not in (original.state, consult.state):
        raise GwsError(status.INVALID_STATE, f"{name} needs one of the two calls Held (the original is "
                                             f"{original.state}, the consult call {consult.state})")
    request, link = CONSULT_COMPLETIONS[name]
    ref = gws.next_reference()
    attrs = {"ThisDN": user.dn, "ConnID": original.conn_id, link: consult.conn_id}
    gws.send(ref, request, attrs, Pending(user.name, name, original.id, original.conn_id, rid))
    return ref
