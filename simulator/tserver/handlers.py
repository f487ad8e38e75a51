"""T-Library requests → the model's operations (the dispatch table).

A handler shared by several requests takes what tells them apart first and is bound
in the table with ``partial`` (not built by a factory at import): every line of it
runs per request, where tests and mutation testing see it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from .. import tlib
from ..timeunits import US_PER_SECOND
from . import agents, calls, transfers, userdata
from .model import TError
from .switch import Switch

Handler = Callable[[Switch, tlib.TRequest], None]


def _dn(req: tlib.TRequest) -> str:
    """The request's ThisDN; one that is not even text is a DN T-Server does not know."""
    value = req.attrs.get("ThisDN")
    if not isinstance(value, str):
        raise TError(tlib.TERR_NOT_CONFIGURED, f"DN {value!r} is not configured")
    return value


def _destination(req: tlib.TRequest) -> str:
    value = req.attrs.get("OtherDN")
    if not isinstance(value, str) or not value:
        raise TError(tlib.TERR_INV_CALD_DN, f"Invalid called DN {value!r}")
    return value


def _on_call(operation: Callable[..., None], ts: Switch, req: tlib.TRequest) -> None:
    call = ts.live_call(req.attrs.get("ConnID"))
    operation(ts, _dn(req), call, reference_id=req.reference_id)


def _make_call(ts: Switch, req: tlib.TRequest) -> None:
    calls.make_call(ts, _dn(req), _destination(req), req.attrs.get("UserData"),
                    reference_id=req.reference_id)


def _user_data(operation: Callable[..., None], ts: Switch, req: tlib.TRequest) -> None:
    call = ts.live_call(req.attrs.get("ConnID"))
    operation(ts, _dn(req), call, req.attrs.get("UserData"), reference_id=req.reference_id)


def _delete_pair(ts: Switch, req: tlib.TRequest) -> None:
    call = ts.live_call(req.attrs.get("ConnID"))
    userdata.delete_pair(ts, _dn(req), call, req.attrs.get("Key"), reference_id=req.reference_id)


def _send_dtmf(ts: Switch, req: tlib.TRequest) -> None:
    call = ts.live_call(req.attrs.get("ConnID"))
    calls.send_dtmf(ts, _dn(req), call, req.attrs.get("DTMFDigits"), reference_id=req.reference_id)


def _user_event(ts: Switch, req: tlib.TRequest) -> None:
    userdata.distribute_user_event(ts, _dn(req), req.attrs.get("UserEvent"),
                                   reference_id=req.reference_id)


def _agent_state(state: str, ts: Switch, req: tlib.TRequest) -> None:
    mode = req.attrs.get("AgentWorkMode")
    wanted = agents.BY_WORK_MODE.get(mode, state) if state == tlib.NOT_READY and isinstance(mode, str) else state
    wrap_up = (req.attrs.get("Extensions") or {}).get("WrapUpTime")
    if wrap_up is not None and (not isinstance(wrap_up, int) or isinstance(wrap_up, bool) or wrap_up < 0):
        raise TError(tlib.TERR_INVALID_ATTR, f"WrapUpTime must be whole seconds, not {wrap_up!r}")
    agents.set_state(ts, _dn(req), wanted, reference_id=req.reference_id,
                     wrap_up=wrap_up * US_PER_SECOND if wrap_up else None)


def _initiate(link: str, ts: Switch, req: tlib.TRequest) -> None:
    call = ts.live_call(req.attrs.get("ConnID"))
    transfers.initiate(ts, _dn(req), call, _destination(req), link,
                       req.attrs.get("UserData"), reference_id=req.reference_id)


def _complete(operation: Callable[..., None], link: str, ts: Switch, req: tlib.TRequest) -> None:
    call = ts.live_call(req.attrs.get("ConnID"))
    operation(ts, _dn(req), call, req.attrs.get(link), reference_id=req.reference_id)


def _single_step(operation: Callable[..., None], ts: Switch, req: tlib.TRequest) -> None:
    call = ts.live_call(req.attrs.get("ConnID"))
    operation(ts, _dn(req), call, _destination(req), reference_id=req.reference_id)


def _alternate(ts: Switch, req: tlib.TRequest) -> None:
    call = ts.live_call(req.attrs.get("ConnID"))
    calls.alternate(ts, _dn(req), call, req.attrs.get("PreviousConnID"), reference_id=req.reference_id)


def _mute(on: bool, ts: Switch, req: tlib.TRequest) -> None:
    call = ts.live_call(req.attrs.get("ConnID"))
    calls.mute(ts, _dn(req), call, on, reference_id=req.reference_id)


def _delete_from_conference(ts: Switch, req: tlib.TRequest) -> None:
    call = ts.live_call(req.attrs.get("ConnID"))
    calls.delete_from_conference(ts, _dn(req), call, req.attrs.get("OtherDN"), reference_id=req.reference_id)


def _logout(ts: Switch, req: tlib.TRequest) -> None:
    agents.logout(ts, _dn(req), reference_id=req.reference_id)


REQUEST_HANDLERS: dict[str, Handler] = {
    "RequestMakeCall": _make_call,
    "RequestAnswerCall": partial(_on_call, calls.answer),
    "RequestReleaseCall": partial(_on_call, calls.release),
    "RequestHoldCall": partial(_on_call, calls.hold),
    "RequestRetrieveCall": partial(_on_call, calls.retrieve),
    "RequestInitiateTransfer": partial(_initiate, transfers.TRANSFER),
    "RequestCompleteTransfer": partial(_complete, transfers.complete_transfer, transfers.TRANSFER),
    "RequestSingleStepTransfer": partial(_single_step, transfers.single_step_transfer),
    "RequestInitiateConference": partial(_initiate, transfers.CONFERENCE),
    "RequestCompleteConference": partial(_complete, transfers.complete_conference, transfers.CONFERENCE),
    "RequestSingleStepConference": partial(_single_step, transfers.single_step_conference),
    "RequestAttachUserData": partial(_user_data, userdata.attach),
    "RequestUpdateUserData": partial(_user_data, userdata.update),
    "RequestDeleteUserData": partial(_on_call, userdata.delete_all),
    "RequestDeletePair": _delete_pair,
    "RequestDistributeUserEvent": _user_event,
    "RequestSendDTMF": _send_dtmf,
    "RequestAlternateCall": _alternate,
    "RequestSetMuteOn": partial(_mute, True),
    "RequestSetMuteOff": partial(_mute, False),
    "RequestClearCall": partial(_on_call, calls.clear),
    "RequestDeleteFromConference": _delete_from_conference,
    "RequestAgentReady": partial(_agent_state, tlib.READY),
    "RequestAgentNotReady": partial(_agent_state, tlib.NOT_READY),
    "RequestAgentLogout": _logout,
}
