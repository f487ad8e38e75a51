"""Disposition records and the call table, read from the journal alone — as it is
written, one entry at a time, so a run of a million calls never holds them all.

One ``record.DispositionRecord`` per SetCallDisposition request
(``gws.disposition`` entries). ``tserverState`` is the last state event of the
user's DN on that ConnID that T-Server had emitted when the request arrived at
Web Services. What reporting ends with under the key decides the record's
fate: ``reported``, ``superseded`` (it arrived, a later change replaced it) or
``lost`` (it never arrived, or reporting ignored it), with the reason in words.

Rules of the online builder (``RecordBuilder``):

- A record is **complete** once its answer is back at Web Services (and, when
  the userData path met EventError with the fallback on, the fallback's too),
  reporting has taken or refused each user event it sent, and reporting has
  closed the call (``reporting.final``: one user-event timeout after the call
  ended, or the end of the run). Then it is built and handed on, and what was
  kept for it is dropped. At the end of the run every record still open is
  built from what arrived.
- A ConnID's states and what reporting holds for it are kept for one more
  user-event timeout after reporting closed the call, for dispositions clicked
  even later; after that the call is forgotten, as reporting forgets it.
- CometD messages count when they reach the desktop before the record is
  complete: a message still in flight an hour after the call ended (a desktop
  link slower than the user-event timeout) is not in the record.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import journal as J
from . import tlib
from .gws.view import EVENT_STATE
from .record import (
    DispositionPath,
    DispositionRecord,
    Fallback,
    Fate,
    HttpAnswer,
    InfoMartPlace,
    ReportingFate,
    Times,
    TServerOutcome,
)
from .timeunits import format_time, seconds

OUTCOME_EVENTS = ("EventAttachedDataChanged", "EventUserEvent", "EventError")
CallRow = dict[str, Any]
RecordSink = Callable[[DispositionRecord, "Leaving", int], None]  # (record, when its agent left the call, order)


@dataclass(slots=True, eq=False)
class _Row:
    """A call row while its call is followed (a mapping only when it is handed on: an hour of
    calls is kept, so each keeps only its values)."""

    conn_id: str
    call_uuid: str
    call_type: Any
    ani: Any
    dnis: Any
    first_event_at: int  # µs

    def handed_on(self, released_at: float | None) -> CallRow:
        return {"name": None, "connId": self.conn_id, "callUuid": self.call_uuid, "callType": self.call_type,
                "ani": self.ani, "dnis": self.dnis, "firstEventAt": seconds(self.first_event_at),
                "releasedAt": released_at}


@dataclass(frozen=True, slots=True)
class _Final:
    """What reporting held when it closed the call (``reporting.final``): whether the call
    had ended, its user data, and where Info Mart maps the disposition key, by which rule,
    what each agent's leg keeps (``kept``, empty when the call had no agent leg)."""

    ended: bool
    user_data: dict[str, Any]
    key: str | None
    rule: str | None
    kept: dict[str, Any]

    @staticmethod
    def of(payload: dict[str, Any]) -> _Final:
        legs = payload.get("legs") or _NOTHING
        return _Final(bool(payload["ended"]), _shared(payload["userData"]), legs.get("key"), legs.get("rule"),
                      _shared(legs.get("kept") or _NOTHING))


_NOTHING: dict[str, Any] = {}  # shared, never changed
_SHARED: dict[tuple[tuple[Any, Any], ...], dict[str, Any]] = {}
_SHARED_AT_MOST = 4096


def _shared(data: dict[str, Any]) -> dict[str, Any]:
    """One dict for each small content a closed call keeps (never changed after): most calls
    end holding the same few values, and an hour of them is kept. Bounded: the table starts
    again when full."""
    if not data:
        return _NOTHING
    if len(data) > 4 or not all(value is None or type(value) is str for value in data.values()):
        return data  # (only text is shared: 1, 1.0 and True are equal, and would be written alike)
    content = tuple(data.items())
    found = _SHARED.get(content)
    if found is not None:
        return found
    if len(_SHARED) >= _SHARED_AT_MOST:
        _SHARED.clear()
    _SHARED[content] = data
    return data


@dataclass(slots=True, eq=False)
class _Conn:
    """What the builder knows of one ConnID: its row (until it is handed on when
    reporting closes the call), each party's state, what reporting holds."""

    row: _Row | None = None
    released_at: float | None = None  # seconds, as the row says
    parties: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    # DN → (the party's state, when it was first released): one small dict, as an hour of calls is kept
    final: _Final | None = None  # what reporting held when it closed the call
    waiting: list[_Pending] | None = None  # records waiting for the final

    def state(self, dn: Any) -> str | None:
        party = self.parties.get(dn)
        return party[0] if party is not None else None

    def first_release(self, dn: Any) -> int | None:
        party = self.parties.get(dn)
        return party[1] if party is not None else None

    def set_state(self, dn: str, state: str, now: int | None) -> None:
        """The party's state changed (at ``now``: its first release is kept; None: a state it
        brought from another call, no release of its own)."""
        party = self.parties.get(dn)
        released = party[1] if party is not None else None
        if released is None and state == tlib.RELEASED and now is not None:
            released = now
        self.parties[dn] = (state, released)


@dataclass(frozen=True, slots=True)
class Leaving:
    """When the disposing agent left the call (their party's first release, seconds;
    else when the call was released; None if neither happened), and whether the call
    went on without them (a transfer, a conference left). Without transfers and
    conferences the agent leaves as the call ends."""

    at: float | None
    call_went_on: bool = False


def _leaving(conn: _Conn | None, dn: Any) -> Leaving:
    if conn is None:
        return Leaving(None)
    left = conn.first_release(dn) if isinstance(dn, str) else None
    if left is None:
        return Leaving(conn.released_at)
    ended = conn.final is not None and conn.final.ended
    return Leaving(seconds(left), not ended or (conn.released_at is not None and seconds(left) < conn.released_at))


@dataclass(frozen=True, slots=True)
class _Taken:
    """What reporting made of a user event (its ``reporting`` entry): taken or not, why not,
    and the keys ICON's EventData section left out."""

    accepted: bool
    reason: str | None
    ignored_keys: tuple[str, ...]

    @staticmethod
    def of(payload: dict[str, Any]) -> _Taken:
        return _Taken(payload["accepted"], payload.get("reason"), tuple(payload.get("ignoredKeys") or ()))


@dataclass(slots=True, eq=False)
class _Ref:
    """One T-Library request a disposition sent (its ReferenceID), and what became of it."""

    pending: _Pending
    ref_id: int
    request: tuple[str, int] | None = None  # (name, when it reached T-Server)
    released_at: int | None = None  # the party's first release, if it came before the request reached T-Server
    outcome: tuple[str, int, int, Any, Any] | None = None  # (event, at, EventSequenceNumber, ErrorCode, ErrorMessage)
    at_gws: int | None = None  # when the answer reached Web Services
    cometd: list[tuple[str, int]] | None = None  # (message name, when at the desktop), once one came
    reporting: _Taken | None = None  # what reporting made of the user event


@dataclass(frozen=True, slots=True)
class _Decision:
    """What a record needs of Web Services' decision (its ``gws.disposition`` entry)."""

    request: str
    user: str
    dn: str | None
    call_id: str
    conn_id: str | None
    call_uuid: str | None
    disposition: Any
    key: str | None
    view: str | None
    path: str

    @staticmethod
    def of(d: dict[str, Any]) -> _Decision:
        return _Decision(d["request"], d["user"], d.get("dn"), d["callId"], d["connId"], d["callUuid"],
                         d["disposition"], d["key"], d["view"], d["path"])

    def so_far(self) -> dict[str, Any]:
        """The decision as a running session shows it."""
        return {"request": self.request, "user": self.user, "dn": self.dn, "connId": self.conn_id,
                "disposition": self.disposition, "key": self.key, "view": self.view, "path": self.path}


@dataclass(slots=True, eq=False)
class _Pending:
    order: int  # the decision's journal seq: records are listed in request order
    decision: _Decision
    sent_at: int
    at_gws: int
    tserver_state: str | None
    response: tuple[int, int, str | None] | None = None  # the HTTP answer: (status, statusCode, statusMessage)
    ref: _Ref | None = None
    fallback: _Ref | None = None
    fallback_at: int | None = None


def _answers_a_request(meta: dict[str, Any] | None) -> bool:
    return meta is not None and "referenceId" in meta


class RecordBuilder:
    """Builds disposition records and call rows from journal entries as they come.

    ``on_record(record, leaving, order)`` receives each record once it is
    complete (``leaving``: when its agent left the call, and whether it went on; ``order``:
    the journal seq of its decision, which orders records by request);
    ``on_call(row)`` each call row once reporting closed the call. ``fallback``: Web
    Services falls back to a user event after EventError (then a record waits
    for it). ``forget_after``: µs a closed call is remembered (reporting's
    user-event timeout)."""

    def __init__(self, on_record: RecordSink, on_call: Callable[[CallRow], None] | None = None,
                 fallback: bool = True, forget_after: int = 3600 * 1_000_000,
                 history: Callable[[str], str] = lambda key: "all"):
        self.on_record, self.on_call = on_record, on_call
        self.history = history  # ICON's history of a user-data key (reportdb.icon): none, first, last or all
        self.fallback, self.forget_after = fallback, forget_after
        self._http: dict[str, J.Entry] = {}  # requests not yet answered, by name
        self._answering: dict[str, _Pending] = {}  # records whose HTTP answer is due, by request name
        self._conns: dict[str, _Conn] = {}
        self._refs: dict[int, _Ref] = {}
        self._closed_at: deque[int] = deque()  # when reporting closed each call, in order
        self._closed_ids: deque[str] = deque()  # … and its ConnID (two deques: no tuple per call)
        self._handlers = self.handlers()

    # -- feeding --------------------------------------------------------------------
    def open_requests(self) -> list[dict[str, Any]]:
        """The dispositions decided but not yet complete (their record is made later), in
        request order: what a running session can say of them so far."""
        pending: dict[int, _Pending] = {}
        for waiting in self._answering.values():
            pending[id(waiting)] = waiting
        for ref in self._refs.values():
            pending[id(ref.pending)] = ref.pending
        for conn in self._conns.values():
            for waiting in conn.waiting or ():
                pending[id(waiting)] = waiting

        def so_far(p: _Pending) -> dict[str, Any]:
            ref = p.fallback or p.ref
            answered = {"event": ref.outcome[0], "errorCode": ref.outcome[3]} if ref and ref.outcome else None
            return {**p.decision.so_far(), "requestedAt": seconds(p.sent_at), "tserver": answered, "state": "open"}

        return [so_far(p) for p in sorted(pending.values(), key=lambda p: p.order)]

    def handlers(self) -> dict[str, Callable[[J.Entry], None]]:
        """What the builder reads, by entry kind (``Journal.subscribe`` each)."""
        return {J.TLIB_EVENT: self._event, J.COMETD: self._cometd, J.HTTP_REQUEST: self._http_request,
                J.HTTP_RESPONSE: self._http_response, J.TLIB_REQUEST: self._tlib_request,
                J.GWS_DISPOSITION: self._decision, J.GWS_OUTCOME: self._gws_outcome,
                J.REPORTING: self._reporting_entry, J.REPORTING_FINAL: self._final}

    @staticmethod
    def wants() -> dict[str, Callable[[dict[str, Any] | None], bool]]:
        """Of the kinds it reads, the entries it needs (``Journal.subscribe``'s ``wants``):
        of the CometD messages, only those answering a request (``_cometd``)."""
        return {J.COMETD: _answers_a_request}

    def add(self, entry: J.Entry) -> None:
        handler = self._handlers.get(entry.kind)
        if handler is not None:
            handler(entry)

    def _cometd(self, entry: J.Entry) -> None:  # reads only what ``_answers_a_request``
        ref = (entry.meta or {}).get("referenceId")
        found = self._refs.get(ref) if ref is not None else None
        if found is not None:
            message = entry.payload
            if found.cometd is None:
                found.cometd = []
            found.cometd.append((message.notification_type or message.message_type, entry.t))

    def _http_request(self, entry: J.Entry) -> None:
        self._http[entry.payload["request"]] = entry

    def _http_response(self, entry: J.Entry) -> None:
        name = entry.payload["request"]
        self._http.pop(name, None)
        pending = self._answering.pop(name, None)
        if pending is not None:
            body = entry.payload["body"]  # only what the record says: the rest is freed now
            pending.response = (entry.payload["status"], body["statusCode"], body.get("statusMessage"))
            self._check(pending)

    def _tlib_request(self, entry: J.Entry) -> None:
        request = entry.payload
        found = self._refs.get(request.reference_id) if request.client == "gws" else None
        if found is not None:
            found.request = (request.name, entry.t)
            d = found.pending.decision
            conn = self._conns.get(d.conn_id) if d.conn_id is not None else None
            dn = d.dn
            found.released_at = conn.first_release(dn) if conn is not None and dn is not None else None

    def _gws_outcome(self, entry: J.Entry) -> None:
        found = self._refs.get(entry.payload["referenceId"])
        if found is not None:
            found.at_gws = entry.t
            self._check(found.pending)

    def _reporting_entry(self, entry: J.Entry) -> None:
        ref = (entry.meta or {}).get("referenceId")
        found = self._refs.get(ref) if ref is not None else None
        if found is not None:
            found.reporting = _Taken.of(entry.payload)
            self._check(found.pending)

    def add_all(self, entries: Iterable[J.Entry]) -> None:
        for entry in entries:
            self.add(entry)

    def finish(self) -> None:
        """The run is over: build every record still open, then hand on every call row."""
        still_open = {id(r.pending): r.pending for r in self._refs.values()}
        for conn in self._conns.values():
            still_open.update((id(p), p) for p in conn.waiting or ())
        for pending in sorted(still_open.values(), key=lambda p: p.order):
            if pending.response is not None:  # (an HTTP answer is given at the instant of its request)
                self._build(pending)
        if self.on_call is not None:
            for conn in self._conns.values():
                if conn.row is not None:
                    self.on_call(conn.row.handed_on(conn.released_at))
        self._conns.clear()

    # -- entries ----------------------------------------------------------------------
    def _event(self, entry: J.Entry) -> None:
        event: tlib.TEvent = entry.payload
        attrs = event.attrs
        name = event.name
        conn_id = attrs.get("ConnID")
        if conn_id is None:
            return
        conn = self._conns.get(conn_id)
        if conn is None:
            if name == "EventUserEvent" or name == "EventError":  # about a call closed or never seen
                return
            conn = self._conns[conn_id] = _Conn()
        if conn.row is None and "CallUuid" in attrs:
            conn.row = _Row(conn_id, attrs["CallUuid"], attrs.get("CallType"), attrs.get("ANI"), attrs.get("DNIS"),
                            entry.t)
        if name == "EventReleased" or name == "EventAbandoned":
            conn.released_at = seconds(entry.t)
        ref = attrs.get("ReferenceID")
        if ref is not None and name in OUTCOME_EVENTS and "gws" in event.recipients:
            found = self._refs.get(ref)
            if found is not None and found.outcome is None:
                found.outcome = (name, entry.t, attrs["EventSequenceNumber"], attrs.get("ErrorCode"),
                                 attrs.get("ErrorMessage"))
        state = EVENT_STATE.get(name)
        dn = attrs["ThisDN"]
        if state is not None:
            conn.set_state(dn, state, entry.t)
        elif "PreviousConnID" in attrs:  # the party moved here from a consult call, as it was
            before = self._conns.get(attrs["PreviousConnID"])
            conn.set_state(dn, (before.state(dn) if before is not None else None) or tlib.ESTABLISHED, None)

    def _decision(self, entry: J.Entry) -> None:
        d = entry.payload
        ref_id = d.get("referenceId")
        if "fallbackFrom" in d:
            failed = self._refs.get(d["fallbackFrom"])
            if failed is None:
                return
            pending = failed.pending
            pending.fallback = self._refs[ref_id] = _Ref(pending, ref_id)
            pending.fallback_at = entry.t
            return
        request = self._http[d["request"]]
        conn = self._conns.get(d["connId"]) if d["connId"] is not None else None
        pending = _Pending(entry.seq, _Decision.of(d), (request.meta or {}).get("sentAt", request.t), request.t,
                           conn.state(d.get("dn")) if conn is not None else None)
        if ref_id is not None:
            pending.ref = self._refs[ref_id] = _Ref(pending, ref_id)
        self._answering[d["request"]] = pending

    def _final(self, entry: J.Entry) -> None:
        payload = entry.payload
        conn_id = payload["connId"]
        conn = self._conns.get(conn_id)
        if conn is None:
            conn = self._conns[conn_id] = _Conn()
        conn.final = _Final.of(payload)
        waiting, conn.waiting = conn.waiting, None
        for pending in waiting or ():
            self._check(pending)
        if conn.row is not None and self.on_call is not None:
            self.on_call(conn.row.handed_on(conn.released_at))
        conn.row = None  # handed on: what stays is what a later disposition needs
        self._closed_at.append(entry.t)
        self._closed_ids.append(conn_id)
        self._forget(entry.t)

    def _forget(self, now: int) -> None:
        """Forget the calls reporting closed more than ``forget_after`` ago."""
        closed_at = self._closed_at
        while closed_at and closed_at[0] + self.forget_after < now:
            closed_at.popleft()
            self._conns.pop(self._closed_ids.popleft(), None)

    # -- completeness ----------------------------------------------------------------
    def _check(self, pending: _Pending) -> None:
        """Build ``pending``'s record if nothing it depends on can still change."""
        if pending.response is None:
            return
        for ref in (pending.ref, pending.fallback):
            if ref is None:
                continue
            if ref.at_gws is None:
                return
            event = ref.outcome[0] if ref.outcome is not None else None
            if event == "EventUserEvent" and ref.reporting is None:
                return
            if event == "EventError" and ref is pending.ref and self.fallback and pending.fallback is None:
                return
        conn_id = pending.decision.conn_id
        conn = self._conns.get(conn_id) if conn_id is not None else None
        if conn is not None and conn.final is None:
            if conn.waiting is None:
                conn.waiting = [pending]
            elif pending not in conn.waiting:
                conn.waiting.append(pending)
            return
        self._build(pending)

    def _build(self, pending: _Pending) -> None:
        for ref in (pending.ref, pending.fallback):
            if ref is not None:
                self._refs.pop(ref.ref_id, None)
        self._answering.pop(pending.decision.request, None)
        conn_id = pending.decision.conn_id
        conn = self._conns.get(conn_id) if conn_id is not None else None
        self.on_record(_record(pending, conn, self.history), _leaving(conn, pending.decision.dn), pending.order)
        pending.ref = pending.fallback = None  # no cycle left: freed now, though the run pauses the collector


def disposition_records(entries: Iterable[J.Entry], fallback: bool = True, forget_after: int = 3600 * 1_000_000,
                        history: Callable[[str], str] = lambda key: "all") -> list[DispositionRecord]:
    """Every disposition record of a journal, in the order the requests arrived."""
    built: list[tuple[int, DispositionRecord]] = []
    builder = RecordBuilder(lambda record, leaving, order: built.append((order, record)), None, fallback, forget_after,
                            history)
    builder.add_all(entries)
    builder.finish()
    return [record for _, record in sorted(built, key=lambda pair: pair[0])]


# -- building one record --------------------------------------------------------------
def _record(pending: _Pending, conn: _Conn | None, history: Callable[[str], str]) -> DispositionRecord:
    d = pending.decision
    response = pending.response
    path = DispositionPath(d.path)
    tserver = _tserver_outcome(pending.ref)
    cometd = (pending.ref.cometd if pending.ref is not None else None) or []
    fallback = None
    if pending.fallback is not None:
        assert pending.fallback_at is not None, "a fallback is journaled with its time"
        fallback = Fallback(path=DispositionPath.USER_EVENT, at=pending.fallback_at,
                            tserver=_tserver_outcome(pending.fallback))
    assert response is not None, "a record is built once its request was answered"
    status, status_code, status_message = response
    http = HttpAnswer(status=status, statusCode=status_code, statusMessage=status_message)
    asked = _Asked(dn=d.dn, conn_id=d.conn_id, key=d.key, disposition=d.disposition,
                   view=d.view, path=path, http=http, tserver=tserver, fallback=fallback,
                   history=history(d.key) if isinstance(d.key, str) else "all")
    return DispositionRecord(
        request=d.request, user=d.user, dn=asked.dn, callId=d.call_id, connId=asked.conn_id,
        callUuid=d.call_uuid, disposition=asked.disposition, key=asked.key, requestedAt=pending.sent_at,
        gwsView=asked.view, tserverState=pending.tserver_state, path=path, http=http, tserver=tserver,
        cometd=tuple(name for name, _ in cometd), times=_times(pending, cometd), fallback=fallback,
        reporting=_reporting(asked, conn, pending.ref, pending.fallback))


@dataclass(frozen=True)
class _Asked:
    """What the reporting verdict needs of a record before the record exists."""

    dn: str | None
    conn_id: str | None
    key: str | None
    disposition: Any
    view: str | None
    path: DispositionPath
    http: HttpAnswer
    tserver: TServerOutcome | None
    fallback: Fallback | None
    history: str = "all"  # ICON's history of the key (none, first, last, all)


def _times(pending: _Pending, cometd: list[tuple[str, int]]) -> Times:
    """When the request left the desktop, reached Web Services and T-Server, was
    answered, when the answer was back at Web Services and the desktop heard of it."""
    ref = pending.ref
    return Times(leftDesktop=pending.sent_at, reachedGws=pending.at_gws,
                 reachedTServer=ref.request[1] if ref is not None and ref.request is not None else None,
                 answered=ref.outcome[1] if ref is not None and ref.outcome is not None else None,
                 answerAtGws=ref.at_gws if ref is not None else None,
                 cometdAtDesktop=cometd[0][1] if cometd else None)


def _tserver_outcome(ref: _Ref | None) -> TServerOutcome | None:
    if ref is None:
        return None
    name, reached = ref.request if ref.request is not None else (None, None)
    if ref.outcome is None:
        return TServerOutcome(request=name, reachedAt=reached, event=None, at=None)
    event, at, number, error_code, error_message = ref.outcome
    error = event == "EventError"
    code = error_code if error else None
    return TServerOutcome(
        request=name, reachedAt=reached, event=event, at=at, eventSequenceNumber=number, errorCode=code,
        errorName=tlib.ERROR_NAMES.get(code) if code is not None else None,
        errorMessage=error_message if error else None)


def _reporting(asked: _Asked, conn: _Conn | None, ref: _Ref | None, fallback: _Ref | None) -> ReportingFate:
    """What reporting made of the disposition: its fate (by the agent's own leg where Info
    Mart maps the key, else by the call), whether ICON stored it, and on which leg Info
    Mart keeps it."""
    final = conn.final if conn is not None else None
    key = asked.key
    kept = final.kept if final is not None else _NOTHING
    mapped = final is not None and key == final.key  # Info Mart maps this key
    on_leg = asked.dn in kept and mapped  # then the agent's own leg decides
    holds = kept[asked.dn] if on_leg and asked.dn is not None else \
        final.user_data.get(key) if (final is not None and key) else None
    ended = final.ended if final is not None else None
    fate, reason, icon = _fate(asked, ref, fallback, final.rule if final is not None else None, on_leg, holds)
    place = None
    if kept and mapped:  # the call had agent legs, and Info Mart maps this key
        place = _place(asked, kept) if icon else InfoMartPlace.NO_LEG
        if place is InfoMartPlace.ANOTHER_LEG:
            others = ", ".join(f"{dn}'s" for dn, value in kept.items() if dn != asked.dn and value == asked.disposition)
            reason = f"{reason}; Info Mart keeps it on {others} leg instead"
    return ReportingFate(holds=holds, outcome=fate, reason=reason, callEnded=ended, icon=icon, infoMart=place)


def _place(asked: _Asked, kept: dict[Any, Any]) -> InfoMartPlace:
    """Which legs keep the value (one ICON stored): the agent's own, it and another's,
    only another's, or none."""
    own = asked.dn in kept and kept[asked.dn] == asked.disposition
    other = any(value == asked.disposition for dn, value in kept.items() if dn != asked.dn)
    if own:
        return InfoMartPlace.OWN_AND_ANOTHER_LEG if other else InfoMartPlace.OWN_LEG
    return InfoMartPlace.ANOTHER_LEG if other else InfoMartPlace.NO_LEG


def _fate(asked: _Asked, ref: _Ref | None, fallback: _Ref | None, rule: str | None, on_leg: bool,
          holds: Any) -> tuple[Fate, str | None, bool]:
    """(fate, why, whether ICON stored it; ``rule``: Info Mart's propagation rule of the key)."""
    key = asked.key
    arrived, why_not = _arrived(asked, asked.path, ref, asked.tserver)
    if not arrived and fallback is not None and asked.fallback is not None:
        arrived, fallback_why = _arrived(asked, DispositionPath.USER_EVENT, fallback, asked.fallback.tserver)
        why_not = why_not if arrived else f"{why_not}; the fallback user event: {fallback_why}"
    if not arrived:
        return Fate.LOST, why_not, False
    attached = asked.path is DispositionPath.USER_DATA and asked.tserver is not None \
        and asked.tserver.event != "EventError"  # it reached the call's attached data (not a fallback)
    if attached and asked.history == "none":
        return Fate.LOST, (f"G_USERDATA_HISTORY has no row for {key}: its history in ICON is none "
                           "(the attached-data spec, or adata-userdata-history for the keys it omits)"), False
    if attached and asked.history == "first" and holds is not None and holds != asked.disposition:
        return Fate.LOST, (f"G_USERDATA_HISTORY keeps only the first value of {key} (history first in "
                           f"ICON's attached-data spec): {holds!r}"), False
    if holds == asked.disposition:
        return Fate.REPORTED, None, True
    if on_leg and rule == "IRF_FIRST_UPDATE" and holds is not None:
        return Fate.LOST, (f"Info Mart keeps {holds!r} on {asked.dn}'s leg (IRF_USER_DATA_CUST_1, propagation "
                           "rule IRF_FIRST_UPDATE): the first update of the leg wins"), True
    if on_leg and rule != "CALL":
        reason = (f"Info Mart keeps {holds!r} on {asked.dn}'s leg (IRF_USER_DATA_CUST_1, propagation rule "
                  f"{rule}): from a later change" if holds is not None
                  else f"Info Mart keeps nothing on {asked.dn}'s leg (IRF_USER_DATA_CUST_1, propagation rule "
                       f"{rule}): its changes fall outside the leg or were removed")
    else:
        reason = (f"reporting holds {holds!r} from a later change" if holds is not None
                  else f"the key {key} was removed later")
    return Fate.SUPERSEDED, reason, True


def _arrived(asked: _Asked, path: DispositionPath, ref: _Ref | None,
             outcome: TServerOutcome | None) -> tuple[bool, str | None]:
    """Did this disposition (taking ``path``, answered ``outcome``) reach reporting? If not, why."""
    if path is DispositionPath.REJECTED:
        return False, (f"refused by Web Services (statusCode {asked.http.statusCode}: "
                       f"{asked.http.statusMessage}); nothing was sent")
    if ref is None or outcome is None or outcome.event is None:
        return False, "T-Server had not answered when the run ended"
    if outcome.event == "EventError":
        why = f"T-Server answered EventError {outcome.errorCode} {outcome.errorName}"
        if outcome.errorCode == tlib.TERR_INV_CONNID and ref.released_at is not None and ref.request is not None:
            why += (f": T-Server had released the call at {format_time(ref.released_at)}, before the update "
                    f"arrived at {format_time(ref.request[1])}; Web Services still saw it "
                    f"{asked.view} when it chose the path")
        return False, why
    if path is DispositionPath.USER_DATA:
        return True, None
    seen = ref.reporting
    if seen is None:
        return False, "reporting never received the user event"
    if not seen.accepted:
        return False, f"reporting ignored the user event: {seen.reason}"
    if asked.key in seen.ignored_keys:
        return False, (f"reporting stored the user event without {asked.key}: ICON store-event-data is conf and "
                       f"its EventData section does not list {asked.key}")
    return True, None


def named_rows(rows: Iterable[CallRow], names: dict[str, str]) -> list[CallRow]:
    """Call rows with their scenario names (``names``: name → ConnID)."""
    by_conn = {conn: name for name, conn in names.items()}
    return [{**row, "name": by_conn.get(row["connId"])} for row in rows]
