"""Web Services' state: users, their views of calls, pending requests; events in, CometD out.

GWS is one T-Server client (``gws``) registered on its users' DNs. Its view
of each call (``view.CallView``) changes only when an event crosses the link.
A request's real outcome comes as events (and CometD), or as EventError → a
CometD ``ErrorMessage``. The operations (``session``, ``operations``,
``disposition``) build on this; ``service.WebServices`` routes HTTP to them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import journal as J
from .. import tlib
from ..lane import lane
from ..links import Link
from ..timeunits import format_time
from ..timing import Environment
from . import status
from .capabilities import capabilities
from .messages import CallStateChange, CometdMessage, DeviceStateChange, VoiceError
from .status import GwsError
from .view import EVENT_STATE, CallView, joined_participants, participants_after

PARTY_EVENTS = frozenset({"EventPartyChanged", "EventPartyAdded", "EventPartyDeleted"})
CONSULT_STARTS = {"InitiateTransfer": "TransferConnID", "InitiateConference": "ConferenceConnID"}
WORK_MODES = {"AgentAfterCallWork": "AfterCallWork", "AgentAuxWork": "AuxWork"}  # TAgentWorkMode → workMode

CLIENT = "gws"


RESENT_HELD = ("a consult from a call already Held brings no EventHeld: tsim tells the desktop again about the "
               "held call, whose capabilities changed")
"""The reason, journaled with it, for the StatusChange ``_consult_started`` sends (an inference)."""
COMPLETED = "Completed"  # (inference) the state GWS's last StatusChange names when a call is completed
LOGGED_OUT = "LoggedOut"  # (inference) userState.state after EventAgentLogout: the facts source Ready|NotReady only
AGENT = "agent"
ON_RELEASE = "on_release"
AFTER_RETENTION = "after_retention"


@dataclass(slots=True)
class GwsSettings:
    """Server settings. ``disposition_key``: the key SetCallDisposition uses when
    the request names none (WWE's ``interaction.disposition.key-name`` default).
    ``fallback_to_user_event``: after the userData path meets EventError, send
    the disposition as a user event instead (off: the real API documents no
    such retry)."""

    disposition_key: str = "DispositionCode"
    base_uri: str = "http://127.0.0.1:8080"
    fallback_to_user_event: bool = False
    call_completion: str = AGENT  # agent | on_release | after_retention
    retention: int = 3600 * 1_000_000  # µs a released call stays, with after_retention
    completion_notice: bool = False  # a last StatusChange "Completed" to the desktop (v3 style, not v2)
    offer_mute: bool = False  # MuteCall / UnmuteCall among an Established call's capabilities


@dataclass(slots=True)
class User:
    name: str
    dn: str
    device_id: str
    calls: dict[str, CallView] = field(default_factory=dict)  # by call id (= CallUuid)
    completed: dict[str, int] = field(default_factory=dict)  # call id → when it was completed (µs)
    agent_state: str = tlib.NOT_READY  # as Web Services last heard from T-Server
    work_mode: str | None = None
    session_started: bool = False  # StartContactCenterSession
    channels: tuple[str, ...] = ()
    moved: dict[str, str] = field(default_factory=dict)  # consult call id → the call its party moved onto
    moved_onto: dict[str, list[str]] = field(default_factory=dict)  # that call → those consult call ids


def require_view(user: User, call_id: str) -> CallView:
    """The user's view of a call, or statusCode 6."""
    view = user.calls.get(call_id)
    if view is None and call_id in user.moved:
        raise GwsError(status.NOT_FOUND, f"Requested resource not found: call {call_id} is now call "
                                         f"{user.moved[call_id]} (the transfer or conference completed)")
    if view is None and call_id in user.completed:
        raise GwsError(status.NOT_FOUND, f"Requested resource not found: call {call_id} was completed "
                                         f"at {format_time(user.completed[call_id])}")
    if view is None:
        raise GwsError(status.NOT_FOUND, f"Requested resource not found: call {call_id}")
    return view


@dataclass(slots=True)
class Pending:
    """A T-Library request GWS sent and has not yet had an answer for."""

    user: str
    operation: str
    call_id: str | None
    conn_id: str | None
    request: str
    disposition: dict[str, Any] | None = None  # SetCallDisposition: what to fall back with
    call_uuid: str | None = None


@dataclass(slots=True)
class HttpAnswer:
    request: str
    status: int
    body: dict[str, Any]
    reference_id: int | None = None


FallBack = Callable[["ServiceState", User, Pending, int], None]
"""(Web Services, the user, the failed request, its ReferenceID) → the disposition sent again."""


class ServiceState:
    """Web Services' state: its users, their views of calls (kept from the events that cross the
    link), the requests it has sent T-Server and not yet had an answer for; and the primitives the
    operations build on: send a request, complete a call, publish to a desktop."""

    def __init__(self, env: Environment, journal: J.Journal, settings: GwsSettings, users: list[User],
                 fall_back: FallBack):
        """``fall_back``: the disposition's second try after EventError on the userData path, with
        ``fallback_to_user_event`` (the disposition operation's, given by the layer above)."""
        self.env = env
        self.fall_back = fall_back
        self.journal = journal
        self.settings = settings
        self.users = {u.name: u for u in users}
        self.by_dn = {u.dn: u for u in users}
        self.pending: dict[int, Pending] = {}
        self.to_tserver: Link | None = None
        self.to_desktop: dict[str, Link] = {}  # user → CometD link to the desktop
        self.desktop_listeners: list[Callable[[CometdMessage], None]] = []  # live mode: the CometD server
        self._refs = 0
        self._requests = 0
        self._completed: deque[tuple[int, User, str]] = deque()  # (when, whose, call id), oldest first
        self._retention = lane(env)  # released calls waiting for their retention to pass
        # What every CometD message repeats, made once (a long run's journal keeps millions of messages):
        self._device_uris: dict[tuple[str, str], str] = {}  # (base URI, user) → the device's URI
        self._offer_sets: dict[tuple[str, ...], tuple[str, ...]] = {}  # each set of capabilities offered

    # -- towards T-Server -----------------------------------------------------
    def next_reference(self) -> int:
        self._refs += 1
        return self._refs

    def send(self, reference_id: int, name: str, attrs: dict[str, Any], pending: Pending) -> None:
        self.pending[reference_id] = pending
        assert self.to_tserver is not None, "WebServices is not connected to T-Server"
        self.to_tserver.send(tlib.TRequest(name, CLIENT, reference_id, attrs, self.env.now))

    # -- from T-Server ---------------------------------------------------------
    def on_event(self, event: tlib.TEvent) -> None:
        """An event has crossed the link: update the view, tell the desktop."""
        attrs = event.attrs
        ref = attrs.get("ReferenceID")
        pending = self.pending.pop(ref, None) if ref is not None else None
        meta = {"event": attrs["EventSequenceNumber"]}
        if pending is not None:
            meta["referenceId"] = ref
            self.journal.append(J.GWS_OUTCOME, {"request": pending.request, "referenceId": ref,
                                                "event": event.name}, {"event": meta["event"]})
        name = event.name
        this_dn = attrs.get("ThisDN")
        user = self.by_dn.get(this_dn) if isinstance(this_dn, str) else None
        if name == "EventError":
            if pending is not None:
                self._on_error(event, pending, meta)
            return
        if user is None:
            return
        state = EVENT_STATE.get(name)
        if state is not None:
            view = user.calls.get(attrs["CallUuid"])
            new = view is None
            if view is None:
                view = user.calls[attrs["CallUuid"]] = CallView.from_event(event, state, self.env.now)
                view.parent = self._consulted(user, attrs)
            else:
                view.apply_state(event, state)
            if pending is not None and pending.operation in CONSULT_STARTS and view.parent is None:
                view.consulting = CONSULT_STARTS[pending.operation]  # held for a consult call about to start
            if state == tlib.RELEASED:
                if view.ended_at is None:
                    view.ended_at = self.env.now
                self._consult_over(user, view)
            self._tell(user, "StatusChange", view, meta)
            if new and view.parent is not None:
                self._consult_started(user, view, meta)
            if state == tlib.RELEASED:
                self._released(user, view)
        elif name in ("EventMuteOn", "EventMuteOff"):
            view = user.calls.get(attrs["CallUuid"])
            if view is not None:
                view.muted = name == "EventMuteOn"
                self._tell(user, "StatusChange", view, meta)  # (inference) the type
        elif name in PARTY_EVENTS:
            self._party_event(user, event, meta)
        elif name == "EventAttachedDataChanged":
            view = user.calls.get(attrs["CallUuid"])
            if view is not None:
                view.user_data = attrs.get("UserData") or {}
                self._tell(user, "AttachedDataChanged", view, meta)
        elif name == "EventDTMFSent":
            view = user.calls.get(attrs["CallUuid"])
            if view is not None:
                self._tell(user, "DtmfSent", view, meta)
        elif name in ("EventAgentReady", "EventAgentNotReady", "EventAgentLogin"):
            ready = name == "EventAgentReady"
            mode = attrs.get("AgentWorkMode")
            work_mode = WORK_MODES.get(mode) if isinstance(mode, str) else None
            user.agent_state, user.work_mode = (tlib.READY if ready else tlib.NOT_READY), work_mode
            if not self._unread(user, meta):
                self._cometd(DeviceStateChange(user.name, user.device_id, user.dn,
                                               tlib.READY if ready else tlib.NOT_READY, work_mode,
                                               self.settings.base_uri), meta)
        elif name == "EventAgentLogout":
            user.agent_state, user.work_mode = LOGGED_OUT, None
            if not self._unread(user, meta):
                self._cometd(DeviceStateChange(user.name, user.device_id, user.dn, LOGGED_OUT, None,
                                               self.settings.base_uri), meta)

    @staticmethod
    def _consulted(user: User, attrs: dict[str, Any]) -> str | None:
        """For a consult call's first event: the id of the call it consults from."""
        original = attrs.get("TransferConnID") or attrs.get("ConferenceConnID")
        if original is None:
            return None
        return next((v.id for v in user.calls.values() if v.conn_id == original), None)

    def _consult_started(self, user: User, consult: CallView, meta: dict[str, Any]) -> None:
        """A consult call appeared. Consulting from a call already Held brings no
        EventHeld, so nothing has told the desktop that the original now offers
        the completion and SwapCalls: (inference) Web Services sends the
        original's StatusChange again, with its new capabilities."""
        original = user.calls.get(consult.parent) if consult.parent is not None else None
        if original is not None and original.consulting is None and consult.consult_link is not None:
            original.consulting = consult.consult_link
            self._tell(user, "StatusChange", original, {**meta, "inference": RESENT_HELD})

    @staticmethod
    def _consult_over(user: User, view: CallView) -> None:
        """A consult call left this device: its original call is no longer consulting."""
        original = user.calls.get(view.parent) if view.parent is not None else None
        if original is not None:
            original.consulting = None
        if view.parent is None:
            view.consulting = None

    def _party_event(self, user: User, event: tlib.TEvent, meta: dict[str, Any]) -> None:
        attrs = event.attrs
        previous = attrs.get("PreviousConnID")
        if previous is not None and previous != attrs["ConnID"]:  # this device's party moved onto this call
            old = next((v for v in user.calls.values() if v.conn_id == previous), None)
            state = old.state if old is not None else tlib.ESTABLISHED
            if old is not None:
                self._consult_over(user, old)
                del user.calls[old.id]
                user.moved[old.id] = attrs["CallUuid"]
                user.moved_onto.setdefault(attrs["CallUuid"], []).append(old.id)
            view = CallView.from_event(event, state, old.created_at if old is not None else self.env.now)
            view.participants = joined_participants(event)
            if attrs.get("ThirdPartyDNRole") == tlib.ROLE_CONFERENCED_BY:
                view.conference_owner = attrs.get("ThirdPartyDN")
            user.calls[view.id] = view
            self._tell(user, "StatusChange", view, meta)
            return
        current = user.calls.get(attrs["CallUuid"])
        if current is not None:
            current.participants = participants_after(current, event)
            if attrs.get("ThirdPartyDNRole") == tlib.ROLE_ADDED_BY and current.conference_owner is None:
                current.conference_owner = attrs.get("ThirdPartyDN")
            self._tell(user, "ParticipantsUpdated", current, meta)

    def _on_error(self, event: tlib.TEvent, pending: Pending, meta: dict[str, Any]) -> None:
        attrs = event.attrs
        user = self.users[pending.user]
        gone = pending.call_id is not None and pending.call_id in user.completed and pending.call_id not in user.calls
        if not gone:  # a call completed meanwhile: the desktop hears nothing more of it
            self._cometd(VoiceError(user.name, user.dn, pending.operation, attrs["ErrorCode"],
                                    attrs["ErrorMessage"], pending.call_id, pending.conn_id, attrs["ReferenceID"]),
                         meta)
        if pending.disposition is not None and self.settings.fallback_to_user_event:
            self.fall_back(self, user, pending, attrs["ReferenceID"])

    # -- call completion -------------------------------------------------------
    def _released(self, user: User, view: CallView) -> None:
        mode = self.settings.call_completion
        if mode == ON_RELEASE:
            self.complete(user, view)
        elif mode == AFTER_RETENTION:  # one fixed delay: the timers ride one lane, in order
            self._retention.add(self.settings.retention, self._retention_over, (user, view))

    def _retention_over(self, whose: tuple[User, CallView]) -> None:
        user, view = whose
        if user.calls.get(view.id) is view and view.state == tlib.RELEASED:
            self.complete(user, view)

    def complete(self, user: User, view: CallView, by_agent: bool = False) -> None:
        """The call leaves Web Services: later requests on it answer statusCode 6,
        and the desktop hears nothing more of it.

        Only a Released call can be completed (the agent's ``Complete`` on a live
        call answers statusCode 2). Completion is journaled (``gws.completed``);
        the desktop is told only with ``completion_notice`` — GWS v2 documents no
        such message; (inference) tsim then sends a last StatusChange, state
        Completed, as the later Workspace API does.
        """
        if view.state != tlib.RELEASED:
            raise GwsError(status.INVALID_STATE, f"Complete is not valid for a call that is {view.state}")
        del user.calls[view.id]
        self._remember_completed(user, view.id)
        by = "agent" if by_agent else self.settings.call_completion
        self.journal.append(J.GWS_COMPLETED, {"user": user.name, "callId": view.id, "connId": view.conn_id,
                                              "by": by})
        if self.settings.completion_notice:
            view.state = COMPLETED
            self._tell(user, "StatusChange", view, {"completedBy": by})

    def _remember_completed(self, user: User, call_id: str) -> None:
        """Web Services remembers a completed call for ``retention``, then forgets it
        (its requests answer "not found" instead of "completed at"), and with it the
        consult calls whose party moved onto it: what it keeps follows the calls of
        the last hour, not every call of a day."""
        now, completed = self.env.now, self._completed
        horizon = now - self.settings.retention
        while completed and completed[0][0] < horizon:
            _, whose, old = completed.popleft()
            if whose.completed.get(old, now) < horizon:
                del whose.completed[old]
                for consult in whose.moved_onto.pop(old, ()):
                    whose.moved.pop(consult, None)
        user.completed[call_id] = now
        completed.append((now, user, call_id))

    # -- towards the desktop ---------------------------------------------------
    def _unread(self, user: User, meta: dict[str, Any]) -> bool:
        """Nobody would read this CometD message: a streamed run (``--journal records`` or
        ``none``) with no expectation and no desktop connected, and the message answers no
        request (the record builder reads only those). Then it is not made, only numbered
        in the journal (``Journal.skip``), so every other entry keeps its number."""
        if self.desktop_listeners or user.name in self.to_desktop or self.journal.reads(J.COMETD, meta):
            return False
        self.journal.skip()
        return True

    def _tell(self, user: User, notification_type: str, view: CallView, meta: dict[str, Any]) -> None:
        """Tell the desktop about the call as it is now, if anyone would read it (``_unread``)."""
        if not self._unread(user, meta):
            self._cometd(self._call_message(user, notification_type, view), meta)

    def _call_message(self, user: User, notification_type: str, view: CallView) -> CallStateChange:
        offered = self.offers(user, view)
        base = self.settings.base_uri  # (the live server sets it once it knows its own address)
        uri = self._device_uris.get((base, user.name))
        if uri is None:
            uri = self._device_uris[base, user.name] = f"{base}/api/v2/devices/{user.device_id}"
        return CallStateChange(user.name, notification_type, view, user.dn, uri,
                               base, self.env.now, self._offer_sets.setdefault(offered, offered))

    def offers(self, user: User, view: CallView) -> tuple[str, ...]:
        """The call's capabilities now, in its situation among the user's calls (``capabilities``)."""
        calls = user.calls
        others = (other for other in calls.values() if other is not view) if len(calls) > 1 else ()
        return capabilities(view, others, self.settings.offer_mute, user.dn)

    def _cometd(self, message: CometdMessage, meta: dict[str, Any]) -> None:
        """Publish to the user's desktop; journaled when it arrives there."""
        link = self.to_desktop.get(message.user)
        if link is None:
            self.journal.append(J.COMETD, message, meta)
            for listener in self.desktop_listeners:
                listener(message)
        else:
            link.send((message, meta, self.env.now, len(self.journal)))

    def on_desktop(self, delivery: tuple[CometdMessage, dict[str, Any], int, int]) -> None:
        """A CometD message reaches the desktop. One that travelled records when it
        left (``sentAt``) and the last journal entry before it left (``sentAfter``)."""
        message, meta, sent_at, sent_after = delivery
        if sent_at != self.env.now:
            meta = {**meta, "sentAt": sent_at, "sentAfter": sent_after}
        self.journal.append(J.COMETD, message, meta)
        for listener in self.desktop_listeners:
            listener(message)

