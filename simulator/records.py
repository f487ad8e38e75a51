"""Disposition records and the call table, read from the journal alone.

One record per SetCallDisposition request (``gws.disposition`` entries):

- what was asked: request, user, call id, ConnID, CallUuid, disposition, key,
  ``requestedAt``;
- what GWS believed (``gwsView``) and what T-Server knew at that instant
  (``tserverState``: the last state event of the user's DN on that ConnID
  T-Server had emitted) — the gap between the two is the view lag;
- the ``path`` (userData / userEvent / rejected) and the HTTP answer;
- the T-Server outcome (the event carrying the request's ReferenceID, or
  EventError) and when the request reached T-Server and was answered;
- the CometD messages it caused; the fallback user event, if one was sent;
- what reporting ends with under the key, and whether this disposition is it:
  ``reported``, ``superseded`` (it arrived, a later change replaced it) or
  ``lost`` (it never arrived, or reporting ignored it), with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from . import journal as J
from . import tlib
from .gws.view import EVENT_STATE
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
        self.states: dict[tuple[str, str], list[tuple[J.Entry, str]]] = defaultdict(list)
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


def disposition_records(source: J.Journal | JournalIndex) -> list[dict[str, Any]]:
    index = source if isinstance(source, JournalIndex) else JournalIndex(source)
    fallbacks = {d.payload["fallbackFrom"]: d for d in index.decisions if "fallbackFrom" in d.payload}
    records = []
    for decision in index.decisions:
        d = decision.payload
        if "fallbackFrom" in d:
            continue
        records.append(_record(index, decision, fallbacks))
    return records


def _record(index: JournalIndex, decision: J.Entry, fallbacks: dict[int, J.Entry]) -> dict[str, Any]:
    d = decision.payload
    request_entry = index.http_request[d["request"]]
    response = index.http_response[d["request"]].payload
    requested_seq = request_entry.seq
    sent_at = (request_entry.meta or {}).get("sentAt", request_entry.t)
    record: dict[str, Any] = {
        "request": d["request"],
        "user": d["user"],
        "dn": d.get("dn"),
        "callId": d["callId"],
        "connId": d["connId"],
        "callUuid": d["callUuid"],
        "disposition": d["disposition"],
        "key": d["key"],
        "requestedAt": seconds(sent_at),
        "gwsView": d["view"],
        "tserverState": index.tserver_state(d.get("dn"), d["connId"], requested_seq),
        "path": d["path"],
        "http": {"status": response["status"], **response["body"]},
    }
    ref = d["referenceId"]
    record["tserver"] = _tserver_outcome(index, ref)
    cometd = index.cometd_by_ref.get(ref, []) if ref is not None else []
    record["cometd"] = [_cometd_name(e) for e in cometd]
    record["times"] = _times(index, ref, sent_at, request_entry.t, cometd)
    fallback = fallbacks.get(ref) if ref is not None else None
    record["fallback"] = None
    if fallback is not None:
        fref = fallback.payload["referenceId"]
        record["fallback"] = {"path": fallback.payload["path"], "at": seconds(fallback.t),
                              "tserver": _tserver_outcome(index, fref)}
    record["reporting"] = _reporting(index, record, ref, fallback.payload["referenceId"] if fallback else None)
    return record


def _times(index: JournalIndex, ref: int | None, sent_at: int, at_gws: int,
           cometd: list[J.Entry]) -> dict[str, float | None]:
    """When the request left the desktop, reached Web Services and T-Server, was
    answered, when the answer was back at Web Services and the desktop heard of it."""
    sent = index.requests_by_ref.get(ref) if ref is not None else None
    answer = index.outcome_by_ref.get(ref) if ref is not None else None
    back = index.gws_outcome.get(ref) if ref is not None else None

    def at(entry: J.Entry | None) -> float | None:
        return seconds(entry.t) if entry is not None else None

    return {"leftDesktop": seconds(sent_at), "reachedGws": seconds(at_gws), "reachedTServer": at(sent),
            "answered": at(answer), "answerAtGws": at(back), "cometdAtDesktop": at(cometd[0] if cometd else None)}


def _tserver_outcome(index: JournalIndex, ref: int | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    sent = index.requests_by_ref.get(ref)
    outcome = index.outcome_by_ref.get(ref)
    out: dict[str, Any] = {"request": sent.payload.name if sent else None,
                           "reachedAt": seconds(sent.t) if sent else None,
                           "event": None, "at": None}
    if outcome is not None:
        event: tlib.TEvent = outcome.payload
        out["event"] = event.name
        out["at"] = seconds(outcome.t)
        out["eventSequenceNumber"] = event.seq
        if event.name == "EventError":
            out["errorCode"] = event.attrs["ErrorCode"]
            out["errorName"] = tlib.ERROR_NAMES.get(event.attrs["ErrorCode"])
            out["errorMessage"] = event.attrs["ErrorMessage"]
    return out


def _cometd_name(entry: J.Entry) -> str:
    message = entry.payload
    return message.notification_type or message.message_type


def _reporting(index: JournalIndex, record: dict[str, Any], ref: int | None,
               fallback_ref: int | None) -> dict[str, Any]:
    final = index.final_by_conn.get(record["connId"]) if record["connId"] else None
    key = record["key"]
    holds = final["userData"].get(key) if (final and key) else None
    out: dict[str, Any] = {"holds": holds, "outcome": "lost", "reason": None}
    if final is not None and not final["ended"]:
        out["callEnded"] = False
    arrived, why_not = _arrived(index, record, ref, record["tserver"])
    if not arrived and fallback_ref is not None:
        arrived, fallback_why = _arrived(index, {**record, "path": "userEvent"}, fallback_ref,
                                         record["fallback"]["tserver"])
        why_not = why_not if arrived else f"{why_not}; the fallback user event: {fallback_why}"
    if not arrived:
        out["reason"] = why_not
    elif holds == record["disposition"]:
        out["outcome"] = "reported"
    else:
        out["outcome"] = "superseded"
        out["reason"] = (f"reporting holds {holds!r} from a later change" if holds is not None
                         else f"the key {key} was removed later")
    return out


def _arrived(index: JournalIndex, record: dict[str, Any], ref: int | None,
             outcome: dict[str, Any] | None) -> tuple[bool, str | None]:
    """Did this disposition (with T-Server's ``outcome`` for ``ref``) reach reporting? If not, why."""
    if record["path"] == "rejected":
        http = record["http"]
        return False, f"refused by Web Services (statusCode {http['statusCode']}: {http.get('statusMessage')}); " \
                      "nothing was sent"
    if outcome is None or outcome["event"] is None:
        return False, "T-Server had not answered when the run ended"
    if outcome["event"] == "EventError":
        why = f"T-Server answered EventError {outcome['errorCode']} {outcome['errorName']}"
        arrived_entry = index.requests_by_ref[ref]
        released = index.released_before(record["dn"], record["connId"], arrived_entry.seq)
        if outcome["errorCode"] == tlib.TERR_INV_CONNID and released is not None:
            why += (f": T-Server had released the call at {format_time(released.t)}, before the update "
                    f"arrived at {format_time(arrived_entry.t)}; Web Services still saw it "
                    f"{record['gwsView']} when it chose the path")
        return False, why
    if record["path"] == "userData":
        return True, None
    seen = index.reporting_by_ref.get(ref)
    if seen is None:
        return False, "reporting never received the user event"
    if not seen.payload["accepted"]:
        return False, f"reporting ignored the user event: {seen.payload['reason']}"
    return True, None


def call_table(index: JournalIndex, names: dict[str, str]) -> list[dict[str, Any]]:
    """One row per ConnID seen in T-Library events: its scenario name, type, ends, times."""
    by_conn = {conn: name for name, conn in names.items()}
    return [{**row, "name": by_conn.get(conn)} for conn, row in index.calls.items()]
