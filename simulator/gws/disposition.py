"""SetCallDisposition: the rule this whole simulator exists to show.

From **GWS's own view** of the call at the instant the request arrives
(reference/SetCallDisposition.txt, facts §1.8):

- the call is **active** (Dialing, Ringing, Established, Held) →
  ``RequestUpdateUserData`` with ``{key: disposition}`` → EventAttachedDataChanged
  → CometD ``AttachedDataChanged``: the **userData** path;
- the call is **Released** → ``RequestDistributeUserEvent`` carrying the ConnID,
  CallUuid and ``{key: disposition}`` → EventUserEvent, and no CometD
  message: the **userEvent** path;
- the request is refused synchronously (unknown call 6, missing parameter 1,
  bad value or a ``callUuid``/``callUri`` naming another call 10): the
  **rejected** path, nothing is sent.

``key`` is ``dispositionKey`` or the server's ``disposition_key``. The HTTP
answer is statusCode 0 as soon as the request is sent. Because the view can
lag T-Server, an update can reach a ConnID T-Server has already released: it
answers EventError 56, GWS sends the desktop a CometD ``ErrorMessage``, and —
only with ``fallback_to_user_event`` set — sends the disposition as a user
event after all. Each decision is journaled (``gws.disposition``) before its
request leaves, so the disposition record can be rebuilt from the journal.

(inference) What a released-call user event carries beyond the key and value
is not documented; tsim sends ConnID, CallUuid and UserData.
"""

from __future__ import annotations

from typing import Any

from .. import journal as J
from .. import tlib
from . import bodies, status
from .state import Pending, ServiceState, User, require_view
from .status import GwsError

USER_DATA = "userData"
USER_EVENT = "userEvent"
REJECTED = "rejected"

PATH_BY_VIEW: dict[str, str] = {
    tlib.DIALING: USER_DATA,
    tlib.RINGING: USER_DATA,
    tlib.ESTABLISHED: USER_DATA,
    tlib.HELD: USER_DATA,
    tlib.RELEASED: USER_EVENT,
}
"""The rule, as a table: the call's state in Web Services' view → the path."""


def set_call_disposition(gws: ServiceState, user: User, call_id: str, raw: Any, rid: str) -> int:
    decision: dict[str, Any] = {
        "request": rid, "user": user.name, "dn": user.dn, "callId": call_id, "connId": None, "callUuid": None,
        "disposition": raw.get("disposition") if isinstance(raw, dict) else None,
        "key": None, "view": None, "path": REJECTED, "referenceId": None, "statusCode": None,
    }
    try:
        view = require_view(user, call_id)
        decision.update(connId=view.conn_id, callUuid=view.call_uuid, view=view.state)
        body = bodies.parse(bodies.SetCallDispositionBody, raw)
        _same_call(call_id, body.callUuid, body.callUri)
    except GwsError as err:
        decision.update(statusCode=err.status_code, reason=err.message)
        gws.journal.append(J.GWS_DISPOSITION, decision)
        raise
    key = body.dispositionKey or gws.settings.disposition_key
    ref = gws.next_reference()
    pending = Pending(user.name, "SetCallDisposition", view.id, view.conn_id, rid,
                      disposition={"key": key, "value": body.disposition}, call_uuid=view.call_uuid)
    decision.update(disposition=body.disposition, key=key, referenceId=ref, statusCode=status.SUCCESS)
    if PATH_BY_VIEW[view.state] == USER_DATA:
        decision["path"] = USER_DATA
        gws.journal.append(J.GWS_DISPOSITION, decision)
        gws.send(ref, "RequestUpdateUserData",
                 {"ThisDN": user.dn, "ConnID": view.conn_id, "UserData": {key: body.disposition}}, pending)
    else:
        decision["path"] = USER_EVENT
        gws.journal.append(J.GWS_DISPOSITION, decision)
        _send_user_event(gws, user, ref, pending, key, body.disposition)
    return ref


def fall_back(gws: ServiceState, user: User, failed: Pending, failed_reference: int) -> None:
    """After EventError on the userData path: send the disposition as a user event."""
    asked = failed.disposition
    assert asked is not None, "only a SetCallDisposition falls back"
    ref = gws.next_reference()
    gws.journal.append(J.GWS_DISPOSITION, {
        "request": failed.request, "user": user.name, "dn": user.dn, "callId": failed.call_id, "connId": failed.conn_id,
        "path": USER_EVENT, "fallbackFrom": failed_reference, "referenceId": ref,
        "disposition": asked["value"], "key": asked["key"],
    })
    retry = Pending(user.name, "SetCallDisposition", failed.call_id, failed.conn_id, failed.request,
                    call_uuid=failed.call_uuid)
    _send_user_event(gws, user, ref, retry, asked["key"], asked["value"])


def _send_user_event(gws: ServiceState, user: User, ref: int, pending: Pending, key: str, value: str) -> None:
    """The user event names the call by the ids it had when the disposition was
    asked for: the call may have been completed in Web Services since."""
    content = {"ConnID": pending.conn_id, "CallUuid": pending.call_uuid, "UserData": {key: value}}
    gws.send(ref, "RequestDistributeUserEvent", {"ThisDN": user.dn, "UserEvent": content}, pending)


def _same_call(call_id: str, call_uuid: str, call_uri: str | None) -> None:
    if call_uuid != call_id:
        raise GwsError(status.INPUT_VALIDATION,
                       f"Input validation error: callUuid {call_uuid} names another call than {call_id}")
    if call_uri is not None:
        named = call_uri.rstrip("/").rsplit("/calls/", 1)
        if len(named) != 2 or named[1] != call_id:
            raise GwsError(status.INPUT_VALIDATION,
                           f"Input validation error: callUri {call_uri} names another call than {call_id}")
