"""One readable line per journal entry and per disposition record."""

from __future__ import annotations

from typing import Any

from .. import journal as J
from ..record import DispositionPath, DispositionRecord
from ..timeunits import format_time


def call_names(calls: list[dict[str, Any]]) -> dict[str, str]:
    """ConnID and CallUuid → the scenario's name for the call (from a run's call table)."""
    names: dict[str, str] = {}
    for row in calls:
        if row["name"]:
            names[row["connId"]] = names[row["callUuid"]] = row["name"]
    return names


def entry_line(entry: J.Entry, names: dict[str, str] | None = None) -> str | None:
    """A one-line description of a journal entry, or None to leave it out.

    ``names`` (from ``call_names``) adds the scenario's call names to ConnIDs.
    """
    names = names or {}
    kind = entry.kind
    p = entry.payload
    if kind == J.STEP:
        p = entry.data()
        args = " ".join(f"{k}={v}" for k, v in p["args"].items() if k != "body")
        if "body" in p["args"]:
            body = p["args"]["body"]
            op = body.get("operationName") if isinstance(body, dict) else None
            args += f" {op}" if op else " (body)"
        text = f"step {p['step']} (line {p['line']}): {p['action']} {args}"
        if "call" in p:
            text += f" → call {p['call']}"
        if p.get("result"):
            text += f" — {p['result']}"
        if p.get("note"):
            text += f"  ({p['note']})"
        return text
    if kind == J.TLIB_REQUEST:
        a = p.attrs
        where = _where(a, names)
        data = f" {a['UserData']}" if "UserData" in a else ""
        return f"T-Server ← {p.client}: {p.name} ref {p.reference_id} {where}{data}"
    if kind == J.TLIB_EVENT:
        a = p.attrs
        where = _where(a, names)
        extra = ""
        if p.name == "EventError":
            extra = f" {a['ErrorCode']} {a['ErrorMessage']}"
        elif p.name in ("EventAttachedDataChanged", "EventUserEvent"):
            extra = f" {a.get('UserData')}"
        ref = f" ref {a['ReferenceID']}" if "ReferenceID" in a else ""
        to = ", ".join(p.recipients) or "no client"
        return f"T-Server: {p.name}{extra} {where}{ref} → {to}"
    if kind == J.HTTP_REQUEST:
        body = p["body"]
        op = f" {body.get('operationName')}" if isinstance(body, dict) and body.get("operationName") else ""
        return f"HTTP {p['request']} {p['user']}: {p['method']} {p['path']}{op}"
    if kind == J.HTTP_RESPONSE:
        body = p["body"]
        message = f" {body['statusMessage']}" if "statusMessage" in body else ""
        return f"HTTP {p['request']} answered {p['status']} statusCode {body['statusCode']}{message}"
    if kind == J.COMETD:
        m = p
        what = m.notification_type or m.message_type
        state = ""
        if m.message_type == "CallStateChangeMessage":
            call = names.get(m.call_id, f"…{m.call_id[-6:]}")
            state = f" {m.state} (call {call})"
        elif m.message_type == "DeviceStateChangeMessage":
            state = f" {m.state}" + (f"/{m.work_mode}" if m.work_mode else "")
        return f"CometD → {m.user} {m.channel}: {what}{state}"
    if kind == J.GWS_DISPOSITION:
        if p["path"] == "rejected":
            return f"GWS refuses {p['request']}: statusCode {p['statusCode']} ({p.get('reason')})"
        source = f" after EventError (fallback from ref {p['fallbackFrom']})" if "fallbackFrom" in p else ""
        view = f"view {p['view']} → " if p.get("view") else ""
        return (f"GWS decides {p['request']}: {view}{p['path']} path{source}, "
                f"{p['key']}={p['disposition']!r}, ref {p['referenceId']}")
    if kind == J.GWS_OUTCOME:
        return f"GWS hears {p['event']} for {p['request']} (ref {p['referenceId']})"
    if kind == J.REPORTING:
        call = _call(p["connId"], names)
        if p["what"] == "call-end":
            return f"reporting: call {call} ended holding {p['userData']}"
        verdict = "stored" if p["accepted"] else f"ignored ({p['reason']})"
        return f"reporting: user event for {call} {p['userData']} {verdict}"
    if kind == J.REPORTING_FINAL:
        return f"reporting ends with {p['userData']} for {_call(p['connId'], names)}"
    return None


def _call(conn_id: Any, names: dict[str, str]) -> str:
    name = names.get(conn_id)
    return f"{conn_id} ({name})" if name else str(conn_id)


def _where(attrs: dict[str, Any], names: dict[str, str]) -> str:
    parts = []
    for key in ("ThisDN", "OtherDN", "ThirdPartyDN", "ConnID", "PreviousConnID", "TransferConnID",
                "ConferenceConnID"):
        if key in attrs:
            value = attrs[key]
            name = names.get(value) if key.endswith("ConnID") else None
            parts.append(f"{key} {value}" + (f" ({name})" if name else ""))
    return " ".join(parts)


def record_line(r: DispositionRecord) -> str:
    """A one-line account of a disposition record."""
    http = r.http
    parts = [f"{r.request} at {format_time(r.requestedAt)} {r.user}", f"{r.key or 'disposition'}={r.disposition!r}"]
    if r.path is DispositionPath.REJECTED:
        parts.append(f"rejected: HTTP {http.status} statusCode {http.statusCode} ({http.statusMessage or ''})")
    else:
        seen = f"GWS saw {r.gwsView}"
        if r.tserverState and r.tserverState != r.gwsView:
            seen += f" (T-Server: {r.tserverState})"
        parts.append(f"{seen} → {r.path.value}")
        parts.append(f"HTTP {http.status} statusCode {http.statusCode}")
        t = r.tserver
        if t is not None and t.event and t.at is not None:
            error = f" {t.errorCode} {t.errorName}" if t.event == "EventError" else ""
            parts.append(f"{t.event}{error} at {format_time(t.at)}")
        else:
            parts.append("no T-Server answer")
        parts.append(f"CometD {', '.join(r.cometd)}" if r.cometd else "no CometD")
        if r.fallback is not None:
            answer = r.fallback.tserver.event if r.fallback.tserver is not None else None
            parts.append(f"fallback → {answer or 'no answer'}")
    rep = r.reporting
    holds = repr(rep.holds) if rep.holds is not None else "nothing"
    parts.append(f"reporting: {rep.outcome.value} (holds {holds})")
    return " · ".join(parts)
