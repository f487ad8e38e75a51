"""ICON's rows (IDB), built from a run's journal as ICON would write them.

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
  ``adata-userdata-history``, allows (``icon.kept_changes``).
- **g_custom_data_s**: the keys of each EventUserEvent that ICON stored:
  ``store-event-data`` decides (none: nothing; conf: the EventData keys; all),
  as reporting's own entry for the event says. Info Mart's user-event timeout
  does not stop ICON from storing it: ``gim`` applies that.

Times are the events' own (``TimeinSecs``/``TimeinuSecs``), kept in microseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .icon import history_of, kept_changes

ICON_REFUSED = "G_CUSTOM_DATA_S has no row"  # reporting's reason for a user event ICON did not store
ENDING = frozenset({"EventReleased", "EventAbandoned", "EventDiverted"})  # the DN leaves the call


def iso(us: int) -> str:
    """Microseconds since 1970 as ISO 8601 UTC text, to the millisecond (IDB's ``added``)."""
    moment = datetime.fromtimestamp(us // 1_000_000, tz=timezone.utc).replace(microsecond=us % 1_000_000)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_time(attrs: dict[str, Any]) -> int:
    return attrs["TimeinSecs"] * 1_000_000 + attrs["TimeinuSecs"]


def _text(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else str(value)


@dataclass
class Idb:
    """ICON's tables: name → rows (each a tuple in the schema's column order)."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {
        "g_call": [], "g_party": [], "g_userdata_history": [], "g_custom_data_s": []})
    agents: dict[str, str] = field(default_factory=dict)  # partyguid → agent id, for Info Mart's legs
    orders: dict[tuple[str, int], int] = field(default_factory=dict)  # (table, row id) → journal seq
    ended_us: dict[str, int] = field(default_factory=dict)  # callid → when the call ended (µs)
    party_us: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # partyguid → (began, left) µs


class IdbBuilder:
    def __init__(self, attached_data: Mapping[str, str] | None = None, userdata_history: str = "all") -> None:
        self.spec, self.default_history = dict(attached_data or {}), userdata_history
        self.idb = Idb()
        self._calls: dict[str, list[Any]] = {}  # ConnID → its g_call row (a list while it may change)
        self._parties: dict[tuple[str, str], list[Any]] = {}  # (ConnID, DN) → the open g_party row
        self._seen_data: dict[str, dict[str, Any]] = {}  # ConnID → the attached data last seen
        self._logged_in: dict[str, str] = {}  # DN → agent id
        self._user_events: dict[int, dict[str, Any]] = {}  # EventSequenceNumber → an EventUserEvent's attrs
        self._times: dict[int, int] = {}  # EventSequenceNumber → the event's time (µs)
        self._party_rows: list[list[Any]] = []  # every g_party row, in the order made
        self._last_party: dict[tuple[str, str], list[Any]] = {}  # (callid, DN) → its latest g_party row

    def feed(self, entries: Iterable[dict[str, Any]]) -> Idb:
        for entry in entries:
            kind = entry.get("kind")
            if kind == "tlib.event" and "reporting" in entry.get("to", ()):
                self._event(entry)
            elif kind == "reporting":
                self._reporting(entry)
        rows = self.idb.rows
        rows["g_call"] = [tuple(row) for row in self._calls.values()]
        rows["g_party"] = [tuple(row) for row in self._party_rows]
        self._apply_history()
        return self.idb

    def _apply_history(self) -> None:
        """Keep the g_userdata_history rows ICON records by each key's history; renumber them."""
        rows, orders = self.idb.rows["g_userdata_history"], self.idb.orders
        by_key: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        for row in rows:
            by_key.setdefault((row[1], row[4]), []).append(row)
        kept = {row[0] for (_, key), changes in by_key.items()
                for row in kept_changes(history_of(key, self.spec, self.default_history), changes,
                                        lambda change: change[5] is None)}
        renumbered: list[tuple[Any, ...]] = []
        for row in rows:
            if row[0] in kept:
                number = len(renumbered) + 1
                orders[("g_userdata_history", number)] = orders.pop(("g_userdata_history", row[0]))
                renumbered.append((number, *row[1:]))
            else:
                orders.pop(("g_userdata_history", row[0]))
        self.idb.rows["g_userdata_history"] = renumbered

    # -- events ------------------------------------------------------------------
    def _event(self, entry: dict[str, Any]) -> None:
        name, attrs = entry["name"], entry["attrs"]
        seq = attrs["EventSequenceNumber"]
        when = event_time(attrs)
        self._times[seq] = when
        dn = attrs.get("ThisDN")
        if name == "EventAgentLogin":
            self._logged_in[dn] = attrs.get("AgentID")
            return
        if name == "EventAgentLogout":
            self._logged_in.pop(dn, None)
            return
        if name == "EventUserEvent":
            self._user_events[seq] = attrs
            return
        conn_id = attrs.get("ConnID")
        if conn_id is None or "CallUuid" not in attrs:
            return
        call = self._calls.get(conn_id)
        if call is None:
            parent_conn = attrs.get("TransferConnID") or attrs.get("ConferenceConnID")
            parent = self._calls.get(parent_conn) if parent_conn else None
            call = self._calls[conn_id] = [len(self._calls) + 1, attrs["CallUuid"], conn_id,
                                           parent[1] if parent else None, attrs.get("CallType"), attrs.get("ANI"),
                                           attrs.get("DNIS"), iso(when), when // 1_000_000, None, None]
        previous = attrs.get("PreviousConnID") if name == "EventPartyChanged" else None
        if previous is not None and previous != conn_id:
            self._end_party(previous, dn, when)
        party = self._party(conn_id, call[1], dn, when)
        if name in ENDING:
            self._end_party(conn_id, dn, when)
        data = attrs.get("UserData")
        if data is not None:
            self._user_data(entry, conn_id, call[1], data, attrs, when, party)

    def _party(self, conn_id: str, call_id: str, dn: str, when: int) -> list[Any]:
        party = self._parties.get((conn_id, dn))
        if party is None:
            number = len(self._party_rows) + 1
            guid = f"{call_id}-P{number}"
            party = [number, guid, call_id, dn, self._logged_in.get(dn), iso(when), when // 1_000_000, None, None]
            self.idb.party_us[guid] = (when, None)
            self._parties[(conn_id, dn)] = party
            self._party_rows.append(party)
            self._last_party[(call_id, dn)] = party
            if party[4] is not None:
                self.idb.agents[guid] = party[4]
        return party

    def _end_party(self, conn_id: str, dn: str, when: int) -> None:
        party = self._parties.pop((conn_id, dn), None)
        if party is not None:
            party[7], party[8] = iso(when), when // 1_000_000
            self.idb.party_us[party[1]] = (self.idb.party_us[party[1]][0], when)

    def _user_data(self, entry: dict[str, Any], conn_id: str, call_id: str, data: dict[str, Any],
                   attrs: dict[str, Any], when: int, party: list[Any]) -> None:
        before = self._seen_data.get(conn_id, {})
        if data == before:
            return
        self._seen_data[conn_id] = dict(data)
        by = attrs.get("ThirdPartyDN") if entry["name"] == "EventAttachedDataChanged" else None
        by_party = self._parties.get((conn_id, by)) if by is not None else None
        rows = self.idb.rows["g_userdata_history"]
        changes = [(key, value, 1 if key not in before else 3) for key, value in data.items()
                   if key not in before or before[key] != value]
        changes += [(key, None, 2) for key in before if key not in data]
        for key, value, change in changes:
            row_id = len(rows) + 1
            rows.append((row_id, call_id, by_party[1] if by_party else None, by, key, _text(value), change,
                         iso(when), when, entry["name"]))
            self.idb.orders[("g_userdata_history", row_id)] = entry["seq"]

    # -- reporting's decisions ---------------------------------------------------------
    def _reporting(self, entry: dict[str, Any]) -> None:
        meta = entry.get("meta") or {}
        seq: int = meta.get("event", -1)
        conn_id = entry.get("connId")
        if entry.get("what") == "call-end":
            call = self._calls.get(conn_id) if isinstance(conn_id, str) else None
            when = self._times.get(seq)
            if call is not None and when is not None:
                call[9], call[10] = iso(when), when // 1_000_000
                self.idb.ended_us[call[1]] = when
            return
        if entry.get("what") != "user-event":
            return
        reason = entry.get("reason") or ""
        if reason.startswith(ICON_REFUSED):
            return  # ICON did not store it
        attrs = self._user_events.get(seq, {})
        ignored = set(entry.get("ignoredKeys") or ())
        call = self._calls.get(conn_id) if isinstance(conn_id, str) else None
        dn = attrs.get("ThisDN")
        # the DN's party on the call: the one it has now, or its last one if it has left
        party = self._last_party.get((call[1], dn)) if call is not None and isinstance(dn, str) else None
        when = event_time(attrs) if attrs else 0
        rows = self.idb.rows["g_custom_data_s"]
        for key, value in (entry.get("userData") or {}).items():
            if key in ignored:
                continue
            row_id = len(rows) + 1
            rows.append((row_id, call[1] if call else None, party[1] if party else None, dn, key, _text(value),
                         iso(when), when))
            self.idb.orders[("g_custom_data_s", row_id)] = entry["seq"]


def build_idb(entries: Iterable[dict[str, Any]], attached_data: Mapping[str, str] | None = None,
              userdata_history: str = "all") -> Idb:
    """ICON's tables from a run's journal entries (as dicts, in journal order), under its
    attached-data spec and ``adata-userdata-history``."""
    return IdbBuilder(attached_data, userdata_history).feed(entries)
