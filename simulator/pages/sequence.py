"""The sequence diagram of a run, as geometry: lanes, rows, arrows, marks, bands.

Built from the report files alone (``journal.jsonl`` and ``dispositions.jsonl``
as dicts), so an old run's reports can be drawn without the model.

**Lanes**, left to right: one per agent desktop, Web Services, one per T-Server
DN that events name, reporting.

**Rows**: every journal entry and every arrival of a T-Library event at a
client gets a row, in the order they happened (an arrival comes right after
the journal entry it followed). Rows at the same instant sit one under the
other; between instants the gap grows with the time that passed, and a long
idle stretch is cut and labelled (``… 262 s …``). So simultaneous messages stay
apart and real gaps still show.

**Arrows** leave at the row where their message was sent and end at the row
where it arrived: a link that takes time draws a slanted arrow.

**The disposition's story**: every message that belongs to a SetCallDisposition
(its HTTP exchange, Web Services' decision, the T-Library request and answer,
the CometD messages, what reporting did with it) carries the request's name
and its path's colour; an EventError and a lost disposition are marked. Where
T-Server released a party before Web Services heard of it, a band on the Web
Services lane says how long Web Services still saw the call as it was.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

from ..timeunits import US_PER_SECOND, format_duration, format_time
from .inferred import inferred

ROW = 22  # px a row takes
TOP = 70  # px above the first row (lane headings)
LEFT = 110  # px for the time ruler
LANE = 170  # px between lanes
HEAD = 50  # px: the lanes' titles, drawn apart so they stay on screen
TILE = 1600  # px: the height of one band of the drawing
CHAR_WIDTH = 6.6  # px: a generous width of one character of an 11-px label
SHORT_GAP = 1_000_000  # µs: gaps up to this are drawn to scale
PX_PER_LOG_STEP = 10  # px per tenfold of a gap's length
BREAK = 36  # px a cut idle stretch takes

DESKTOP, GWS, TSERVER, REPORTING = "desktop", "gws", "tserver", "reporting"


@dataclass(frozen=True)
class Lane:
    key: str
    kind: str
    title: str
    subtitle: str
    x: float


@dataclass
class Arrow:
    seq: int
    kind: str  # http | tlib-request | tlib-event | cometd | reporting
    label: str
    x1: float
    y1: float
    x2: float
    y2: float
    order: int  # the row it arrives in: the step-through order
    request: str | None = None  # the disposition it belongs to
    path: str | None = None  # that disposition's path
    error: bool = False
    inferred: str | None = None  # why it rests on an inference (``inferred``), if it does
    delay: str | None = None  # how long the link took ("50ms"), when it took time
    conn: str | None = None  # the ConnID of the call it is about, if any
    agent: str | None = None  # the agent whose desktop or DN it concerns, if any
    label_at: float | None = None  # x of its label's middle, between two lanes (``_spread``)

    @property
    def text(self) -> str:
        """Its label as drawn: with ≈ when it rests on an inference, and its link's delay."""
        return self.label + (" ≈" if self.inferred else "") + (f" · {self.delay}" if self.delay else "")

    @property
    def label_x(self) -> float:
        return self.label_at if self.label_at is not None else (self.x1 + self.x2) / 2

    @property
    def label_y(self) -> float:
        """Just above the line where the label is: a slanted arrow's label follows its slant."""
        if self.x2 == self.x1:
            return (self.y1 + self.y2) / 2 - 4
        share = (self.label_x - self.x1) / (self.x2 - self.x1)
        return self.y1 + share * (self.y2 - self.y1) - 4

    @property
    def slanted(self) -> bool:
        return abs(self.y2 - self.y1) > 1


@dataclass
class Mark:
    seq: int
    kind: str  # step | decision | reporting
    label: str
    x: float
    y: float
    order: int
    request: str | None = None
    path: str | None = None
    lost: bool = False
    superseded: bool = False  # a decision whose disposition reporting replaced with a later value
    conn: str | None = None  # the ConnID of the call it is about, if any
    agent: str | None = None  # the agent whose desktop or DN it concerns, if any

    @property
    def text(self) -> str:
        """Its label as drawn, to the right of its lane: with the fate where it is decided."""
        return self.label + (" ✗ lost" if self.lost else " ↷ superseded" if self.superseded else "")


@dataclass(frozen=True)
class Band:
    x: float
    y1: float
    y2: float
    label: str
    tserver_label: str
    tserver_x: float


@dataclass(frozen=True)
class TimeLabel:
    y: float
    text: str


@dataclass(frozen=True)
class Break:
    y: float
    text: str


@dataclass
class Tile:
    """A horizontal band of the drawing, from ``y0`` to ``y1``; each element with whether it is a copy."""

    y0: float
    y1: float
    arrows: list[tuple[Arrow, bool]] = field(default_factory=list)
    marks: list[tuple[Mark, bool]] = field(default_factory=list)
    bands: list[tuple[Band, bool]] = field(default_factory=list)
    times: list[tuple[TimeLabel, bool]] = field(default_factory=list)
    breaks: list[tuple[Break, bool]] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Diagram:
    lanes: list[Lane]
    arrows: list[Arrow]
    marks: list[Mark]
    bands: list[Band]
    times: list[TimeLabel]
    breaks: list[Break]
    width: float
    height: float
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)  # seq → the journal entry

    @property
    def tiles(self) -> list[Tile]:
        """The drawing cut into bands ``TILE`` px high, each with what it shows (an element that
        crosses a cut is drawn in both, the second time as a copy): a browser paints only
        the bands on screen, so a step costs the same on a long run as on a short one."""
        count = max(1, math.ceil((self.height - HEAD) / TILE))
        tiles = [Tile(HEAD + i * TILE, min(self.height, HEAD + (i + 1) * TILE)) for i in range(count)]

        def place(item: Any, low: float, high: float, into: str) -> None:
            first = True
            for tile in tiles[max(0, int((low - HEAD) // TILE)):int((high - HEAD) // TILE) + 1]:
                getattr(tile, into).append((item, not first))
                first = False

        for arrow in self.arrows:
            place(arrow, min(arrow.y1, arrow.y2, arrow.label_y - 12), max(arrow.y1, arrow.y2) + 4, "arrows")
        for mark in self.marks:
            place(mark, mark.y - 12, mark.y + 6, "marks")
        for band in self.bands:
            place(band, band.y1, band.y2, "bands")
        for time in self.times:
            place(time, time.y - 10, time.y + 4, "times")
        for cut in self.breaks:
            place(cut, cut.y - 10, cut.y + 4, "breaks")
        return tiles

    ruler_width: float = LEFT - 20  # the time ruler, which stays at the left when the drawing scrolls

    @property
    def calls(self) -> list[str]:
        """The ConnIDs the drawing shows, in the order they first appear."""
        found: dict[str, None] = {}
        every: list[Arrow | Mark] = [*self.arrows, *self.marks]
        for item in sorted(every, key=lambda item: item.order):
            if item.conn is not None:
                found.setdefault(item.conn, None)
        return list(found)

    @property
    def agents(self) -> list[str]:
        """The agents the drawing shows, by name."""
        every: list[Arrow | Mark] = [*self.arrows, *self.marks]
        return sorted({item.agent for item in every if item.agent is not None})

    @property
    def steps(self) -> int:
        """How many stops a step-through makes."""
        return len({a.order for a in self.arrows} | {m.order for m in self.marks})

    def messages_json(self) -> str:
        """The journal entries behind the arrows and marks, for the page's detail panel."""
        return json.dumps({str(k): v for k, v in sorted(self.messages.items())}, ensure_ascii=False,
                          sort_keys=False).replace("</", "<\\/")


def _us(seconds: float) -> int:
    return round(seconds * US_PER_SECOND)


def _users(journal: list[dict[str, Any]]) -> list[str]:
    users: list[str] = []
    for entry in journal:
        user = entry.get("user") if entry["kind"] in ("http.request", "cometd") else None
        if user is not None and user not in users:
            users.append(user)
    return users


def _dns(journal: list[dict[str, Any]]) -> list[str]:
    dns: list[str] = []
    for entry in journal:
        if entry["kind"] in ("tlib.event", "tlib.request"):
            dn = entry.get("attrs", {}).get("ThisDN")
            if isinstance(dn, str) and dn not in dns:
                dns.append(dn)
    return dns


def _slots(journal: list[dict[str, Any]]) -> list[tuple[tuple[int, int, int, int], tuple[Any, ...]]]:
    """Every row's (order key, what it is), in the order things happened: an
    arrival right after the journal entry it followed."""
    slots: list[tuple[tuple[int, int, int, int], tuple[Any, ...]]] = []
    for entry in journal:
        slots.append(((_us(entry["t"]), entry["seq"], 0, 0), ("entry", entry["seq"])))
        if entry["kind"] == "tlib.event":
            for client, (t, after) in (entry.get("meta") or {}).get("arrived", {}).items():
                slots.append(((_us(t), after, 1, entry["seq"]), ("arrival", entry["seq"], client)))
    slots.sort(key=lambda slot: slot[0])
    return slots


def _gap(us: int) -> tuple[float, str | None]:
    """The height of an idle gap, and the label of a cut one."""
    if us <= 0:
        return 0.0, None
    if us <= SHORT_GAP:
        steps = 0.0
        value = us
        while value >= 10:
            value //= 10
            steps += 1
        return max(4.0, PX_PER_LOG_STEP * (steps - 2)), None  # 1 ms → 10 px, 1 s → 40 px
    return float(BREAK), f"… {us / US_PER_SECOND:g} s …"


def build(journal: list[dict[str, Any]], records: list[dict[str, Any]]) -> Diagram:
    """The diagram of a run, from its journal entries and disposition records (as in the JSON files)."""
    users, dns = _users(journal), _dns(journal)
    lanes: list[Lane] = []
    x = LEFT + LANE / 2
    for user in users:
        lanes.append(Lane(f"desktop:{user}", DESKTOP, f"Desktop {user}", "HTTP · CometD", x))
        x += LANE
    lanes.append(Lane("gws", GWS, "Web Services", "GWS v2", x))
    x += LANE
    for dn in dns:
        lanes.append(Lane(f"dn:{dn}", TSERVER, f"T-Server {dn}", "DN", x))
        x += LANE
    lanes.append(Lane("reporting", REPORTING, "Reporting", "ICON · Info Mart", x))
    lane_x = {lane.key: lane.x for lane in lanes}
    width = x + LANE / 2

    # rows: y for every slot; time labels and breaks between instants
    y = float(TOP)
    slot_y: dict[tuple[Any, ...], float] = {}
    times: list[TimeLabel] = []
    breaks: list[Break] = []
    last_t: int | None = None
    order_of: dict[tuple[Any, ...], int] = {}
    for (t, *_), what in _slots(journal):
        if last_t is None or t != last_t:
            if last_t is not None:
                gap, label = _gap(t - last_t)
                if label:
                    breaks.append(Break(y + gap / 2, label))
                y += gap
            times.append(TimeLabel(y + ROW / 2, format_time(t)))
            last_t = t
        slot_y[what] = y + ROW / 2
        order_of[what] = len(order_of)
        y += ROW
    height = y + 30

    by_seq = {entry["seq"]: entry for entry in journal}
    requests = {entry["request"]: entry for entry in journal if entry["kind"] == "http.request"}
    at_time: dict[int, list[int]] = {}
    for entry in journal:
        at_time.setdefault(_us(entry["t"]), []).append(entry["seq"])
    story = _story(journal, records)
    lost_requests = {r["request"] for r in records if r["reporting"]["outcome"] == "lost"}
    superseded_requests = {r["request"] for r in records if r["reporting"]["outcome"] == "superseded"}
    arrows: list[Arrow] = []
    marks: list[Mark] = []
    messages: dict[int, dict[str, Any]] = {}

    def row(seq: int) -> float:
        return slot_y[("entry", seq)]

    conns = {attrs["CallUuid"]: attrs["ConnID"] for entry in journal if entry["kind"] == "tlib.event"
             for attrs in (entry.get("attrs") or {},) if "CallUuid" in attrs and "ConnID" in attrs}

    agent_at = {attrs.get("ThisDN"): attrs.get("AgentID") for entry in journal
                if entry["kind"] == "tlib.event" and entry.get("name") == "EventAgentLogin"
                for attrs in (entry.get("attrs") or {},)}

    def agent_of(entry: dict[str, Any]) -> str | None:
        """The agent a journal entry concerns: the desktop's user, or the agent logged in on its DN."""
        if entry["kind"] == "http.response":
            entry = requests.get(entry["request"]) or entry
        if entry["kind"].startswith("tlib."):
            return agent_at.get((entry.get("attrs") or {}).get("ThisDN"))
        user = entry.get("user")
        return user if isinstance(user, str) else None

    def conn_of(entry: dict[str, Any]) -> str | None:
        """The ConnID a journal entry is about: its own, or its call id's (a CallUuid) at T-Server."""
        kind = entry["kind"]
        if kind.startswith("tlib."):
            return (entry.get("attrs") or {}).get("ConnID")
        if kind in ("gws.disposition", "reporting"):
            return entry.get("connId")
        if kind == "http.response":
            entry = requests.get(entry["request"]) or entry
        if entry["kind"] == "http.request":
            parts = str(entry.get("path", "")).split("/")
            return conns.get(parts[parts.index("calls") + 1]) if "calls" in parts[:-1] else None
        if kind == "cometd":
            call = (entry.get("message", {}).get("data", {}) or {}).get("call") or {}
            return call.get("connId") or conns.get(call.get("id"))
        return None

    def sent_row(entry: dict[str, Any]) -> float:
        """The row a message left at: its own, or the last one at its send time before it."""
        meta = entry.get("meta") or {}
        if "sentAfter" in meta:
            return slot_y.get(("entry", meta["sentAfter"]), row(entry["seq"]))
        if "sentAt" not in meta:
            return row(entry["seq"])
        earlier = [seq for seq in at_time.get(_us(meta["sentAt"]), ()) if seq < entry["seq"]]
        return row(earlier[-1]) if earlier else row(entry["seq"])

    def arrow(entry: dict[str, Any], kind: str, label: str, x1: float, y1: float, x2: float, y2: float,
              order: int, error: bool = False, delay: float | None = None) -> None:
        request, path = story.get(entry["seq"], (None, None))
        if delay is None:  # a message that left earlier than it arrived: its link's delay
            sent = (entry.get("meta") or {}).get("sentAt")
            delay = entry["t"] - sent if isinstance(sent, (int, float)) else 0
        took = format_duration(_us(delay)) if delay > 0 else None  # rows are not to scale: the delay is written
        why = inferred(entry)
        arrows.append(Arrow(entry["seq"], kind, label, x1, y1, x2, y2, order, request, path, error, why, took,
                            conn_of(entry), agent_of(entry)))
        messages[entry["seq"]] = entry if why is None else {**entry, "inference": why}

    for entry in journal:
        kind, seq = entry["kind"], entry["seq"]
        order = order_of[("entry", seq)]
        if kind == "http.request":
            body = entry.get("body")
            operation = body.get("operationName") if isinstance(body, dict) else None
            label = f"{entry['method']} {_short_path(entry['path'])}" + (f" {operation}" if operation else "")
            arrow(entry, "http", label, lane_x[f"desktop:{entry['user']}"], sent_row(entry), lane_x["gws"], row(seq),
                  order)
        elif kind == "http.response":
            asked = requests.get(entry["request"])
            who = asked["user"] if asked else None
            if who is not None:
                body = entry["body"]
                arrow(entry, "http", f"HTTP {entry['status']} · statusCode {body.get('statusCode')}",
                      lane_x["gws"], row(seq), lane_x[f"desktop:{who}"], row(seq), order,
                      error=entry["status"] >= 400)
        elif kind == "tlib.request":
            dn = entry.get("attrs", {}).get("ThisDN")
            if entry.get("client") == "gws" and f"dn:{dn}" in lane_x:
                arrow(entry, "tlib-request", entry["name"], lane_x["gws"], sent_row(entry), lane_x[f"dn:{dn}"],
                      row(seq), order)
        elif kind == "tlib.event":
            dn = entry.get("attrs", {}).get("ThisDN")
            if f"dn:{dn}" not in lane_x:
                continue
            error = entry["name"] == "EventError"
            label = entry["name"] + (f" {entry['attrs'].get('ErrorCode')}" if error else "")
            for client, (arrived, _) in (entry.get("meta") or {}).get("arrived", {}).items():
                target = lane_x.get("gws" if client == "gws" else "reporting")
                if target is None:
                    continue
                arrival = ("arrival", seq, client)
                arrow(entry, "tlib-event" if client == "gws" else "reporting", label, lane_x[f"dn:{dn}"], row(seq),
                      target, slot_y[arrival], order_of[arrival], error=error, delay=arrived - entry["t"])
        elif kind == "cometd":
            message = entry.get("message", {}).get("data", {})
            call = message.get("call") or {}
            label = message.get("notificationType") or message.get("messageType", "CometD")
            if call.get("state"):
                label += f" ({call['state']})"
            arrow(entry, "cometd", label, lane_x["gws"], sent_row(entry), lane_x[f"desktop:{entry['user']}"],
                  row(seq), order)
        elif kind == "step":
            target = _step_lane(entry, lane_x)
            if target is not None:
                request, path = story.get(seq, (None, None))
                marks.append(Mark(seq, "step", _step_label(entry), target, row(seq), order, request, path))
                messages[seq] = entry
        elif kind == "gws.disposition":
            request, path = story.get(seq, (None, None))
            lost = entry["request"] in lost_requests
            decided = f"decides: {entry['path']}, the fallback after the error" if "fallbackFrom" in entry else \
                f"decides: {entry['path']} (it sees the call {entry.get('view') or 'not at all'})"
            # (a fallback's decision is not the record's last word on its fate: the first decision carries it)
            marks.append(Mark(seq, "decision", decided, lane_x["gws"], row(seq), order, request, path,
                              lost and "fallbackFrom" not in entry,
                              entry["request"] in superseded_requests and "fallbackFrom" not in entry,
                              conn_of(entry), agent_of(entry)))
            messages[seq] = entry
        elif kind == "reporting":
            request, path = story.get(seq, (None, None))
            happened = entry.get("what")
            label = "call ends" if happened == "call-end" else (
                "stores the user event" if entry.get("accepted") else "ignores the user event")
            marks.append(Mark(seq, "reporting", label, lane_x["reporting"], row(seq), order, request, path,
                              lost=happened == "user-event" and not entry.get("accepted"), conn=conn_of(entry)))
            messages[seq] = entry
    bands = _bands(journal, lane_x, slot_y, by_seq)
    lanes, bands, width = _spread(lanes, arrows, marks, bands)
    return Diagram(lanes, arrows, marks, bands, times, breaks, width, height, messages)


LABEL_MARGIN = 8  # px: the least room between a label and a lifeline


def _spread(lanes: list[Lane], arrows: list[Arrow], marks: list[Mark],
            bands: list[Band]) -> tuple[list[Lane], list[Band], float]:
    """Move the lanes apart until every label fits between two lifelines, and place it there.

    An arrow's label sits in the first gap its arrow crosses (beside the sender; an arrow to
    a desktop, beside the desktop, which may be far from Web Services); a mark's
    and T-Server's side of a band to the right of their lane; Web Services' side of a band
    to its left. Each gap is as wide as its longest label (at least ``LANE``), so no label
    sits on a lifeline or runs off the drawing. Returns the lanes, bands and width."""
    first = LEFT + LANE / 2
    index = {lane.x: number for number, lane in enumerate(lanes)}
    need = [float(LANE)] * len(lanes)  # gap k: between lane k and lane k + 1 (the last: the drawing's edge)

    def fits(gap: int, text_width: float) -> None:
        if 0 <= gap < len(need):
            need[gap] = max(need[gap], text_width + 2 * LABEL_MARGIN)

    gaps: list[int] = []
    for arrow in arrows:
        start, end = index[arrow.x1], index[arrow.x2]
        if lanes[end].kind == DESKTOP:  # towards a desktop: beside it, where the reader of that desktop looks
            gap = end if start > end else end - 1 if start < end else -1
        else:
            gap = start if end > start else start - 1 if end < start else -1
        gaps.append(gap)
        fits(gap, len(arrow.text) * CHAR_WIDTH)
    for mark in marks:
        fits(index[mark.x], 9 + len(mark.text) * CHAR_WIDTH)
    for band in bands:
        fits(index[band.x] - 1, 14 + len(band.label) * CHAR_WIDTH)
        fits(index[band.tserver_x], 14 + len(f"T-Server: {band.tserver_label}") * CHAR_WIDTH)
    placed = [first]
    for room in need[:-1]:
        placed.append(placed[-1] + room)
    moved = {lane.x: x for lane, x in zip(lanes, placed, strict=True)}
    for arrow, gap in zip(arrows, gaps, strict=True):
        arrow.x1, arrow.x2 = moved[arrow.x1], moved[arrow.x2]
        arrow.label_at = (placed[gap] + placed[gap + 1]) / 2 if 0 <= gap < len(placed) - 1 else None
    for mark in marks:
        mark.x = moved[mark.x]
    bands = [replace(band, x=moved[band.x], tserver_x=moved[band.tserver_x]) for band in bands]
    lanes = [replace(lane, x=x) for lane, x in zip(lanes, placed, strict=True)]
    return lanes, bands, placed[-1] + max(need[-1], LANE / 2)


def _short_path(path: str) -> str:
    parts = path.split("/")
    return "/".join(p if len(p) < 20 else p[:6] + "…" for p in parts).replace("/api/v2", "")


def _step_lane(entry: dict[str, Any], lane_x: dict[str, float]) -> float | None:
    args = entry.get("args", {})
    for dn in (args.get("dn"), args.get("from"), args.get("to")):  # a dial is drawn where it is made
        if f"dn:{dn}" in lane_x:
            return lane_x[f"dn:{dn}"]
    if entry.get("action") == "gws":
        return lane_x.get(f"desktop:{args.get('user')}")
    return None


def _step_label(entry: dict[str, Any]) -> str:
    action, args = entry.get("action", ""), entry.get("args", {})
    if action == "gws":
        return "click" + (f": {args['name']}" if args.get("name") else "")
    where = args.get("dn") or args.get("from")
    text = f"{action} at {where}" if where else action
    if args.get("from") and args.get("to") and not args.get("dn"):
        text = f"{action} {args['from']} → {args['to']}"
    return text + (f" · {entry['result']}" if str(entry.get("result", "")).startswith(("no effect", "not run"))
                   else "")


def _story(journal: list[dict[str, Any]], records: list[dict[str, Any]]) -> dict[int, tuple[str, str]]:
    """Journal seq → (disposition request, its path) for every entry in a disposition's story."""
    paths = {r["request"]: r["path"] for r in records}
    refs: dict[int, str] = {}
    out: dict[int, tuple[str, str]] = {}
    for entry in journal:
        kind = entry["kind"]
        request = None
        if kind == "gws.disposition":
            request = entry["request"]
            if entry.get("referenceId") is not None:
                refs[entry["referenceId"]] = request
        elif kind in ("http.request", "http.response"):
            request = entry["request"] if entry["request"] in paths else None
        elif kind == "step":
            name = entry.get("args", {}).get("name")
            request = name if name in paths else None
        elif kind in ("tlib.request", "tlib.event"):
            request = refs.get(entry.get("attrs", {}).get("ReferenceID", -1))
        elif kind in ("cometd", "reporting"):
            request = refs.get((entry.get("meta") or {}).get("referenceId", -1))
        if request is not None and request in paths:
            out[entry["seq"]] = (request, paths[request])
    return out


def _bands(journal: list[dict[str, Any]], lane_x: dict[str, float], slot_y: dict[tuple[Any, ...], float],
           by_seq: dict[int, dict[str, Any]]) -> list[Band]:
    """Where T-Server released a party and Web Services heard of it only later."""
    bands = []
    state: dict[tuple[str, str], str] = {}
    names = {"EventEstablished": "Established", "EventRinging": "Ringing", "EventDialing": "Dialing",
             "EventHeld": "Held", "EventRetrieved": "Established"}
    for entry in journal:
        if entry["kind"] != "tlib.event":
            continue
        attrs = entry.get("attrs", {})
        key = (attrs.get("ThisDN"), attrs.get("ConnID"))
        if entry["name"] in names:
            state[key] = names[entry["name"]]
            continue
        if entry["name"] not in ("EventReleased", "EventAbandoned"):
            continue
        arrived = (entry.get("meta") or {}).get("arrived", {}).get("gws")
        if arrived is None or _us(arrived[0]) <= _us(entry["t"]):
            continue
        seen = state.get(key, "the call")
        y1, y2 = slot_y[("entry", entry["seq"])], slot_y[("arrival", entry["seq"], "gws")]
        dn = attrs.get("ThisDN")
        bands.append(Band(lane_x["gws"], y1, y2, f"GWS sees {seen} until {format_time(_us(arrived[0]))}",
                          "Released", lane_x.get(f"dn:{dn}", lane_x["gws"])))
    return bands
