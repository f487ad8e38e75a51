"""The v2 call operations: pydantic body → checks on GWS's view → T-Library request.

Checks, in order: the operation is one tsim models (else statusCode 10); the
call is in the user's view (else 6, also once the call was completed); the body
is valid (1 or 10); RemoveParticipantFromConference comes from the party that
made the conference (else 5, "The user lacks permission": the page allows "only
the owner of the conference call or a supervisor during monitoring"); the
call's situation in GWS's view offers the operation among its
``capabilities`` (else 2). Then the request goes to T-Server and the answer is
statusCode 0. ``SetCallDisposition`` and ``Complete`` are not capabilities:
they have rules of their own (``disposition``, ``ServiceState.complete``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import tlib
from . import bodies, status
from .state import Pending, ServiceState, User, require_view
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
    "SwapCalls": Operation("RequestAlternateCall", bodies.SwapCallsBody),
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


def call_operation(gws: ServiceState, user: User, name: str, call_id: str, raw: Any, rid: str) -> int:
    if name in CONSULT_COMPLETIONS:
        return complete_consult(gws, user, name, call_id, raw, rid)
    operation = OPERATIONS.get(name)
    if operation is None:
        raise GwsError(status.INPUT_VALIDATION,
                       f"Input validation error: operationName {name!r} is not one tsim models "
                       f"({', '.join(SUPPORTED)})")
    view = require_view(user, call_id)
    body = bodies.parse(operation.body, raw)
    if name == "RemoveParticipantFromConference" and len(view.participants) >= 2 \
            and view.conference_owner != user.dn:
        raise GwsError(status.NO_PERMISSION, f"The user lacks permission: only the party that made the conference "
                                             f"({view.conference_owner or 'not this user'}) may remove a participant")
    _require_offered(gws, user, view, name)
    ref = gws.next_reference()
    attrs = {"ThisDN": user.dn, "ConnID": view.conn_id, **operation.attrs(body)}
    if isinstance(body, bodies.SwapCallsBody):
        attrs.update(_swap(user, view, body.otherCallUri))
    gws.send(ref, operation.request, attrs, Pending(user.name, name, view.id, view.conn_id, rid))
    return ref


def _require_offered(gws: ServiceState, user: User, view: CallView, name: str) -> None:
    """StatusCode 2 unless the call's capabilities, in its situation now, include ``name``."""
    offered = gws.offers(user, view)
    if name not in offered:
        raise GwsError(status.INVALID_STATE, f"{name} is not valid for this call now ({view.state}; it offers "
                                             f"{', '.join(offered) or 'nothing'})")


def _swap(user: User, view: CallView, other_uri: str | None) -> dict[str, Any]:
    """SwapCalls: RequestAlternateCall with ConnID the active call and PreviousConnID
    the held one (facts §4). Any two calls of the user, one Held and the other
    Established (TAlternateCall needs no consult link, facts §5)."""
    if other_uri is not None:
        other = require_view(user, _call_id(other_uri))
    else:
        wanted = tlib.ESTABLISHED if view.state == tlib.HELD else tlib.HELD
        candidates = [v for v in user.calls.values() if v is not view and v.state == wanted]
        if len(candidates) != 1:
            raise GwsError(status.MISSING_PARAMETER, "A required parameter is missing: otherCallUri (the user has "
                                                     f"{len(candidates)} {wanted} calls to swap with)")
        other = candidates[0]
    if other is view:
        raise GwsError(status.INPUT_VALIDATION, "Input validation error: otherCallUri names this same call")
    held, active = (view, other) if view.state == tlib.HELD else (other, view)
    if held.state != tlib.HELD or active.state != tlib.ESTABLISHED:
        raise GwsError(status.INVALID_STATE, f"SwapCalls needs one call Held and the other Established (this call is "
                                             f"{view.state}, the other {other.state})")
    return {"ConnID": active.conn_id, "PreviousConnID": held.conn_id}


def _call_id(uri: str) -> str:
    """The call id at the end of a call's URI (``…/api/v2/me/calls/{id}``), or the id itself."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def dial(gws: ServiceState, user: User, raw: Any, rid: str) -> int:
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


def voice_channel(gws: ServiceState, user: User, raw: Any, rid: str) -> int:
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


def complete_consult(gws: ServiceState, user: User, name: str, call_id: str, raw: Any, rid: str) -> int:
    """CompleteTransfer / CompleteConference, sent on either of two calls of the user,
    one of them Held (the original of a consult and its consult call, or two calls
    swapped with SwapCalls). The other call: ``consultCallUri``, else the consult
    call, else the user's one other call (facts §1.5: "Web Services determines the
    related call"). The call that stays is the consult's original, or else the held
    one (TCompleteConference keeps the held call's ConnID). The operation must be
    among the call's capabilities (statusCode 2)."""
    view = require_view(user, call_id)
    body = bodies.parse(bodies.CompleteConsultBody, raw)
    if body.consultCallUri is not None:
        other: CallView | None = require_view(user, _call_id(body.consultCallUri))
    elif view.parent is not None:
        other = user.calls.get(view.parent)
    else:
        linked = [v for v in user.calls.values() if v.parent == view.id and v.active]
        others = linked or [v for v in user.calls.values() if v is not view and v.active]
        other = others[0] if len(others) == 1 else None
    if other is None or other is view or not other.active:
        raise GwsError(status.INVALID_STATE, f"{name}: call {view.id} has no other call to complete with")
    _require_offered(gws, user, view, name)
    if tlib.HELD not in (view.state, other.state):
        raise GwsError(status.INVALID_STATE, f"{name} needs one of the two calls Held (this call is {view.state}, "
                                             f"the other {other.state})")
    if view.parent == other.id or other.parent == view.id:  # a consult: its original stays
        stays, goes = (other, view) if view.parent == other.id else (view, other)
    else:  # two calls swapped: the held one stays
        stays, goes = (view, other) if view.state == tlib.HELD else (other, view)
    request, link = CONSULT_COMPLETIONS[name]
    ref = gws.next_reference()
    attrs = {"ThisDN": user.dn, "ConnID": stays.conn_id, link: goes.conn_id}
    gws.send(ref, request, attrs, Pending(user.name, name, stays.id, stays.conn_id, rid))
    return ref
