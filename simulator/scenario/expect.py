"""Check a run's expectations against its journal and disposition records."""

from __future__ import annotations

import fnmatch
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .. import journal as J
from ..record import DispositionRecord
from ..timeunits import format_time
from .matchers import CodeMatch
from .schema import Expectation, Window


@dataclass(frozen=True)
class CallIds:
    conn_id: str
    call_uuid: str


@dataclass
class ExpectationResult:
    index: int
    line: int | None
    text: str
    passed: bool
    problems: list[str]
    focus: int | None = None  # the simulated time (µs) the result is about, for timeline excerpts

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "line": self.line, "expectation": self.text, "passed": self.passed,
                "problems": self.problems}


def describe(expectation: Expectation) -> str:
    args = expectation.args
    parts = []
    for key in args.model_fields_set:
        value = getattr(args, key)
        if value is None:
            continue
        if key in ("after", "before"):
            value = format_time(value)
        order = list(type(args).model_fields).index(key) + (1000 if key in ("after", "before") else 0)
        parts.append((order, f"{key}: {value}"))  # the time window last
    return f"{expectation.kind} {{{', '.join(text for _, text in sorted(parts))}}}"


def final_path(record: DispositionRecord) -> str:
    """The path a disposition ended on: the fallback user event's, if one was sent."""
    return (record.fallback.path if record.fallback is not None else record.path).value


def _matches(expected: Any, value: Any) -> bool:
    return expected.matches(value) if isinstance(expected, CodeMatch) else expected == value


def _data_problems(where: str, expected: dict[str, Any], data: Any) -> list[str]:
    """``expected`` (a key with None: absent) against the user data ``data``."""
    data = data if isinstance(data, dict) else {}
    problems = []
    for key, value in expected.items():
        if value is None and key in data:
            problems.append(f"{where}.{key}: expected absent, got {data[key]!r}")
        elif value is not None and data.get(key, _ABSENT) != value:
            problems.append(f"{where}.{key}: expected {value!r}, got {repr(data[key]) if key in data else 'absent'}")
    return problems


_CALL_REFERENCE = re.compile(r"^\{([A-Za-z0-9_.-]+?)(\.connId)?\}$")
_CALL_REFERENCES = re.compile(r"\{[A-Za-z0-9_.-]+?(?:\.connId)?\}")


def field_at(data: Any, path: str) -> Any:
    """The value at a dotted path (``devices.0.userState.id``) in a message's data, or _ABSENT."""
    for part in path.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return _ABSENT
    return data


class Checker:
    """Checks expectations; look-ups are built once, so checking is linear in
    the expectations and the records."""

    def __init__(self, journal: J.Journal, records: Sequence[DispositionRecord], calls: dict[str, CallIds],
                 tables: Callable[[], sqlite3.Connection | None] = lambda: None):
        self.tables = tables  # the reporting tables, made when an expectation first asks (None: no journal)
        self.journal = journal
        self._records = records
        self.calls = calls

    @cached_property
    def records(self) -> list[DispositionRecord]:
        """The records, made once an expectation asks (a run's are kept as text)."""
        return list(self._records)

    @cached_property
    def by_request(self) -> dict[str, list[DispositionRecord]]:
        found: dict[str, list[DispositionRecord]] = {}
        for record in self.records:
            found.setdefault(record.request, []).append(record)
        return found

    @cached_property
    def by_call(self) -> dict[str, list[DispositionRecord]]:
        found: dict[str, list[DispositionRecord]] = {}
        for record in self.records:
            for call_id in {record.callUuid, record.callId}:
                if call_id is not None:
                    found.setdefault(call_id, []).append(record)
        return found

    @cached_property
    def finals(self) -> dict[str, dict[str, Any]]:
        return {e.payload["connId"]: e.payload for e in self.journal.of_kind(J.REPORTING_FINAL)}

    @cached_property
    def responses(self) -> dict[str, dict[str, Any]]:
        return {e.payload["request"]: e.payload for e in self.journal.of_kind(J.HTTP_RESPONSE)}

    def check(self, index: int, line: int | None, expectation: Expectation) -> ExpectationResult:
        self._focus: int | None = getattr(expectation.args, "after", None)
        problems = getattr(self, f"_{expectation.kind}")(expectation.args)
        return ExpectationResult(index, line, describe(expectation), not problems, problems, self._focus)

    def _call(self, name: str | None) -> CallIds | None:
        return self.calls.get(name) if name is not None else None

    def _resolved(self, value: Any) -> Any:
        """An expected attribute value, with ``{c1.connId}`` / ``{c1}`` standing for a call's ids."""
        m = _CALL_REFERENCE.match(value) if isinstance(value, str) else None
        call = self.calls.get(m.group(1)) if m else None
        if m is None or call is None:
            return value
        return call.conn_id if m.group(2) else call.call_uuid

    # -- kinds -------------------------------------------------------------------
    def _disposition(self, want) -> list[str]:
        if want.request is not None:
            chosen = self.by_request.get(want.request, [])
            label = f"request {want.request}"
        else:
            call = self._call(want.call)
            chosen = self.by_call.get(call.call_uuid, []) if call else []
            label = f"call {want.call}"
        if want.nth is not None:
            if len(chosen) < want.nth:
                return [f"expected a disposition #{want.nth} on {label}, found {len(chosen)}"]
            chosen = [chosen[want.nth - 1]]
        if not chosen:
            return [f"no SetCallDisposition was made on {label}"]
        problems = []
        self._focus = chosen[0].requestedAt
        for record in chosen:
            tserver = record.tserver
            actual = {
                "path": record.path.value,
                "finalPath": final_path(record),
                "statusCode": record.http.statusCode,
                "httpStatus": record.http.status,
                "view": record.gwsView,
                "tserver": (tserver.event if tserver is not None else None) or "none",
                "errorCode": tserver.errorCode if tserver is not None else None,
                "cometd": bool(record.cometd),
                "reporting": record.reporting.outcome.value,
                "holds": record.reporting.holds,
                "icon": record.reporting.icon,
                "infoMart": record.reporting.infoMart.value if record.reporting.infoMart is not None else None,
            }
            for field, value in actual.items():
                expected = getattr(want, field)
                if expected is not None and not _matches(expected, value):
                    problems.append(f"{record.request}: {field}: expected {expected!r}, got {value!r}")
            reason = record.reporting.reason or ""
            if want.reason is not None and want.reason not in reason:
                problems.append(f"{record.request}: reason: expected it to contain {want.reason!r}, "
                                f"got {reason or 'none'!r}")
        return problems

    def _reporting(self, want) -> list[str]:
        call = self._call(want.call)
        final = self.finals.get(call.conn_id) if call else None
        if final is None:
            return [f"reporting holds nothing for call {want.call}"]
        data = final["userData"]
        problems = []
        for key, value in (want.userData or {}).items():
            if data.get(key, _ABSENT) != value:
                got = "absent" if key not in data else repr(data[key])
                problems.append(f"userData.{key}: expected {value!r}, got {got}")
        for key in want.missing or ():
            if key in data:
                problems.append(f"userData.{key}: expected absent, got {data[key]!r}")
        if want.ended is not None and want.ended != final["ended"]:
            problems.append(f"ended: expected {want.ended}, got {final['ended']}")
        return problems

    def _cometd(self, want, absent: bool = False) -> list[str]:
        call = self._call(want.call)
        found = []
        for entry in self.journal.of_kind(J.COMETD):
            m = entry.payload
            if not _in_window(entry.t, want):
                continue
            if want.user is not None and m.user != want.user:
                continue
            if call is not None and m.call_id != call.call_uuid:
                continue
            if want.channel is not None and m.channel != want.channel:
                continue
            if want.messageType is not None and m.message_type != want.messageType:
                continue
            if want.notificationType is not None and m.notification_type != want.notificationType:
                continue
            if want.state is not None and getattr(m, "state", None) != want.state:
                continue
            if want.workMode is not None and m.work_mode != want.workMode:
                continue
            data = m.user_data
            if want.hasUserData is not None and bool(data) != want.hasUserData:
                continue
            if want.userData is not None and (data is None or _data_problems("userData", want.userData, data)):
                continue
            offered = m.capabilities
            if want.offers is not None and (offered is None or not set(want.offers) <= set(offered)):
                continue
            if want.lacks is not None and (offered is None or set(want.lacks) & set(offered)):
                continue
            if want.fields is not None:
                body = m.message()["data"]
                if any(field_at(body, path) != value for path, value in want.fields.items()):
                    continue
            found.append(entry)
        if found:
            self._focus = found[0].t
        return _count_problems("CometD message", found, want.count, absent)

    def _no_cometd(self, want) -> list[str]:
        return self._cometd(want, absent=True)

    def _tlib(self, want, absent: bool = False) -> list[str]:
        call = self._call(want.call)
        found = []
        named = name_test(want.event)
        for entry in self.journal.of_kind(J.TLIB_EVENT, J.TLIB_REQUEST):
            message = entry.payload
            if not named(message.name) or not _in_window(entry.t, want):
                continue
            attrs = message.attrs
            if want.dn is not None and attrs.get("ThisDN") != want.dn:
                continue
            if call is not None and attrs.get("ConnID") != call.conn_id:
                continue
            if want.errorCode is not None and not want.errorCode.matches(attrs.get("ErrorCode")):
                continue
            if want.userData is not None and _data_problems("UserData", want.userData, attrs.get("UserData")):
                continue
            if want.attrs is not None and any(attrs.get(k, _ABSENT) != self._resolved(v)
                                              for k, v in want.attrs.items()):
                continue
            found.append(entry)
        if found:
            self._focus = found[0].t
        return _count_problems(want.event, found, want.count, absent)

    def _no_tlib(self, want) -> list[str]:
        return self._tlib(want, absent=True)

    @cached_property
    def _database(self) -> sqlite3.Connection | None:
        return self.tables()

    def _sql(self, want) -> list[str]:
        database = self._database
        if database is None:
            return ["no reporting tables: this run made none (every run that keeps its journal makes them, "
                    "and a streamed run writing its report folder)"]
        query = _CALL_REFERENCES.sub(lambda m: str(self._resolved(m.group(0))), want.query)
        try:
            got = [list(row) for row in database.execute(query).fetchmany(len(want.rows) + 2)]
        except (sqlite3.Error, sqlite3.Warning, ValueError) as exc:
            return [f"the query failed: {exc}"]
        if got == want.rows:
            return []
        return [f"expected rows {want.rows}, got {got}"[:1000]]

    def _http(self, want) -> list[str]:
        response = self.responses.get(want.request)
        if response is None:
            return [f"request {want.request} was never sent"]
        problems = []
        if want.status is not None and not want.status.matches(response["status"]):
            problems.append(f"status: expected {want.status}, got {response['status']}")
        if want.statusCode is not None and not want.statusCode.matches(response["body"]["statusCode"]):
            problems.append(f"statusCode: expected {want.statusCode}, got {response['body']['statusCode']}")
        for path, value in (want.fields or {}).items():
            got = field_at(response["body"], path)
            if got != value:
                problems.append(f"{path}: expected {value!r}, got {'absent' if got is _ABSENT else repr(got)}")
        return problems

    def _dispositions(self, want) -> list[str]:
        call = self._call(want.call)
        chosen = self.by_call.get(call.call_uuid, []) if call is not None else self.records
        found = [r for r in chosen
                 if (want.path is None or r.path.value == want.path)
                 and (want.finalPath is None or final_path(r) == want.finalPath)
                 and (want.reporting is None or r.reporting.outcome.value == want.reporting)]
        if found:
            self._focus = found[0].requestedAt
        if len(found) == want.count:
            return []
        return [f"expected {want.count} disposition(s), found {len(found)}"
                + (f": {', '.join(r.request for r in found[:10])}" if found else "")]


_ABSENT = object()


def name_test(pattern: str) -> Any:
    """A test on message names: exact, or a pattern with * and ?."""
    if "*" not in pattern and "?" not in pattern:
        return pattern.__eq__
    return lambda name: fnmatch.fnmatchcase(name, pattern)


def _in_window(t: int, window: Window) -> bool:
    return (window.after is None or t >= window.after) and (window.before is None or t <= window.before)


def _count_problems(what: str, found: list[J.Entry], count: int | None, absent: bool) -> list[str]:
    if absent:
        if found:
            first = found[0]
            return [f"expected no {what}, found {len(found)} (first: journal #{first.seq} at {format_time(first.t)})"]
        return []
    if count is None:
        return [] if found else [f"expected at least one {what}, found none"]
    return [] if len(found) == count else [f"expected {count} × {what}, found {len(found)}"]
