"""Web Services (GWS v2): HTTP requests in, T-Library requests out, events in,
CometD messages out.

The HTTP routes, on top of Web Services' state (``state``) and its operations.
Every request GWS accepts answers ``{"statusCode": 0}`` at once: the real
outcome comes later as events (and CometD), or as EventError → a CometD
``ErrorMessage``.

HTTP routes (``/api/v2`` prefix; a path without its leading ``/`` is accepted,
as the reference page writes it):

=======  ===============================  ==========================================
method   path                             what
=======  ===============================  ==========================================
POST     /api/v2/me/calls/{id}            a call operation (``operations.OPERATIONS``)
POST     /api/v2/me/devices/{id}/calls    Dial
GET      /api/v2/me/calls                 the user's calls, as GWS sees them
GET      /api/v2/me/calls/{id}            one call, as GWS sees it
GET      /api/v2/me                       the user (``session``)
POST     /api/v2/me                       Start/EndContactCenterSession
GET      /api/v2/me/devices               the user's device and agent state
=======  ===============================  ==========================================

(inference) The GET answers' envelope (``{"statusCode": 0, "calls": [...]}``)
is not from the facts file.
"""

from __future__ import annotations

import re
from typing import Any

from .. import journal as J
from ..timing import Environment
from . import disposition, operations, session, status
from .bodies import RawBody
from .state import CLIENT, GwsSettings, HttpAnswer, ServiceState, User, require_view
from .status import GwsError
from .view import CallView

__all__ = ["CLIENT", "GwsSettings", "HttpAnswer", "User", "WebServices"]

_CALL = re.compile(r"^/api/v2/me/calls/([^/]+)$")
_CALLS = re.compile(r"^/api/v2/me/calls$")
_DEVICE_CALLS = re.compile(r"^/api/v2/me/devices/([^/]+)/calls$")
_VOICE_CHANNEL = "/api/v2/me/channels/voice"
_ME = "/api/v2/me"
_DEVICES = "/api/v2/me/devices"


class WebServices(ServiceState):
    """Web Services with its HTTP routes on top: the GWS v2 paths, each to its operation."""

    def __init__(self, env: Environment, journal: J.Journal, settings: GwsSettings, users: list[User]):
        super().__init__(env, journal, settings, users, disposition.fall_back)

    # -- HTTP -----------------------------------------------------------------
    def http(self, user_name: str, method: str, path: str, body: Any = None,
             request: str | None = None, sent_at: int | None = None) -> HttpAnswer:
        """Handle one HTTP request from a desktop; journal it and its answer.

        ``sent_at``: when it left the desktop, if not now (the HTTP leg's delay).
        """
        self._requests += 1
        rid = request or f"r{self._requests}"
        path = "/" + path.split("?", 1)[0].lstrip("/")
        method = method.upper()
        meta = {"sentAt": sent_at} if sent_at is not None and sent_at != self.env.now else None
        entry = {"request": rid, "user": user_name, "method": method, "path": path, "body": body}
        if isinstance(body, RawBody):
            entry.update(body=None, raw=body.text)
        self.journal.append(J.HTTP_REQUEST, entry, meta)
        reference_id = None
        try:
            if isinstance(body, RawBody):
                body = body.parsed()
            user = self.users.get(user_name)
            if user is None:
                raise GwsError(status.NOT_AUTHENTICATED, f"User not authenticated: {user_name!r}")
            reference_id, answer = self._route(user, method, path, body, rid)
        except GwsError as err:
            answer = err.body()
        http = status.http_status(answer["statusCode"])
        meta = {"referenceId": reference_id} if reference_id is not None else None
        self.journal.append(J.HTTP_RESPONSE, {"request": rid, "status": http, "body": answer}, meta)
        return HttpAnswer(rid, http, answer, reference_id)

    def _route(self, user: User, method: str, path: str, body: Any, rid: str) -> tuple[int | None, dict]:
        ok = {"statusCode": status.SUCCESS}
        if path == _ME:
            if method == "GET":
                return None, session.me(user)
            self._require_post(method, path)
            return None, session.session_operation(user, body)
        if path == _DEVICES:
            if method != "GET":
                raise GwsError(status.FORBIDDEN, f"Operation forbidden: {method} {path}")
            return None, session.devices(user, self.settings.base_uri)
        if m := _CALL.match(path):
            call_id = m.group(1)
            if method == "GET":
                return None, {**ok, "call": self._resource(user, require_view(user, call_id))}
            self._require_post(method, path)
            name = operations.operation_name(body)
            if name == "SetCallDisposition":
                return disposition.set_call_disposition(self, user, call_id, body, rid), ok
            if name == "Complete":  # (inference) the operation name; WWE's "Done" does this
                self.complete(user, require_view(user, call_id), by_agent=True)
                return None, ok
            return operations.call_operation(self, user, name, call_id, body, rid), ok
        if _CALLS.match(path):
            if method != "GET":
                raise GwsError(status.FORBIDDEN, f"Operation forbidden: {method} {path}")
            return None, {**ok, "calls": [self._resource(user, v) for v in user.calls.values()]}
        if path == _VOICE_CHANNEL:
            self._require_post(method, path)
            return operations.voice_channel(self, user, body, rid), ok
        if m := _DEVICE_CALLS.match(path):
            self._require_post(method, path)
            if m.group(1) != user.device_id:
                raise GwsError(status.NOT_FOUND, f"Requested resource not found: device {m.group(1)}")
            return operations.dial(self, user, body, rid), ok
        raise GwsError(status.NOT_FOUND, f"Requested resource not found: {path}")

    @staticmethod
    def _require_post(method: str, path: str) -> None:
        if method != "POST":
            raise GwsError(status.FORBIDDEN, f"Operation forbidden: {method} {path}")

    def _resource(self, user: User, view: CallView) -> dict[str, Any]:
        return self._call_message(user, "StatusChange", view).message()["data"]["call"]
