"""T-Library requests → the model's operations (the dispatch table)."""

from __future__ import annotations

from collections.abc import Callable

from .. import tlib
from ..timeunits import US_PER_SECOND
from . import agents, calls, transfers, userdata
from .model import TError
from .server import TServer

Handler = Callable[[TServer, tlib.TRequest], None]


def _on_call(operation) -> Handler:
    def handler(ts: TServer, req: tlib.TRequest) -> None:
        call = ts.live_call(req.attrs.get("ConnID"))
        operation(ts, req.attrs.get("ThisDN"), call, reference_id=req.reference_id)
    return handler


def _make_call(ts: TServer, req: tlib.TRequest) -> None:
    calls.make_call(ts, req.attrs.get("ThisDN"), req.attrs.get("OtherDN"), req.attrs.get("UserData"),
                    reference_id=req.reference_id)


def _user_data(operation) -> Handler:
    def handler(ts: TServer, req: tlib.TRequest) -> None:
        call = ts.live_call(req.attrs.get("ConnID"))
        operation(ts, req.attrs.get("ThisDN"), call, req.attrs.get("UserData"), reference_id=req.reference_id)
    return handler


def _delete_pair(ts: TServer, req: tlib.TRequest) -> None:
    call = ts.live_call(req.attrs.get("ConnID"))
    userdata.delete_pair(ts, req.attrs.get("ThisDN"), call, req.attrs.get("Key"), reference_id=req.reference_id)


def _send_dtmf(ts: TServer, req: tlib.TRequest) -> None:
    call = ts.live_call(req.attrs.get("ConnID"))
    calls.send_dtmf(ts, req.attrs.get("ThisDN"), call, req.attrs.get("DTMFDigits"), reference_id=req.reference_id)


def _user_event(ts: TServer, req: tlib.TRequest) -> None:
    userdata.distribute_user_event(ts, req.attrs.get("ThisDN"), req.attrs.get("UserEvent"),
                                   reference_id=req.reference_id)


def _agent_state(state: str) -> Handler:
    def handler(ts: TServer, req: tlib.TRequest) -> None:
        wanted = tlib.AFTER_CALL_WORK if req.attrs.get("AgentWorkMode") == "AgentAfterCallWork" else state
        wrap_up = (req.attrs.get("Extensions") or {}).get("WrapUpTime")
        if wrap_up is not None and (not isinstance(wrap_up, int) or isinstance(wrap_up, bool) or wrap_up < 0):
            raise TError(tlib.TERR_INVALID_ATTR, f"WrapUpTime must be whole seconds, not {wrap_up!r}")
        agents.set_state(ts, req.attrs.get("ThisDN"), wanted, reference_id=req.reference_id,
                         wrap_up=wrap_up * US_PER_SECOND if wrap_up else None)
    return handler


def _initiate(link: str) -> Handler:
    def handler(ts: TServer, req: tlib.TRequest) -> None:
        call = ts.live_call(req.attrs.get("ConnID"))
        transfers.initiate(ts, req.attrs.get("ThisDN"), call, req.attrs.get("OtherDN"), link,
                           req.attrs.get("UserData"), reference_id=req.reference_id)
    return handler


def _complete(operation, link: str) -> Handler:
    def handler(ts: TServer, req: tlib.TRequest) -> None:
        call = ts.live_call(req.attrs.get("ConnID"))
        operation(ts, req.attrs.get("ThisDN"), call, req.attrs.get(link), reference_id=req.reference_id)
    return handler


def _single_step(operation) -> Handler:
    def handler(ts: TServer, req: tlib.TRequest) -> None:
        call = ts.live_call(req.attrs.get("ConnID"))
        operation(ts, req.attrs.get("ThisDN"), call, req.attrs.get("OtherDN"), reference_id=req.reference_id)
    return handler


REQUEST_HANDLERS: dict[str, Handler] = {
    "RequestMakeCall": _make_call,
    "RequestAnswerCall": _on_call(calls.answer),
    "RequestReleaseCall": _on_call(calls.release),
    "RequestHoldCall": _on_call(calls.hold),
    "RequestRetrieveCall": _on_call(calls.retrieve),
    "RequestInitiateTransfer": _initiate(transfers.TRANSFER),
    "RequestCompleteTransfer": _complete(transfers.complete_transfer, transfers.TRANSFER),
    "RequestSingleStepTransfer": _single_step(transfers.single_step_transfer),
    "RequestInitiateConference": _initiate(transfers.CONFERENCE),
    "RequestCompleteConference": _complete(transfers.complete_conference, transfers.CONFERENCE),
    "RequestSingleStepConference": _single_step(transfers.single_step_conference),
    "RequestAttachUserData": _user_data(userdata.attach),
    "RequestUpdateUserData": _user_data(userdata.update),
    "RequestDeleteUserData": _on_call(userdata.delete_all),
    "RequestDeletePair": _delete_pair,
    "RequestDistributeUserEvent": _user_event,
    "RequestSendDTMF": _send_dtmf,
    "RequestAgentReady": _agent_state(tlib.READY),
    "RequestAgentNotReady": _agent_state(tlib.NOT_READY),
}
