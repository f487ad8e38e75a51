"""A run's statistics: what a big run is read by (``stats.md``, ``stats.csv``).

- dispositions by path and by what reporting ends with, and the share lost with
  its 95% (Wilson) interval;
- when agents clicked relative to leaving the call, by outcome (a histogram);
- the dispositions of agents who left a call that went on without them (a
  transfer, a conference left) beside those of agents who stayed to its end;
- each queue's figures: calls offered, handed to agents, abandoned in the queue,
  average speed of answer (the wait before a call went to an agent) and service
  level (the share handed over within 20 s);
- the agents' time: how long they were logged in, and the shares of it on calls
  (ringing, talking or holding), in after-call work, NotReady, and idle (Ready, no call);
  occupancy is the time on calls and in after-call work over the time available
  (logged in, not NotReady);
- a series per interval: calls offered, dispositions, those lost, and how many
  agents were logged in (on average over the interval: shifts show as steps).

Everything comes from the records and the journal, as every other report does,
gathered while the run goes (``Accumulator``).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from .. import journal as J
from ..record import DispositionPath, DispositionRecord, Fate, InfoMartPlace
from ..records import Leaving
from ..timeunits import US_PER_SECOND, format_duration

SERVICE_LEVEL_US = 20 * US_PER_SECOND
MINUTE_US = 60 * US_PER_SECOND
DELAY_BINS_S = (-60, -10, -1, -0.1, 0, 0.1, 1, 10, 60, 600)  # edges of the click-vs-release histogram


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion."""
    if total == 0:
        return 0.0, 0.0
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


STAYED, LEFT_EARLY = "stayed to the call's end", "left a call that went on"
ICON_STORED, ICON_NOT_STORED = "stored it", "did not store it"
"""The disposing agent's part in the call (rejected dispositions name no call)."""
AGENT_STATES = ("on calls", "after-call work", "not ready", "idle")
"""What an agent's logged-in time is spent on (a call outranks the agent state)."""
OCCUPANCY_MEANS = "on calls and in after-call work, of the time not NotReady"
QUEUE_COLUMNS = ("queue", "offered", "to an agent", "abandoned in queue", "average speed of answer",
                 "service level (≤ 20 s)")


@dataclass(frozen=True)
class AgentFigures:
    agents: int  # DNs an agent logged in on
    logged_in_s: float
    seconds: dict[str, float]  # by AGENT_STATES

    @property
    def occupancy(self) -> float:
        """Time on calls and in after-call work over the time available (logged in, not NotReady)."""
        available = self.logged_in_s - self.seconds["not ready"]
        busy = self.seconds["on calls"] + self.seconds["after-call work"]
        return busy / available if available > 0 else 0.0


class _AgentClock:
    """One DN's agent, for the agent figures: its state, its live calls, and since when."""

    __slots__ = ("state", "calls", "since")

    def __init__(self, now: int):
        self.state: str | None = None  # None: logged out
        self.calls: set[str] = set()
        self.since = now

    def category(self) -> str | None:
        if self.state is None:
            return None
        if self.calls:
            return "on calls"
        return self.state


AGENT_EVENTS = {"EventAgentLogin": "not ready", "EventAgentReady": "idle", "EventAgentNotReady": "not ready",
                "EventAgentLogout": None}
CALL_STARTS = frozenset({"EventRinging", "EventEstablished", "EventDialing", "EventHeld", "EventRetrieved",
                         "EventPartyChanged"})  # (a party moved from a consult call names it PreviousConnID)
CALL_ENDS = frozenset({"EventReleased", "EventAbandoned"})
AGENT_WATCH = frozenset(AGENT_EVENTS) | CALL_STARTS | CALL_ENDS


@dataclass(frozen=True)
class QueueFigures:
    queue: str
    offered: int
    answered: int
    abandoned: int
    mean_wait_s: float
    service_level: float


def _bin_label(low: float | None, high: float | None) -> str:
    def s(value: float) -> str:
        return f"{value:+g}s" if value else "0s"
    if low is None:
        return f"< {s(high or 0)}"
    if high is None:
        return f"≥ {s(low)}"
    return f"{s(low)} … {s(high)}"


@cache
def delay_bin_labels() -> tuple[str, ...]:
    """The click-vs-release histogram's bins, earliest first."""
    edges = DELAY_BINS_S
    return (_bin_label(None, edges[0]), *(_bin_label(low, high) for low, high in zip(edges, edges[1:], strict=False)),
            _bin_label(edges[-1], None))


def _delay_bin(seconds: float) -> str:
    return delay_bin_labels()[bisect.bisect_right(DELAY_BINS_S, seconds)]  # the bins between the edges


class Accumulator:
    """The statistics of a run, gathered as it goes: from T-Library events (the
    queues, calls offered) and from each disposition record as it is built, so a
    run of a million calls keeps counters, not calls."""

    def __init__(self) -> None:
        self.by: Counter[tuple[str, str]] = Counter()
        self.parts: Counter[tuple[str, str]] = Counter()  # (the agent's part in the call, fate)
        self.stores: Counter[tuple[str, str]] = Counter()  # (ICON stored it or not, where Info Mart keeps it)
        self.delays: dict[str, Counter[str]] = defaultdict(Counter)
        self.minutes: dict[int, Counter[str]] = defaultdict(Counter)  # per minute; merged to the interval
        self.offered: Counter[str] = Counter()
        self.abandoned: Counter[str] = Counter()
        self.handed: Counter[str] = Counter()
        self.wait_sum: Counter[str] = Counter()
        self.within_level: Counter[str] = Counter()
        self._queued: dict[tuple[str, str], int] = {}
        self.agent_seconds: Counter[str] = Counter()  # µs, by AGENT_STATES
        self._agents: dict[str, _AgentClock] = {}  # by DN, once an agent logged in there
        self.logins: list[tuple[int, int]] = []  # (µs, +1 or -1): when agents logged in and out

    def add_entry(self, entry: J.Entry) -> None:
        if entry.kind != J.TLIB_EVENT:
            return
        event = entry.payload
        name = event.name
        if name in AGENT_WATCH:
            self._agent_event(name, event.attrs, entry.t)
        if name != "EventQueued" and name != "EventDiverted" and name != "EventAbandoned":
            return
        dn, conn = event.attrs.get("ThisDN"), event.attrs.get("ConnID")
        if name == "EventQueued":
            self.offered[dn] += 1
            self._queued[(dn, conn)] = entry.t
            self.minutes[entry.t // MINUTE_US]["offered"] += 1
            return
        start = self._queued.pop((dn, conn), None)
        if start is None:
            return
        if name == "EventDiverted":
            wait = entry.t - start
            self.handed[dn] += 1
            self.wait_sum[dn] += wait
            self.within_level[dn] += wait <= SERVICE_LEVEL_US
        else:
            self.abandoned[dn] += 1

    def _agent_event(self, name: str, attrs: dict[str, Any], now: int) -> None:
        """An event at an agent's DN: close the time spent as it was, then change it."""
        dn = attrs.get("ThisDN")
        clock = self._agents.get(dn)  # type: ignore[arg-type]  # (None or a non-text DN finds nothing)
        if clock is None:
            if name != "EventAgentLogin" or not isinstance(dn, str):
                return  # a DN no agent ever logged in on (a queue, a routing point)
            clock = self._agents[dn] = _AgentClock(now)
        category = clock.category()
        if category is not None:
            self.agent_seconds[category] += now - clock.since
        clock.since = now
        if name in AGENT_EVENTS:
            state = AGENT_EVENTS[name]
            if (state is None) != (clock.state is None):  # a login or a logout, not a second login
                self.logins.append((now, 1 if clock.state is None else -1))
            if state == "not ready" and attrs.get("AgentWorkMode") == "AgentAfterCallWork":
                state = "after-call work"
            clock.state = state
        elif isinstance(conn_id := attrs.get("ConnID"), str):
            if name in CALL_ENDS:
                clock.calls.discard(conn_id)
            else:
                if name == "EventPartyChanged":  # moved from the call it names (a consult call's own names its origin)
                    clock.calls.discard(attrs.get("PreviousConnID"))
                clock.calls.add(conn_id)

    def add_record(self, record: DispositionRecord, leaving: Leaving) -> None:
        """One disposition record, and when its agent left the call (if they did)."""
        reporting = record.reporting
        outcome = reporting.outcome
        self.by[(record.path.value, outcome.value)] += 1
        if reporting.infoMart is not None:
            self.stores[(ICON_STORED if reporting.icon else ICON_NOT_STORED, reporting.infoMart.value)] += 1
        end = leaving.at
        if end is not None and record.path is not DispositionPath.REJECTED:
            self.delays[outcome.value][_delay_bin(record.requestedAt / US_PER_SECOND - end)] += 1
            self.parts[(LEFT_EARLY if leaving.call_went_on else STAYED, outcome.value)] += 1
        minute = self.minutes[record.requestedAt // MINUTE_US]
        minute["dispositions"] += 1
        minute["lost"] += outcome is Fate.LOST

    def result(self, end_time: int) -> dict[str, Any]:
        """The figures ``markdown`` and ``csv_text`` print, for a run that ended at ``end_time`` µs."""
        total = sum(self.by.values())
        lost = sum(count for (_, fate), count in self.by.items() if fate == Fate.LOST.value)
        interval = _interval(end_time)
        per = interval // MINUTE_US
        series: dict[int, Counter[str]] = defaultdict(Counter)
        for minute, counts in self.minutes.items():
            series[minute // per].update(counts)
        logged_in = _logged_in(self.logins, interval, end_time)
        for index in logged_in:
            series.setdefault(index, Counter())  # an interval with agents but no calls is a row too
        queues = [QueueFigures(q, self.offered[q], self.handed[q], self.abandoned[q],
                               self.wait_sum[q] / self.handed[q] / US_PER_SECOND if self.handed[q] else 0.0,
                               self.within_level[q] / self.handed[q] if self.handed[q] else 0.0)
                  for q in sorted(self.offered)]
        seconds = Counter(self.agent_seconds)
        for clock in self._agents.values():  # the time still running at the end
            category = clock.category()
            if category is not None:
                seconds[category] += end_time - clock.since
        agents = AgentFigures(len(self._agents), sum(seconds.values()) / US_PER_SECOND,
                              {state: seconds[state] / US_PER_SECOND for state in AGENT_STATES}) \
            if self._agents else None
        return {"total": total, "by": self.by, "parts": self.parts, "stores": self.stores, "lost": lost,
                "loss_interval": wilson(lost, total),
                "delays": self.delays, "queues": queues, "agents": agents, "interval": interval,
                "series": dict(sorted(series.items())), "logged_in": logged_in}


def _logged_in(changes: list[tuple[int, int]], interval: int, end_time: int) -> dict[int, float]:
    """The mean number of agents logged in over each interval up to ``end_time``, from
    the logins and logouts (time-weighted: an agent in for half an interval counts ½;
    the last interval is weighed over the part of it the run lasted)."""
    means: dict[int, float] = {}
    count, since = 0, 0
    for t, step in [*changes, (end_time, 0)]:
        while since < t:  # the span [since, t) at ``count`` agents, interval by interval
            index = since // interval
            upto = min(t, (index + 1) * interval)
            length = min(interval, end_time - index * interval)
            means[index] = means.get(index, 0.0) + count * (upto - since) / length
            since = upto
        count += step
    return {index: round(mean, 6) for index, mean in means.items()}


def _interval(end_us: int) -> int:
    """About 24 intervals over the run, in whole minutes (at least one)."""
    minutes = max(1, math.ceil(end_us / US_PER_SECOND / 60 / 24))
    return minutes * 60 * US_PER_SECOND


def markdown(name: str, s: dict[str, Any]) -> str:
    """``stats.md`` of the run ``name`` from its ``statistics``."""
    low, high = s["loss_interval"]
    out = [f"# {name}: statistics", "",
           f"{s['total']} dispositions; lost to reporting: {s['lost']}"
           + (f" ({s['lost'] / s['total']:.1%}, 95% interval {low:.1%} … {high:.1%})" if s["total"] else ""),
           "", "## Dispositions by path and by what reporting ends with", "",
           "| path | " + " | ".join(f.value for f in Fate) + " |", "|---|" + "---|" * len(Fate)]
    for path in DispositionPath:
        out.append(f"| {path.value} | " + " | ".join(str(s["by"][(path.value, f.value)]) for f in Fate) + " |")
    if s["delays"]:
        out += ["", "## When agents clicked, relative to leaving the call", "",
                "| click − release | " + " | ".join(f.value for f in Fate) + " |", "|---|" + "---|" * len(Fate)]
        for label in delay_bin_labels():
            counts = [s["delays"].get(f.value, Counter())[label] for f in Fate]
            if any(counts):
                out.append(f"| {label} | " + " | ".join(map(str, counts)) + " |")
    parts = s.get("parts") or Counter()
    if any(count for (part, _), count in parts.items() if part == LEFT_EARLY):
        out += ["", "## Agents who left a call that went on (a transfer, a conference), and those who stayed", "",
                "| the agent | " + " | ".join(f.value for f in Fate) + " |", "|---|" + "---|" * len(Fate)]
        for part in (LEFT_EARLY, STAYED):
            out.append(f"| {part} | " + " | ".join(str(parts[(part, f.value)]) for f in Fate) + " |")
    stores = s.get("stores") or Counter()
    if stores:
        out += ["", "## Where reporting keeps them: ICON's tables, and Info Mart's leg (calls with an agent leg)", "",
                "| ICON | " + " | ".join(p.value for p in InfoMartPlace) + " |", "|---|" + "---|" * len(InfoMartPlace)]
        for stored in (ICON_STORED, ICON_NOT_STORED):
            out.append(f"| {stored} | " + " | ".join(str(stores[(stored, p.value)]) for p in InfoMartPlace) + " |")
    if s["queues"]:
        out += ["", "## Queues", "", "| " + " | ".join(QUEUE_COLUMNS) + " |", "|---" * len(QUEUE_COLUMNS) + "|"]
        for q in s["queues"]:
            out.append(f"| {q.queue} | {q.offered} | {q.answered} | {q.abandoned} | {q.mean_wait_s:.2f} s | "
                       f"{q.service_level:.1%} |")
    agents = s.get("agents")
    if agents is not None and agents.logged_in_s > 0:
        out += ["", "## Agents", "", f"{agents.agents} agents, {agents.logged_in_s / 3600:.2f} agent-hours logged in; "
                f"occupancy {agents.occupancy:.1%} ({OCCUPANCY_MEANS})", "",
                "| " + " | ".join(AGENT_STATES) + " |", "|---" * len(AGENT_STATES) + "|",
                "| " + " | ".join(f"{agents.seconds[state] / agents.logged_in_s:.1%}" for state in AGENT_STATES)
                + " |"]
    if s["series"]:
        out += ["", f"## Every {format_duration(s['interval'])}", "",
                "| from | calls offered | dispositions | lost | agents logged in |", "|---|---|---|---|---|"]
        for index, counts in s["series"].items():
            out.append(f"| {format_duration(index * s['interval'])} | {counts['offered']} | "
                       f"{counts['dispositions']} | {counts['lost']} | {s['logged_in'].get(index, 0.0):.1f} |")
    return "\n".join(out) + "\n"


def csv_text(s: dict[str, Any]) -> str:
    """``stats.csv`` from a run's ``statistics``: one row per figure (section, key, value)."""
    rows = ["section,key,value", f"dispositions,total,{s['total']}", f"dispositions,lost,{s['lost']}",
            f"dispositions,lost share low,{s['loss_interval'][0]:.6f}",
            f"dispositions,lost share high,{s['loss_interval'][1]:.6f}"]
    for (path, fate), count in sorted(s["by"].items()):
        rows.append(f"path and fate,{path} {fate},{count}")
    for (part, fate), count in sorted((s.get("parts") or {}).items()):
        rows.append(f"agent's part,{part} {fate},{count}")
    for (stored, place), count in sorted((s.get("stores") or {}).items()):
        rows.append(f"icon and info mart,{stored} {place},{count}")
    for fate, counts in sorted(s["delays"].items()):
        for label in delay_bin_labels():
            if counts[label]:
                rows.append(f"click minus release,{fate} {label},{counts[label]}")
    for q in s["queues"]:
        rows += [f"queue {q.queue},offered,{q.offered}", f"queue {q.queue},to an agent,{q.answered}",
                 f"queue {q.queue},abandoned,{q.abandoned}", f"queue {q.queue},average speed of answer s,"
                 f"{q.mean_wait_s:.6f}", f"queue {q.queue},service level,{q.service_level:.6f}"]
    agents = s.get("agents")
    if agents is not None:
        rows += [f"agents,logged in,{agents.agents}", f"agents,logged in s,{agents.logged_in_s:.6f}",
                 *(f"agents,{state} s,{agents.seconds[state]:.6f}" for state in AGENT_STATES),
                 f"agents,occupancy,{agents.occupancy:.6f}"]
    for index, counts in s["series"].items():
        start = f"interval {index * s['interval'] // US_PER_SECOND}s"
        for key in ("offered", "dispositions", "lost"):
            rows.append(f"{start},{key},{counts[key]}")
        rows.append(f"{start},agents logged in,{s['logged_in'].get(index, 0.0):.6f}")
    return "\n".join(rows) + "\n"
