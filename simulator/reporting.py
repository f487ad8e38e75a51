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
  as ICON's G_USERDATA_HISTORY does (facts §3), by the key's history in ICON's
  attached-data spec or ``adata-userdata-history`` (``reportdb.icon``): none
  (not recorded), first, last or all.
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

- **Info Mart's legs.** For every agent leg (an agent's DN on the call, from its
  first event there until it left), reporting works out the value of the
  disposition key Info Mart keeps by its propagation rule (``rule``:
  ``reportdb.gim.decide``, the same function the tables are built with, on the
  same changes: attached-data changes by their ThirdPartyDN, stored user events
  by their DN, at the events' own times) and journals it with the call's final
  state (``legs``), so a disposition record reads the value its own agent's leg
  keeps.

Every decision is journaled (``reporting``), with the reason when something is
ignored.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import journal as J
from . import tlib
from .reportdb.gim import Candidate, decide
from .reportdb.icon import history_of, kept_changes
from .reportdb.idb import event_time
from .timeunits import format_time
from .timing import Environment

CLIENT = "reporting"
JOINING_EVENTS = frozenset({"EventDialing", "EventRinging", "EventEstablished", "EventHeld", "EventRetrieved",
                            "EventAttachedDataChanged", "EventPartyChanged", "EventPartyAdded"})
LEAVING_EVENTS = frozenset({"EventReleased", "EventAbandoned"})
QUEUED, DIVERTED = "EventQueued", "EventDiverted"  # a queue holds the call from one to the other
_ABSENT = object()
_NOTHING: dict[str, Any] = {}  # shared, never changed
_NONE_LEFT: frozenset[str] = frozenset()  # an ended call's live DNs and first keys (shared: an ended call is
# kept for a user-event timeout, so it keeps only what it still needs)
TOMBSTONE_TIMEOUTS = 3  # a closed call's end time is remembered until this many timeouts after it ended


@dataclass(slots=True)
class ReportingSettings:
    user_event_data_timeout: int = 3600 * 1_000_000  # µs
    store_event_data: str = "all"  # "all" | "conf" | "none"
    event_data: tuple[str, ...] = ()  # with "conf": the keys stored
    key: str = "DispositionCode"  # the disposition key Info Mart maps
    rule: str = "CALL"  # its propagation rule
    attached_data: dict[str, str] = field(default_factory=dict)  # ICON's attached-data spec: key → history
    userdata_history: str = "all"  # ICON adata-userdata-history: the history of the keys the spec omits

    def history(self, key: str) -> str:
        return history_of(key, self.attached_data, self.userdata_history)


@dataclass(slots=True)
class CallRecord:
    conn_id: str
    call_uuid: str
    live_dns: set[str] = field(default_factory=set)
    attached: dict[str, Any] = field(default_factory=dict)  # the attached data as last seen
    holds: dict[str, Any] = field(default_factory=dict)  # what reporting holds: the last change wins
    ended_at: int | None = None
    ended_event: int | None = None  # the time (µs since 1970) of the event that ended it
    legs: dict[str, list[Any]] = field(default_factory=dict)  # agent DN → its last leg [began, left] (µs)
    changes: list[Candidate] = field(default_factory=list)  # the disposition key's changes, in order
    first: set[str] = field(default_factory=set)  # keys ICON recorded a first value of (history first)

    def attached_changed(self, data: dict[str, Any], history: Callable[[str], str]) -> None:
        """The attached data changed: what reporting holds follows ICON's history of each key
        (none: nothing; first: the first value; last, all: the last change)."""
        before = self.attached
        for key, value in data.items():
            if before.get(key, _ABSENT) != value:
                kept = history(key)
                if kept in ("last", "all") or (kept == "first" and key not in self.first):
                    self.holds[key] = value
                    self.first.add(key)
        for key in before.keys() - data.keys():
            if history(key) in ("last", "all") and self.holds.get(key, _ABSENT) == before[key]:
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
        self._closed_at: deque[int] = deque()  # when each closed call ended, in closing order
        self._closed_ids: deque[str] = deque()  # … and its ConnID (two deques: no tuple per call)
        self._due_after: float = math.inf  # past this instant, _close_due has something to do
        self.agents: set[str] = set()  # the DNs an agent is logged in on
        self._changes = 0  # orders the key's changes that share an instant

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
            self._closed_at.append(call.ended_at)  # type: ignore[arg-type]
            self._closed_ids.append(call.conn_id)
        closed_at = self._closed_at
        while closed_at and closed_at[0] + TOMBSTONE_TIMEOUTS * timeout < now:
            closed_at.popleft()
            self.closed.pop(self._closed_ids.popleft(), None)
        self._due_after = min(ended[0].ended_at + timeout if ended else math.inf,  # type: ignore[operator]
                              closed_at[0] + TOMBSTONE_TIMEOUTS * timeout if closed_at else math.inf)

    def on_event(self, event: tlib.TEvent) -> None:
        if self.env.now > self._due_after:
            self._close_due()
        name = event.name
        attrs = event.attrs
        if name == "EventUserEvent":
            self._user_event(event)
            return
        if name == "EventAgentLogin":
            self.agents.add(attrs["ThisDN"])
        elif name == "EventAgentLogout":
            self.agents.discard(attrs["ThisDN"])
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
        dn = attrs["ThisDN"]
        if dn in self.agents and (dn not in call.legs or call.legs[dn][1] is not None):
            call.legs[dn] = [event_time(attrs), None]  # a leg begins (again)
        data = attrs.get("UserData")
        if data is not None and data != call.attached:
            key = self.settings.key
            before = call.attached.get(key, _ABSENT)
            call.attached_changed(dict(data), self.settings.history)
            after = data.get(key, _ABSENT)
            if after is not before and after != before:
                by = attrs.get("ThirdPartyDN") if name == "EventAttachedDataChanged" else None
                self._change(call, None if after is _ABSENT else after, "g_userdata_history", by, attrs)
        if name in LEAVING_EVENTS:
            self._leave(call, attrs["ThisDN"], attrs)
        elif name in JOINING_EVENTS or name == QUEUED:
            call.live_dns.add(attrs["ThisDN"])
        elif name == DIVERTED:  # handed on: the DN it goes to is in the same batch, next
            call.live_dns.discard(attrs["ThisDN"])

    def _change(self, call: CallRecord, value: Any, table: str, dn: str | None, attrs: dict[str, Any]) -> None:
        self._changes += 1
        text = None if value is None else value if isinstance(value, str) else str(value)
        call.changes.append(Candidate(text, table, self._changes, dn, event_time(attrs), self._changes))

    def _leave(self, call: CallRecord, dn: str, attrs: dict[str, Any]) -> None:
        leg = call.legs.get(dn)
        if leg is not None and leg[1] is None:
            leg[1] = event_time(attrs)
        if call.ended_at is not None:
            return
        call.live_dns.discard(dn)
        if not call.live_dns:
            call.ended_at = self.env.now
            call.ended_event = event_time(attrs)
            call.attached = _NOTHING  # an ended call's attached data no longer counts: only what it holds
            call.live_dns = call.first = _NONE_LEFT  # type: ignore[assignment]
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
            reason = "G_CUSTOM_DATA_S has no row: ICON store-event-data is none (user-event data is not stored)"
        elif self.settings.store_event_data == "conf":
            ignored = sorted(key for key in data if key not in self.settings.event_data)
            if ignored:
                entry["ignoredKeys"] = ignored
                data = {key: value for key, value in data.items() if key in self.settings.event_data}
            if not data:
                reason = (f"G_CUSTOM_DATA_S has no row: ICON store-event-data is conf and its EventData section "
                          f"lists none of the keys "
                          f"{', '.join(ignored) or '(none sent)'}")
        if reason is None and ended_at is not None and self.env.now - ended_at > self.settings.user_event_data_timeout:
            late = self.env.now - ended_at
            reason = (f"arrived {format_time(late)} after the call ended, over Info Mart's "
                      f"user-event-data-timeout of {format_time(self.settings.user_event_data_timeout)}")
        entry["accepted"] = reason is None
        if call is not None and reason is None:
            call.holds.update(data)
            if self.settings.key in data:
                self._change(call, data[self.settings.key], "g_custom_data_s", attrs.get("ThisDN"), attrs)
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
        final: dict[str, Any] = {"connId": call.conn_id, "callUuid": call.call_uuid,
                                 "ended": call.ended_at is not None, "userData": dict(call.holds)}
        if call.legs:
            final["legs"] = {"key": self.settings.key, "rule": self.settings.rule, "kept": self._legs(call)}
        self.journal.append(J.REPORTING_FINAL, final)

    def _legs(self, call: CallRecord) -> dict[str, Any]:
        """Each agent's last leg on the call → the key's value Info Mart keeps there (None: nothing)."""
        history = self.settings.history(self.settings.key)
        logged = kept_changes(history, [c for c in call.changes if c.table == "g_userdata_history"],
                              lambda c: c.value is None)
        changes = sorted(logged + [c for c in call.changes if c.table != "g_userdata_history"],
                         key=lambda c: (c.at, c.order))
        legs = {}
        for dn, (began, left) in sorted(call.legs.items(), key=lambda item: item[1][0]):
            kept, _ = decide(changes, self.settings.rule, dn, began, left, call.ended_event,
                             self.settings.user_event_data_timeout)
            legs[dn] = kept.value if kept is not None else None
        return legs
