"""Disposition records and the call table, read from the journal alone.

One ``record.DispositionRecord`` per SetCallDisposition request
(``gws.disposition`` entries). ``tserverState`` is the last state event of
the user's DN on that ConnID that T-Server had emitted when the request
arrived at Web Services. What reporting ends with under the key decides the
record's fate: ``reported``, ``superseded`` (it arrived, a later change
replaced it) or ``lost`` (it never arrived, or reporting ignored it), with
the reason in words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
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
    ReportingFate,
    Times,
    TServerOutcome,
)
from .timeunits import format_time, seconds

OUTCOME_EVENTS = ("EventAttachedDataChanged", "EventUserEvent", "EventError")


class JournalIndex:
    """Look-ups over one journal, built in one pass."""

    def __init__(self, journal: J.Journal):
        self.requests_by_ref: dict[int, J.Entry] = {}
        self.outcome_by_ref: dict[int, J.Entry] = {}
        self.cometd_by_ref: dict[int, list[J.Entry]] = defaultdict(list)
        self.reporting_by_ref: dict[int, J.Entry] = {}
        self.final_by_conn: dict[str, dict[str, Any]] = {}
        self.http_response: dict[str, J.Entry] = {}
        self.http_request: dict[str, J.Entry] = {}
        self.gws_outcome: dict[int, J.Entry] = {}
        # (DN, ConnID) → [(entry, the party's state after it)]: T-Server's truth, per party
        self.states: dict[tuple[str | None, str | None], list[tuple[J.Entry, str]]] = defaultdict(list)
        self.decisions: list[J.Entry] = []
        self.calls: dict[str, dict[str, Any]] = {}  # by ConnID, in order of first event
        for entry in journal:
            kind = entry.kind
            if kind == J.TLIB_EVENT:
                event: tlib.TEvent = entry.payload
                attrs = event.attrs
                conn = attrs.get("ConnID")
                if conn is not None and "CallUuid" in attrs:
                    self._call_row(entry, conn, attrs)
                ref = attrs.get("ReferenceID")
                if ref is not None and event.name in OUTCOME_EVENTS and "gws" in event.recipients:
                    self.outcome_by_ref.setdefault(ref, entry)
                state = EVENT_STATE.get(event.name)
                if state is not None:
                    self.states[(attrs["ThisDN"], conn)].append((entry, state))
                elif "PreviousConnID" in attrs:  # the party moved here from a consult call, as it was
                    before = self.states.get((attrs["ThisDN"], attrs["PreviousConnID"]))
                    self.states[(attrs["ThisDN"], conn)].append((entry, before[-1][1] if before else tlib.ESTABLISHED))
            elif kind == J.TLIB_REQUEST:
                if entry.payload.client == "gws":
                    self.requests_by_ref[entry.payload.reference_id] = entry
            elif kind == J.COMETD:
                ref = (entry.meta or {}).get("referenceId")
                if ref is not None:
                    self.cometd_by_ref[ref].append(entry)
            elif kind == J.REPORTING:
                ref = (entry.meta or {}).get("referenceId")
                if ref is not None:
                    self.reporting_by_ref[ref] = entry
            elif kind == J.REPORTING_FINAL:
                self.final_by_conn[entry.payload["connId"]] = entry.payload
            elif kind == J.HTTP_REQUEST:
                self.http_request[entry.payload["request"]] = entry
            elif kind == J.HTTP_RESPONSE:
                self.http_response[entry.payload["request"]] = entry
            elif kind == J.GWS_DISPOSITION:
                self.decisions.append(entry)
            elif kind == J.GWS_OUTCOME:
                self.gws_outcome[entry.payload["referenceId"]] = entry

    def _call_row(self, entry: J.Entry, conn: str, attrs: dict[str, Any]) -> None:
        row = self.calls.get(conn)
        if row is None:
            row = self.calls[conn] = {"name": None, "connId": conn, "callUuid": attrs["CallUuid"],
                                      "callType": attrs.get("CallType"), "ani": attrs.get("ANI"),
                                      "dnis": attrs.get("DNIS"), "firstEventAt": seconds(entry.t),
                                      "releasedAt": None}
        if entry.payload.name in ("EventReleased", "EventAbandoned"):
            row["releasedAt"] = seconds(entry.t)

    def released_before(self, dn: str | None, conn_id: str | None, before_seq: int) -> J.Entry | None:
        """The event that released ``dn``'s party on ``conn_id`` before journal entry ``before_seq``."""
        for entry, state in self.states.get((dn, conn_id), ()):
            if entry.seq > before_seq:
                break
            if state == tlib.RELEASED:
                return entry
        return None

    def tserver_state(self, dn: str | None, conn_id: str | None, before_seq: int) -> str | None:
        """``dn``'s party state on ``conn_id`` at T-Server as of journal entry ``before_seq``."""
        current = None
        for entry, state in self.states.get((dn, conn_id), ()):
            if entry.seq > before_seq:
                break
            current = state
        return current


def disposition_records(source: J.Journal | JournalIndex) -> list[DispositionRecord]:
    """One ``DispositionRecord`` per SetCallDisposition request, in the order they arrived."""
    index = source if isinstance(source, JournalIndex) else JournalIndex(source)
    fallbacks = {d.payload["fallbackFrom"]: d for d in index.decisions if "fallbackFrom" in d.payload}
    return [_record(index, decision, fallbacks) for decision in index.decisions
            if "fallbackFrom" not in decision.payload]


def _record(index: JournalIndex, decision: J.Entry, fallbacks: dict[int, J.Entry]) -> DispositionRecord:
    d = decision.payload
    request_entry = index.http_request[d["request"]]
    response = index.http_response[d["request"]].payload
    sent_at = (request_entry.meta or {}).get("sentAt", request_entry.t)
    ref: int | None = d["referenceId"]
    path = DispositionPath(d["path"])
    tserver = _tserver_outcome(index, ref)
    cometd = index.cometd_by_ref.get(ref, []) if ref is not None else []
    fallback_entry = fallbacks.get(ref) if ref is not None else None
    fallback = None
    if fallback_entry is not None:
        fallback = Fallback(path=DispositionPath(fallback_entry.payload["path"]), at=fallback_entry.t,
                            tserver=_tserver_outcome(index, fallback_entry.payload["referenceId"]))
    body = response["body"]
    http = HttpAnswer(status=response["status"], statusCode=body["statusCode"],
                      statusMessage=body.get("statusMessage"))
    asked = _Asked(dn=d.get("dn"), conn_id=d["connId"], key=d["key"], disposition=d["disposition"],
                   view=d["view"], path=path, http=http, tserver=tserver, fallback=fallback)
    return DispositionRecord(
        request=d["request"], user=d["user"], dn=asked.dn, callId=d["callId"], connId=asked.conn_id,
        callUuid=d["callUuid"], disposition=asked.disposition, key=asked.key, requestedAt=sent_at,
        gwsView=asked.view, tserverState=index.tserver_state(asked.dn, asked.conn_id, request_entry.seq),
        path=path, http=http, tserver=tserver, cometd=tuple(_cometd_name(e) for e in cometd),
        times=_times(index, ref, sent_at, request_entry.t, cometd), fallback=fallback,
        reporting=_reporting(index, asked, ref, fallback_entry.payload["referenceId"] if fallback_entry else None))


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


def _times(index: JournalIndex, ref: int | None, sent_at: int, at_gws: int, cometd: list[J.Entry]) -> Times:
    """When the request left the desktop, reached Web Services and T-Server, was
    answered, when the answer was back at Web Services and the desktop heard of it."""
    sent = index.requests_by_ref.get(ref) if ref is not None else None
    answer = index.outcome_by_ref.get(ref) if ref is not None else None
    back = index.gws_outcome.get(ref) if ref is not None else None

    def at(entry: J.Entry | None) -> int | None:
        return entry.t if entry is not None else None

    return Times(leftDesktop=sent_at, reachedGws=at_gws, reachedTServer=at(sent), answered=at(answer),
                 answerAtGws=at(back), cometdAtDesktop=at(cometd[0] if cometd else None))


def _tserver_outcome(index: JournalIndex, ref: int | None) -> TServerOutcome | None:
    if ref is None:
        return None
    sent = index.requests_by_ref.get(ref)
    outcome = index.outcome_by_ref.get(ref)
    if outcome is None:
        return TServerOutcome(request=sent.payload.name if sent else None, reachedAt=sent.t if sent else None,
                              event=None, at=None)
    event: tlib.TEvent = outcome.payload
    error = event.name == "EventError"
    code = event.attrs["ErrorCode"] if error else None
    return TServerOutcome(
        request=sent.payload.name if sent else None, reachedAt=sent.t if sent else None, event=event.name,
        at=outcome.t, eventSequenceNumber=event.seq, errorCode=code,
        errorName=tlib.ERROR_NAMES.get(code) if code is not None else None,
        errorMessage=event.attrs["ErrorMessage"] if error else None)


def _cometd_name(entry: J.Entry) -> str:
    message = entry.payload
    return message.notification_type or message.message_type


def _reporting(index: JournalIndex, asked: _Asked, ref: int | None, fallback_ref: int | None) -> ReportingFate:
    final = index.final_by_conn.get(asked.conn_id) if asked.conn_id else None
    key = asked.key
    holds = final["userData"].get(key) if (final and key) else None
    ended = bool(final["ended"]) if final is not None else None
    arrived, why_not = _arrived(index, asked, asked.path, ref, asked.tserver)
    if not arrived and fallback_ref is not None and asked.fallback is not None:
        arrived, fallback_why = _arrived(index, asked, DispositionPath.USER_EVENT, fallback_ref,
                                         asked.fallback.tserver)
        why_not = why_not if arrived else f"{why_not}; the fallback user event: {fallback_why}"
    if not arrived:
        return ReportingFate(holds=holds, outcome=Fate.LOST, reason=why_not, callEnded=ended)
    if holds == asked.disposition:
        return ReportingFate(holds=holds, outcome=Fate.REPORTED, reason=None, callEnded=ended)
    reason = (f"reporting holds {holds!r} from a later change" if holds is not None
              else f"the key {key} was removed later")
    return ReportingFate(holds=holds, outcome=Fate.SUPERSEDED, reason=reason, callEnded=ended)


def _arrived(index: JournalIndex, asked: _Asked, path: DispositionPath, ref: int | None,
             outcome: TServerOutcome | None) -> tuple[bool, str | None]:
    """Did this disposition (taking ``path``, answered ``outcome``) reach reporting? If not, why."""
    if path is DispositionPath.REJECTED:
        return False, (f"refused by Web Services (statusCode {asked.http.statusCode}: "
                       f"{asked.http.statusMessage}); nothing was sent")
    if ref is None or outcome is None or outcome.event is None:
        return False, "T-Server had not answered when the run ended"
    if outcome.event == "EventError":
        why = f"T-Server answered EventError {outcome.errorCode} {outcome.errorName}"
        arrived_entry = index.requests_by_ref[ref]
        released = index.released_before(asked.dn, asked.conn_id, arrived_entry.seq)
        if outcome.errorCode == tlib.TERR_INV_CONNID and released is not None:
            why += (f": T-Server had released the call at {format_time(released.t)}, before the update "
                    f"arrived at {format_time(arrived_entry.t)}; Web Services still saw it "
                    f"{asked.view} when it chose the path")
        return False, why
    if path is DispositionPath.USER_DATA:
        return True, None
    seen = index.reporting_by_ref.get(ref)
    if seen is None:
        return False, "reporting never received the user event"
    if not seen.payload["accepted"]:
        return False, f"reporting ignored the user event: {seen.payload['reason']}"
    if asked.key in seen.payload.get("ignoredKeys", ()):
        return False, (f"reporting stored the user event without {asked.key}: ICON store-event-data is conf and "
                       f"its EventData section does not list {asked.key}")
    return True, None


def call_table(index: JournalIndex, names: dict[str, str]) -> list[dict[str, Any]]:
    """One row per ConnID seen in T-Library events: its scenario name, type, ends, times."""
    by_conn = {conn: name for name, conn in names.items()}
    return [{**row, "name": by_conn.get(conn)} for conn, row in index.calls.items()]
