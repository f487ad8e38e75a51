"""The reporting sink: what ICON and Info Mart end up holding.

A T-Server client (``reporting``) registered on every DN, as ICON is. Rules:

- It follows each call by ConnID from the events it receives. The call **ends**
  for reporting when every DN it has seen on the call has left it (EventReleased
  or EventAbandoned, or EventPartyChanged moving the DN to another call when a
  transfer or conference completes). A queue holds a call while it waits there
  (EventQueued until EventDiverted): a call transferred to a queue, its caller
  alone on it, has not ended.
- Until then, each change to the call's attached data (EventAttachedDataChanged,
  or any call event whose UserData differs from the last seen) is recorded,
  as ICON's G_USERDATA_HISTORY does (facts §3).
- An **EventUserEvent** naming the ConnID sets its UserData keys, unless:
  - ``store_event_data`` is ``none`` (ICON's default; tsim's default is
    ``all``, a deployment set up to take dispositions from user events), or
    ``conf`` and the key is not among ``event_data`` (ICON's EventData
    section: only the keys listed there are stored, facts §4), or
  - it arrives more than ``user_event_data_timeout`` after the call ended
    (Info Mart ``[gim-etl] user-event-data-timeout``, default 3600 s): ignored.
- **The last change wins**: for each key, reporting ends with the value of the
  latest change that set it, whether it came as attached data or as a user
  event; a key removed from the attached data is gone unless a user event set
  it since. (inference) How Info Mart merges the two sources is configured per
  site; "last change wins" is the simple rule a site would expect.
- A call is **closed** once ``user_event_data_timeout`` has passed since it
  ended: nothing can change what reporting holds for it any more, so reporting
  journals that (``reporting.final``) and keeps only the call's end time, until
  three timeouts after the call ended, to explain a user event that comes too
  late; after that the ConnID is forgotten. At the end of the run it journals
  what it holds for each call not yet closed. So reporting's memory follows the
  calls of the last few hours, not every call of a long run. (inference) Info Mart's ETL likewise
  stops looking for a call's user-event data after the timeout.

Every decision is journaled (``reporting``), with the reason when something is
ignored.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from . import journal as J
from . import tlib
from .timeunits import format_time
from .timing import Environment

CLIENT = "reporting"
JOINING_EVENTS = frozenset({"EventDialing", "EventRinging", "EventEstablished", "EventHeld", "EventRetrieved",
                            "EventAttachedDataChanged", "EventPartyChanged", "EventPartyAdded"})
LEAVING_EVENTS = frozenset({"EventReleased", "EventAbandoned"})
QUEUED, DIVERTED = "EventQueued", "EventDiverted"  # a queue holds the call from one to the other
_ABSENT = object()
_NOTHING: dict[str, Any] = {}  # shared, never changed
TOMBSTONE_TIMEOUTS = 3  # a closed call's end time is remembered until this many timeouts after it ended


@dataclass(slots=True)
class ReportingSettings:
    user_event_data_timeout: int = 3600 * 1_000_000  # µs
    store_event_data: str = "all"  # "all" | "conf" | "none"
    event_data: tuple[str, ...] = ()  # with "conf": the keys stored


@dataclass(slots=True)
class CallRecord:
    conn_id: str
    call_uuid: str
    live_dns: set[str] = field(default_factory=set)
    attached: dict[str, Any] = field(default_factory=dict)  # the attached data as last seen
    holds: dict[str, Any] = field(default_factory=dict)  # what reporting holds: the last change wins
    ended_at: int | None = None

    def attached_changed(self, data: dict[str, Any]) -> None:
        before = self.attached
        for key, value in data.items():
            if before.get(key, _ABSENT) != value:
                self.holds[key] = value
        for key in before.keys() - data.keys():
            if self.holds.get(key, _ABSENT) == before[key]:
                del self.holds[key]
        self.attached = data


class ReportingSink:
    def __init__(self, env: Environment, journal: J.Journal, settings: ReportingSettings):
        self.env = env
        self.journal = journal
        self.settings = settings
        self.calls: dict[str, CallRecord] = {}  # the calls not closed, by ConnID
        self.closed: dict[str, int] = {}  # ConnID → when it ended, for a closed call still remembered
        self._ended: deque[CallRecord] = deque()  # calls that ended and are not closed, by end time
        self._closed_order: deque[tuple[int, str]] = deque()
        self._due_after: float = math.inf  # past this instant, _close_due has something to do

    def _close_due(self) -> None:
        """Close the calls whose user-event timeout has passed; forget those closed a timeout ago."""
        now, timeout = self.env.now, self.settings.user_event_data_timeout
        ended = self._ended
        while ended and ended[0].ended_at + timeout < now:  # type: ignore[operator]
            call = ended.popleft()
            if self.calls.get(call.conn_id) is not call:
                continue
            del self.calls[call.conn_id]
            self._final(call)
            self.closed[call.conn_id] = call.ended_at  # type: ignore[assignment]
            self._closed_order.append((call.ended_at, call.conn_id))  # type: ignore[arg-type]
        order = self._closed_order
        while order and order[0][0] + TOMBSTONE_TIMEOUTS * timeout < now:
            _, conn_id = order.popleft()
            self.closed.pop(conn_id, None)
        self._due_after = min(ended[0].ended_at + timeout if ended else math.inf,  # type: ignore[operator]
                              order[0][0] + TOMBSTONE_TIMEOUTS * timeout if order else math.inf)

    def on_event(self, event: tlib.TEvent) -> None:
        if self.env.now > self._due_after:
            self._close_due()
        name = event.name
        attrs = event.attrs
        if name == "EventUserEvent":
            self._user_event(event)
            return
        conn_id = attrs.get("ConnID")
        if conn_id is None or "CallUuid" not in attrs or name == "EventError":
            return
        call = self.calls.get(conn_id)
        if call is None:
            if conn_id in self.closed:
                return
            call = self.calls[conn_id] = CallRecord(conn_id, attrs["CallUuid"])
        previous = attrs.get("PreviousConnID") if name == "EventPartyChanged" else None  # moved from that call
        if previous is not None and previous != conn_id and previous in self.calls:
            self._leave(self.calls[previous], attrs["ThisDN"], attrs)
        if call.ended_at is not None:
            return
        data = attrs.get("UserData")
        if data is not None and data != call.attached:
            call.attached_changed(dict(data))
        if name in LEAVING_EVENTS:
            self._leave(call, attrs["ThisDN"], attrs)
        elif name in JOINING_EVENTS or name == QUEUED:
            call.live_dns.add(attrs["ThisDN"])
        elif name == DIVERTED:  # handed on: the DN it goes to is in the same batch, next
            call.live_dns.discard(attrs["ThisDN"])

    def _leave(self, call: CallRecord, dn: str, attrs: dict[str, Any]) -> None:
        call.live_dns.discard(dn)
        if not call.live_dns and call.ended_at is None:
            call.ended_at = self.env.now
            call.attached = _NOTHING  # an ended call's attached data no longer counts: only what it holds
            self._ended.append(call)
            self._due_after = min(self._due_after, call.ended_at + self.settings.user_event_data_timeout)
            self.journal.append(J.REPORTING, {"connId": call.conn_id, "callUuid": call.call_uuid,
                                              "what": "call-end", "userData": dict(call.holds)},
                                {"event": attrs["EventSequenceNumber"]})

    def _user_event(self, event: tlib.TEvent) -> None:
        attrs = event.attrs
        conn_id = attrs.get("ConnID")
        given = attrs.get("UserData")
        data: dict[str, Any] = dict(given) if isinstance(given, dict) else {}
        call = self.calls.get(conn_id) if isinstance(conn_id, str) else None
        entry: dict[str, Any] = {"connId": conn_id, "what": "user-event", "userData": dict(data)}
        reason = None
        ended_at = call.ended_at if call is not None else self.closed.get(conn_id) if isinstance(conn_id, str) \
            else None
        if call is None and ended_at is None:
            reason = "no call with this ConnID is known to reporting"
        elif self.settings.store_event_data == "none":
            reason = "ICON store-event-data is none: user-event data is not stored"
        elif self.settings.store_event_data == "conf":
            ignored = sorted(key for key in data if key not in self.settings.event_data)
            if ignored:
                entry["ignoredKeys"] = ignored
                data = {key: value for key, value in data.items() if key in self.settings.event_data}
            if not data:
                reason = (f"ICON store-event-data is conf and its EventData section lists none of the keys "
                          f"{', '.join(ignored) or '(none sent)'}")
        if reason is None and ended_at is not None and self.env.now - ended_at > self.settings.user_event_data_timeout:
            late = self.env.now - ended_at
            reason = (f"arrived {format_time(late)} after the call ended, over Info Mart's "
                      f"user-event-data-timeout of {format_time(self.settings.user_event_data_timeout)}")
        entry["accepted"] = reason is None
        if call is not None and reason is None:
            call.holds.update(data)
        else:
            entry["reason"] = reason
        meta = {"event": attrs["EventSequenceNumber"]}
        if "ReferenceID" in attrs:
            meta["referenceId"] = attrs["ReferenceID"]
        self.journal.append(J.REPORTING, entry, meta)

    def finish(self) -> None:
        """Journal what reporting holds for each call not yet closed, at the end of the run."""
        for call in self.calls.values():
            self._final(call)

    def _final(self, call: CallRecord) -> None:
        self.journal.append(J.REPORTING_FINAL, {
            "connId": call.conn_id, "callUuid": call.call_uuid, "ended": call.ended_at is not None,
            "userData": dict(call.holds),
        })
