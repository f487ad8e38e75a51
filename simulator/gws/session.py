"""The user's own resources: ``/api/v2/me`` and ``/api/v2/me/devices``.

- ``GET /api/v2/me``: the user (``userName``, the device DN, whether a contact-center
  session is started);
- ``POST /api/v2/me`` with ``StartContactCenterSession`` (``channels``, e.g.
  ``["voice"]``) or ``EndContactCenterSession``: what a desktop sends first and
  last (facts §1.9, §1.10);
- ``GET /api/v2/me/devices``: the user's device, with the agent state Web Services
  last heard of (the same device object as a ``DeviceStateChangeMessage``).

(inference) The facts file gives these operations and paths but not the answers'
fields beyond ``statusCode``; tsim answers with the fields its own messages use.
"""

from __future__ import annotations

from typing import Any

from . import status
from .messages import DeviceStateChange
from .status import GwsError

SESSION_OPERATIONS = ("StartContactCenterSession", "EndContactCenterSession")


def me(user: Any) -> dict[str, Any]:
    return {"statusCode": status.SUCCESS,
            "user": {"id": user.name, "userName": user.name, "phoneNumber": user.dn,
                     "contactCenterSession": user.session_started,
                     "channels": list(user.channels)}}


def session_operation(user: Any, body: Any) -> dict[str, Any]:
    """Start or end the user's contact-center session."""
    if not isinstance(body, dict):
        raise GwsError(status.INPUT_VALIDATION, "Input validation error: the body must be a JSON object")
    name = body.get("operationName")
    if name is None:
        raise GwsError(status.MISSING_PARAMETER, "A required parameter is missing: operationName")
    if name not in SESSION_OPERATIONS:
        raise GwsError(status.INPUT_VALIDATION, f"Input validation error: {name!r} is not an operation on /me "
                                                f"({', '.join(SESSION_OPERATIONS)})"[:300])
    if name == "StartContactCenterSession":
        channels = body.get("channels", ["voice"])
        if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
            raise GwsError(status.INPUT_VALIDATION, "Input validation error: channels must be a list of names")
        user.session_started, user.channels = True, tuple(channels)
    else:
        user.session_started, user.channels = False, ()
    return {"statusCode": status.SUCCESS}


def devices(user: Any, base_uri: str) -> dict[str, Any]:
    device = DeviceStateChange(user.name, user.device_id, user.dn, user.agent_state, user.work_mode, base_uri)
    return {"statusCode": status.SUCCESS, "devices": device.message()["data"]["devices"]}
