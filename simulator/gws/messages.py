"""CometD messages to the desktop, shaped like the reference's sample.

``CallStateChangeMessage`` on ``/v2/me/calls`` carries ``data.notificationType``
(``StatusChange``, ``AttachedDataChanged``), ``data.call`` (the call resource,
facts §1.6: ``userData`` left out when empty, ``capabilities`` empty once
Released, ``duration`` a string of seconds), ``data.phoneNumber`` (the device's
DN), ``data.extensions`` and ``data.messageType``. (inference) A call's
``duration`` stops at its release: the samples show it only while the call is
up (facts §5).

``data.extensions`` is ``{"BusinessCall": 0}`` on a StatusChange of a call that
is Established, Held or Released, as the CallsHold, SwapCalls,
SingleStepTransfer and CompleteTransfer samples show it; the reference
AttachedDataChanged sample and the Dialing/Ringing samples have none. (The
InitiateTransfer sample's Held notification has none either: one sample
against four.) (inference) What ``BusinessCall`` means is not documented.

Messages are snapshots taken when they are sent and turned into JSON only when
a writer asks, so long runs stay cheap.
"""

from __future__ import annotations

import functools
import uuid
from abc import ABC, abstractmethod
from typing import Any

from .. import tlib
from ..timeunits import US_PER_SECOND
from .view import CallView

CALLS_CHANNEL = "/v2/me/calls"
DEVICES_CHANNEL = "/v2/me/devices"
BUSINESS_CALL_STATES = frozenset({tlib.ESTABLISHED, tlib.HELD, tlib.RELEASED})

USER_STATE_IDS: dict[str, str] = {
    tlib.READY: "9430250E-0A1B-421F-B372-F29E69366DED",  # the AgentStateReady sample's
    tlib.NOT_READY: "900D55CC-2BB0-431F-8BF9-D3525B383BE6",  # the AgentStateNotReady sample's
}
"""``userState.id``: the GUID of the agent state. Ready and plain NotReady carry the
samples' ids; (inference) every other state (a work mode, LoggedOut) a GUID of
its own, derived from its name so that runs stay byte-identical."""
DISPLAY_NAMES = {tlib.READY: "Ready", tlib.NOT_READY: "Not Ready", "AfterCallWork": "After Call Work",
                 "AuxWork": "Aux Work", "LoggedOut": "Logged Out"}
"""``userState.displayName``: "Ready" and "Not Ready" from the samples; (inference) the other states' names."""
DEVICE_CAPABILITIES = ("ForwardCallsOn",)  # the agent-state samples' device capabilities
_TSIM_NAMESPACE = uuid.UUID("6f1b7e0e-1c52-4f0e-9a57-2f8b6a3c0d15")


@functools.cache
def user_state_id(state: str, work_mode: str | None) -> str:
    """The GUID of an agent state (``USER_STATE_IDS``)."""
    name = work_mode or state
    known = USER_STATE_IDS.get(name)
    return known if known is not None else str(uuid.uuid5(_TSIM_NAMESPACE, f"user-state:{name}")).upper()


@functools.cache
def voice_environment_uri(base_uri: str) -> str:
    """The device's ``voiceEnvironmentUri``: one voice environment per Web Services (inference: its id)."""
    return f"{base_uri}/api/v2/voice-environments/{uuid.uuid5(_TSIM_NAMESPACE, 'voice-environment')}"


class CometdMessage(ABC):
    """Base: who it is for, its channel, and its type for quick filtering."""

    __slots__ = ("user", "channel", "message_type", "notification_type")
    user: str
    channel: str
    message_type: str
    notification_type: str | None
    work_mode: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"user": self.user, "channel": self.channel, "message": self.message()}

    @abstractmethod
    def message(self) -> dict[str, Any]:
        """The message as the desktop receives it."""

    @property
    def call_id(self) -> str | None:
        return None

    @property
    def user_data(self) -> dict[str, Any] | None:
        """The call's user data as the message shows it (None: not a call message)."""
        return None

    @property
    def capabilities(self) -> tuple[str, ...] | None:
        """The call's capabilities as the message shows them (None: not a call message)."""
        return None


class CallStateChange(CometdMessage):
    __slots__ = ("_view", "_state", "_user_data", "_participants", "_duration", "_phone", "_device_uri",
                 "_base_uri", "_capabilities", "_muted")

    def __init__(self, user: str, notification_type: str, view: CallView, phone_number: str,
                 device_uri: str, base_uri: str, now: int, capabilities: tuple[str, ...]):
        self.user = user
        self.channel = CALLS_CHANNEL
        self.message_type = "CallStateChangeMessage"
        self.notification_type = notification_type
        self._view = view
        # Snapshot what can change later; the view replaces these objects, never mutates them.
        self._state = view.state
        self._user_data = view.user_data
        self._participants = view.participants
        ended = view.ended_at
        self._duration = ((now if ended is None else min(now, ended)) - view.created_at) // US_PER_SECOND
        self._phone = phone_number
        self._device_uri = device_uri
        self._base_uri = base_uri
        self._capabilities = capabilities
        self._muted = view.muted

    @property
    def call_id(self) -> str:
        return self._view.id

    @property
    def state(self) -> str:
        return self._state

    @property
    def user_data(self) -> dict[str, Any] | None:
        return self._user_data

    @property
    def capabilities(self) -> tuple[str, ...]:
        return self._capabilities

    def message(self) -> dict[str, Any]:
        v = self._view
        call: dict[str, Any] = {
            "id": v.id,
            "state": self._state,
            "callUuid": v.call_uuid,
            "connId": v.conn_id,
            "deviceUri": self._device_uri,
            "participants": [
                {"e164Number": "", "formattedPhoneNumber": p, "phoneNumber": p, "digits": p}
                for p in self._participants
            ],
            "dnis": v.dnis,
            "callType": v.call_type,
            "capabilities": list(self._capabilities),
        }
        if self._user_data:
            call["userData"] = dict(self._user_data)
        call.update({
            "duration": str(self._duration),
            "mute": "On" if self._muted else "Off",
            "supervisorListeningIn": False,
            "monitoredUserMuted": False,
            "monitoring": False,
            "uri": f"{self._base_uri}/api/v2/me/calls/{v.id}",
            "path": f"/calls/{v.id}",
        })
        if v.parent is not None:  # a consult call names the call it was started from (facts §4)
            call["parentCallUri"] = f"{self._base_uri}/api/v2/me/calls/{v.parent}"
            call["parentCallPath"] = f"/calls/{v.parent}"
        data: dict[str, Any] = {"notificationType": self.notification_type, "call": call,
                                "phoneNumber": self._phone}
        if self.notification_type == "StatusChange" and self._state in BUSINESS_CALL_STATES:
            data["extensions"] = {"BusinessCall": 0}
        data["messageType"] = self.message_type
        return {"data": data, "channel": self.channel}


class VoiceError(CometdMessage):
    """The voice ``ErrorMessage`` for a request T-Server refused after GWS answered 200.

    (inference) GWS documents the message type but not its fields (facts §1.1,
    "Gaps"); tsim sends the T-Library error code and text, the operation, and
    the call it was about.
    """

    __slots__ = ("_body",)

    def __init__(self, user: str, phone_number: str, operation: str, error_code: int, error_message: str,
                 call_id: str | None, conn_id: str | None, reference_id: int):
        self.user = user
        self.channel = CALLS_CHANNEL
        self.message_type = "ErrorMessage"
        self.notification_type = None
        self._body = {
            "errorCode": error_code,
            "errorMessage": error_message,
            "operationName": operation,
            "referenceId": reference_id,
            "callId": call_id,
            "connId": conn_id,
            "phoneNumber": phone_number,
            "messageType": self.message_type,
        }

    @property
    def call_id(self) -> str | None:
        call_id = self._body["callId"]
        return call_id if isinstance(call_id, str) else None

    def message(self) -> dict[str, Any]:
        return {"data": dict(self._body), "channel": self.channel}


class DeviceStateChange(CometdMessage):
    """``DeviceStateChangeMessage`` on ``/v2/me/devices`` after an agent-state event, shaped
    like the AgentStateReady / AgentStateNotReady samples (facts §1.9, §5)."""

    __slots__ = ("_device", "state", "work_mode")

    def __init__(self, user: str, device_id: str, phone_number: str, state: str, work_mode: str | None,
                 base_uri: str):
        self.user = user
        self.state = state
        self.work_mode = work_mode
        self.channel = DEVICES_CHANNEL
        self.message_type = "DeviceStateChangeMessage"
        self.notification_type = None
        self._device = (device_id, phone_number, base_uri)  # the body is built when someone reads it

    def device(self) -> dict[str, Any]:
        """The message's device, as the samples show it."""
        device_id, phone_number, base_uri = self._device
        state, work_mode = self.state, self.work_mode
        name = work_mode or state
        user_state: dict[str, Any] = {"id": user_state_id(state, work_mode),
                                      "displayName": DISPLAY_NAMES.get(name, name), "state": state}
        if work_mode:
            user_state["workMode"] = work_mode
        return {
            "id": device_id,
            "deviceState": "Active",
            "userState": user_state,
            "phoneNumber": phone_number,
            "e164Number": phone_number,
            "telephonyNetwork": "Private",
            "doNotDisturb": "Off",
            "voiceEnvironmentUri": voice_environment_uri(base_uri),
            "capabilities": list(DEVICE_CAPABILITIES),
        }

    def message(self) -> dict[str, Any]:
        return {"data": {"messageType": self.message_type, "devices": [self.device()]},
                "channel": self.channel}
