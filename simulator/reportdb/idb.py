"""ICON's rows (IDB), written as ICON would write them while the run goes.

ICON is a T-Server client; it sees what the journal's reporting client saw:

- **g_call**: a row when a call's first event reaches reporting (a consult call
  names the call it came from in ``parentcallid``); ``terminated`` when reporting
  saw the call end.
- **g_party**: a row when a DN's first event about the call arrives; it ends
  when the DN is released from the call (a queue or routing point: when it
  diverts the call) or moves to another (EventPartyChanged naming another call
  in PreviousConnID: a new party there).
- **g_userdata_history**: each key the call's attached data gained (changetype
  1), changed (3) or lost (2), once per change (every party hears the same
  EventAttachedDataChanged; the first copy writes the rows), by the DN that made
  it (``ThirdPartyDN``) — as the key's history in ICON's attached-data spec, or
  ``adata-userdata-history``, allows (``icon``): all and first as the change
  happens, last when the call ends, none never.
- **g_custom_data_s**: the keys of each EventUserEvent that ICON stored:
  ``store-event-data`` decides (none: nothing; conf: the EventData keys; all),
  as reporting's own entry for the event says. Info Mart's user-event timeout
  does not stop ICON from storing it: ``gim`` applies that.

A call's rows are written when reporting sees it end (its ``call-end`` entry):
g_call, g_party, and Info Mart's interaction and legs (``gim.InfoMart.ended``).
Until reporting closes it (``reporting.final``, a user-event timeout later) only
what a late user event needs is kept (``Ended``: the agent legs and their parties,
the key's values so far; a user event from another DN finds its party in the rows);
at closure each leg's value is decided and written, and the call forgotten, so
memory follows the calls reporting still follows. A user event
naming a call already closed finds it in the rows written (``RowWriter.lookup``).

Times are the events' own (``TimeinSecs``/``TimeinuSecs``), kept in microseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from .. import journal as J
from .gim import Candidate, InfoMart
from .icon import history_of
from .writer import RowWriter

ICON_REFUSED = "G_CUSTOM_DATA_S has no row"  # reporting's reason for a user event ICON did not store
ENDING = frozenset({"EventReleased", "EventAbandoned", "EventDiverted"})  # the DN leaves the call
CALL_ENDS = frozenset({"EventReleased", "EventAbandoned"})  # may end the call for reporting (and PartyChanged)
REPORTING = "reporting"


def iso(us: int) -> str:
    """Microseconds since 1970 as ISO 8601 UTC text, to the millisecond (IDB's ``added``)."""
    second, rest = divmod(us, 1_000_000)
    return f"{_iso_second(second)}.{rest // 1000:03d}Z"


@lru_cache(maxsize=64)  # a run's events come in time order: most share a second with the one before
def _iso_second(second: int) -> str:
    return datetime.fromtimestamp(second, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def event_time(attrs: dict[str, Any]) -> int:
    return attrs["TimeinSecs"] * 1_000_000 + attrs["TimeinuSecs"]


def _text(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else str(value)


@dataclass(slots=True)
class CallState:
    """What ICON holds for a call reporting still follows."""

    number: int  # g_call.id, and Info Mart's interaction_id
    row: list[Any]  # its g_call row (a list while it may change)
    seen: dict[str, Any] = field(default_factory=dict)  # the attached data last seen
    open_parties: dict[str, list[Any]] = field(default_factory=dict)  # DN → its open g_party row
    last_party: dict[str, list[Any]] = field(default_factory=dict)  # DN → its latest g_party row
    parties: list[list[Any]] = field(default_factory=list)  # g_party rows + [began µs, left µs]
    legs: list[tuple[int, list[Any], str]] = field(default_factory=list)  # (leg id, party, agent id)
    first: set[str] = field(default_factory=set)  # keys whose first value is written (history first)
    last: dict[str, tuple[tuple[Any, ...], int]] = field(default_factory=dict)  # history last: key → (row, seq)
    candidates: list[Candidate] = field(default_factory=list)  # the disposition key's rows
    ended_us: int | None = None
    ending: list[int] = field(default_factory=list)  # seqs of its events that may end it (times kept)

    @property
    def call_id(self) -> str:
        return self.row[1]


@dataclass(slots=True)
class Ended:
    """What is kept of a call that ended, until reporting closes it."""

    number: int
    call_id: str
    legs: tuple[tuple[int, str, int, int | None, int], ...]  # (leg id, DN, began µs, left µs, g_party id)
    candidates: list[Candidate]
    ended_us: int | None


class TableBuilder:
    """ICON's rows and, per closed call, Info Mart's, from a run's journal entries in order."""

    def __init__(self, writer: RowWriter, info_mart: InfoMart, attached_data: Mapping[str, str] | None = None,
                 userdata_history: str = "all") -> None:
        self.writer, self.info_mart = writer, info_mart
        self.spec, self.default_history = dict(attached_data or {}), userdata_history
        self.key = info_mart.mapping.key
        self._calls: dict[str, CallState] = {}  # ConnID → the call, until it ends
        self._ended: dict[str, Ended] = {}  # ConnID → a call that ended, until reporting closes it
        self._logged_in: dict[str, Any] = {}  # DN → agent id
        self._user_events: dict[int, dict[str, Any]] = {}  # seq → an EventUserEvent's attrs, until journaled
        self._times: dict[int, int] = {}  # seq → time (µs) of an event that may end an open call
        self._counts = {"g_call": 0, "g_party": 0, "g_userdata_history": 0, "g_custom_data_s": 0, "leg": 0}

    def listen(self, journal: J.Journal) -> None:
        """Take each entry as the journal makes it (a streamed run)."""
        journal.subscribe(J.TLIB_EVENT, self._tlib_entry)
        journal.subscribe(J.REPORTING, self._reporting)
        journal.subscribe(J.REPORTING_FINAL, self._final_entry)

    def feed(self, entries: Iterable[J.Entry]) -> None:
        for entry in entries:
            self.take(entry)

    def take(self, entry: J.Entry) -> None:
        kind = entry.kind
        if kind == J.TLIB_EVENT:
            self._tlib_entry(entry)
        elif kind == J.REPORTING:
            self._reporting(entry)
        elif kind == J.REPORTING_FINAL:
            self._final_entry(entry)

    def _tlib_entry(self, entry: J.Entry) -> None:
        event = entry.payload
        if REPORTING in event.recipients:
            self._event(event.name, event.attrs)

    def _final_entry(self, entry: J.Entry) -> None:
        self._close(entry.payload["connId"])

    def finish(self) -> None:
        """The run is over: close the calls still open, write what is held."""
        for conn_id in [*self._ended, *self._calls]:
            self._close(conn_id)
        self.writer.close()

    def _next(self, counter: str) -> int:
        self._counts[counter] += 1
        return self._counts[counter]

    # -- events ------------------------------------------------------------------
    def _event(self, name: str, attrs: dict[str, Any]) -> None:
        dn: Any = attrs.get("ThisDN")
        if name == "EventAgentLogin":
            self._logged_in[dn] = attrs.get("AgentID")
            return
        if name == "EventAgentLogout":
            self._logged_in.pop(dn, None)
            return
        seq = attrs["EventSequenceNumber"]
        if name == "EventUserEvent":
            self._user_events[seq] = attrs
            return
        conn_id = attrs.get("ConnID")
        if conn_id is None or "CallUuid" not in attrs:
            return
        when = event_time(attrs)
        call = self._calls.get(conn_id)
        if call is None:
            if conn_id in self._ended:
                return  # ended for reporting, which no longer follows it
            call = self._calls[conn_id] = self._new_call(conn_id, attrs, when)
        previous = attrs.get("PreviousConnID") if name == "EventPartyChanged" else None
        if previous is not None and previous != conn_id:
            before = self._calls.get(previous)
            if before is not None:
                self._end_party(before, dn, when)
                self._remember_time(before, seq, when)
        self._party(call, dn, when)
        if name in ENDING:
            self._end_party(call, dn, when)
        if name in CALL_ENDS:
            self._remember_time(call, seq, when)
        data = attrs.get("UserData")
        if data is not None and data != call.seen:
            self._user_data(name, seq, call, data, attrs, when)

    def _new_call(self, conn_id: str, attrs: dict[str, Any], when: int) -> CallState:
        parent_conn = attrs.get("TransferConnID") or attrs.get("ConferenceConnID")
        parent = self._calls.get(parent_conn) if parent_conn else None
        written = self._written_call(parent_conn) if parent is None and parent_conn else None
        parent_id = parent.call_id if parent is not None else written[1] if written else None
        number = self._next("g_call")
        return CallState(number, [number, attrs["CallUuid"], conn_id, parent_id, attrs.get("CallType"),
                                  attrs.get("ANI"), attrs.get("DNIS"), iso(when), when // 1_000_000, None, None])

    def _remember_time(self, call: CallState, seq: int, when: int) -> None:
        self._times[seq] = when
        call.ending.append(seq)

    def _party(self, call: CallState, dn: str, when: int) -> list[Any]:
        party = call.open_parties.get(dn)
        if party is None:
            number = self._next("g_party")
            agent = self._logged_in.get(dn)
            party = [number, f"{call.call_id}-P{number}", call.call_id, dn, agent, iso(when), when // 1_000_000,
                     None, None, when, None]
            call.open_parties[dn] = call.last_party[dn] = party
            call.parties.append(party)
            if agent is not None:
                call.legs.append((self._next("leg"), party, agent))
        return party

    @staticmethod
    def _end_party(call: CallState, dn: str, when: int) -> None:
        party = call.open_parties.pop(dn, None)
        if party is not None:
            party[7], party[8], party[10] = iso(when), when // 1_000_000, when

    def _user_data(self, name: str, seq: int, call: CallState, data: dict[str, Any], attrs: dict[str, Any],
                   when: int) -> None:
        before = call.seen
        call.seen = dict(data)
        by = attrs.get("ThirdPartyDN") if name == "EventAttachedDataChanged" else None
        by_party = call.open_parties.get(by) if by is not None else None
        changes = [(key, value, 1 if key not in before else 3) for key, value in data.items()
                   if key not in before or before[key] != value]
        changes += [(key, None, 2) for key in before if key not in data]
        for key, value, change in changes:
            history = history_of(key, self.spec, self.default_history)
            if history == "none":
                continue
            row = (call.call_id, by_party[1] if by_party else None, by, key, _text(value), change, iso(when), when,
                   name)
            if history == "all" or (history == "first" and value is not None and key not in call.first):
                call.first.add(key)
                self._history_row(call, row, seq)
            elif history == "last":
                call.last[key] = (row, seq)

    def _history_row(self, call: CallState, row: tuple[Any, ...], seq: int) -> None:
        number = self._next("g_userdata_history")
        self.writer.add("g_userdata_history", (number, *row))
        if row[3] == self.key:
            call.candidates.append(Candidate(row[4], "g_userdata_history", number, row[2], row[7], seq))

    def _write_last_values(self, call: CallState) -> None:
        """History ``last``: the one row of each key, written when the call ends (in change order)."""
        for row, seq in sorted(call.last.values(), key=lambda pending: pending[1]):
            self._history_row(call, row, seq)
        call.last.clear()

    # -- reporting's decisions ---------------------------------------------------------
    def _reporting(self, entry: J.Entry) -> None:
        payload = entry.payload
        seq: int = (entry.meta or {}).get("event", -1)
        conn_id = payload.get("connId")
        what = payload.get("what")
        if what == "call-end":
            call = self._calls.get(conn_id) if isinstance(conn_id, str) else None
            when = self._times.get(seq)
            if call is not None and when is not None:
                call.row[9], call.row[10] = iso(when), when // 1_000_000
                call.ended_us = when
                self._end(call)
            return
        if what != "user-event":
            return
        attrs = self._user_events.pop(seq, None) or {}
        if (payload.get("reason") or "").startswith(ICON_REFUSED):
            return  # ICON did not store it
        ignored = set(payload.get("ignoredKeys") or ())
        data = {key: value for key, value in (payload.get("userData") or {}).items() if key not in ignored}
        if not data:
            return
        dn = attrs.get("ThisDN")
        when = event_time(attrs) if attrs else 0
        call = self._calls.get(conn_id) if isinstance(conn_id, str) else None
        if call is not None:
            # the DN's party on the call: the one it has now, or its last one if it has left
            latest = call.last_party.get(dn) if isinstance(dn, str) else None
            self._custom_rows(data, call.call_id, latest[1] if latest else None, dn, when, entry.seq,
                              call.candidates)
            return
        ended = self._ended.get(conn_id) if isinstance(conn_id, str) else None
        if ended is not None:
            number = next((leg[4] for leg in reversed(ended.legs) if leg[1] == dn), None)
            party = f"{ended.call_id}-P{number}" if number is not None else self._party_of(ended.call_id, dn)
            self._custom_rows(data, ended.call_id, party, dn, when, entry.seq, ended.candidates)
            return
        found = self._written_call(conn_id) if isinstance(conn_id, str) else None
        if found is None:
            self._custom_rows(data, None, None, dn, when, entry.seq, None)
            return
        number, call_id = found
        rows = self._custom_rows(data, call_id, self._party_of(call_id, dn), dn, when, entry.seq, None)
        for row_id, key, value in rows:
            if key == self.key:
                self.info_mart.after_close(number, Candidate(value, "g_custom_data_s", row_id, dn, when, entry.seq))

    def _party_of(self, call_id: str, dn: Any) -> str | None:
        """The DN's latest party on a call whose rows are written."""
        if not isinstance(dn, str):
            return None
        found = self.writer.lookup("SELECT partyguid FROM g_party WHERE callid = ? AND endpointdn = ? "
                                   "ORDER BY id DESC LIMIT 1", (call_id, dn))
        return found[0][0] if found else None

    def _custom_rows(self, data: dict[str, Any], call_id: str | None, party: str | None, dn: Any, when: int,
                     seq: int, candidates: list[Candidate] | None) -> list[tuple[int, str, str | None]]:
        written = []
        for key, value in data.items():
            number = self._next("g_custom_data_s")
            text = _text(value)
            self.writer.add("g_custom_data_s", (number, call_id, party, dn, key, text, iso(when), when))
            written.append((number, key, text))
            if candidates is not None and key == self.key:
                candidates.append(Candidate(text, "g_custom_data_s", number, dn, when, seq))
        return written

    # -- ending and closing ----------------------------------------------------------
    def _end(self, call: CallState) -> Ended:
        """The call ended for reporting: write its rows; keep what its closure needs."""
        del self._calls[call.row[2]]
        self._write_last_values(call)
        self.writer.add("g_call", tuple(call.row))
        for party in call.parties:
            self.writer.add("g_party", tuple(party[:9]))
        for seq in call.ending:
            self._times.pop(seq, None)
        self.info_mart.ended(call.number, call.row, call.legs)
        ended = self._ended[call.row[2]] = Ended(
            call.number, call.call_id,
            tuple((leg, party[3], party[9], party[10], party[0]) for leg, party, _ in call.legs),
            call.candidates, call.ended_us)
        return ended

    def _close(self, conn_id: Any) -> None:
        """Reporting closed the call: decide what each leg keeps, and forget the call."""
        if not isinstance(conn_id, str):
            return
        call = self._calls.get(conn_id)
        ended = self._end(call) if call is not None else self._ended.get(conn_id)
        if ended is not None:
            del self._ended[conn_id]
            self.info_mart.closed(ended.legs, ended.candidates, ended.ended_us)

    def _written_call(self, conn_id: str) -> tuple[int, str] | None:
        """(g_call id, callid) of the latest call written with this ConnID."""
        found = self.writer.lookup("SELECT id, callid FROM g_call WHERE connid = ? ORDER BY id DESC LIMIT 1",
                                   (conn_id,))
        return found[0] if found else None
