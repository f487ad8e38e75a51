"""A run's statistics: what a big run is read by (``stats.md``, ``stats.csv``).

- dispositions by path and by what reporting ends with, and the share lost with
  its 95% (Wilson) interval;
- when agents clicked relative to the call's release, by outcome (a histogram);
- each queue's figures: calls offered, handed to agents, abandoned in the queue,
  average speed of answer (the wait before a call went to an agent) and service
  level (the share handed over within 20 s);
- a series per interval: calls offered, dispositions, and those lost.

Everything comes from the records and the journal, as every other report does.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from .. import journal as J
from ..record import DispositionPath, Fate
from ..run import RunResult
from ..timeunits import US_PER_SECOND, format_duration

SERVICE_LEVEL_US = 20 * US_PER_SECOND
DELAY_BINS_S = (-60, -10, -1, -0.1, 0, 0.1, 1, 10, 60, 600)  # edges of the click-vs-release histogram


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion."""
    if total == 0:
        return 0.0, 0.0
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


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


def statistics(result: RunResult) -> dict[str, Any]:
    records = result.dispositions
    by = Counter((r.path.value, r.reporting.outcome.value) for r in records)
    lost = sum(r.reporting.outcome is Fate.LOST for r in records)
    released = {row["connId"]: row["releasedAt"] for row in result.calls if row["releasedAt"] is not None}
    delays: dict[str, Counter[str]] = defaultdict(Counter)
    for r in records:
        end = released.get(r.connId or "")
        if end is not None and r.path is not DispositionPath.REJECTED:
            delays[r.reporting.outcome.value][_delay_bin(r.requestedAt / US_PER_SECOND - end)] += 1
    queues = _queues(result)
    interval = _interval(result.end_time)
    series: dict[int, Counter[str]] = defaultdict(Counter)
    for r in records:
        series[r.requestedAt // interval]["dispositions"] += 1
        series[r.requestedAt // interval]["lost"] += r.reporting.outcome is Fate.LOST
    for entry in result.journal.of_kind(J.TLIB_EVENT):
        if entry.payload.name == "EventQueued":
            series[entry.t // interval]["offered"] += 1
    return {"total": len(records), "by": by, "lost": lost, "loss_interval": wilson(lost, len(records)),
            "delays": delays, "queues": queues, "interval": interval, "series": dict(sorted(series.items()))}


def _queues(result: RunResult) -> list[QueueFigures]:
    queued: dict[tuple[str, str], int] = {}
    waits: dict[str, list[int]] = defaultdict(list)
    offered: Counter[str] = Counter()
    abandoned: Counter[str] = Counter()
    for entry in result.journal.of_kind(J.TLIB_EVENT):
        event = entry.payload
        name = event.name
        if name not in ("EventQueued", "EventDiverted", "EventAbandoned"):
            continue
        dn, conn = event.attrs.get("ThisDN"), event.attrs.get("ConnID")
        if name == "EventQueued":
            offered[dn] += 1
            queued[(dn, conn)] = entry.t
        elif (dn, conn) in queued:
            start = queued.pop((dn, conn))
            if name == "EventDiverted":
                waits[dn].append(entry.t - start)
            else:
                abandoned[dn] += 1
    out = []
    for queue in sorted(offered):
        handed = waits[queue]
        out.append(QueueFigures(queue, offered[queue], len(handed), abandoned[queue],
                                sum(handed) / len(handed) / US_PER_SECOND if handed else 0.0,
                                sum(w <= SERVICE_LEVEL_US for w in handed) / len(handed) if handed else 0.0))
    return out


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
        out += ["", "## When agents clicked, relative to the call's release", "",
                "| click − release | " + " | ".join(f.value for f in Fate) + " |", "|---|" + "---|" * len(Fate)]
        for label in delay_bin_labels():
            counts = [s["delays"].get(f.value, Counter())[label] for f in Fate]
            if any(counts):
                out.append(f"| {label} | " + " | ".join(map(str, counts)) + " |")
    if s["queues"]:
        out += ["", "## Queues", "", "| queue | offered | to an agent | abandoned in queue | average speed of answer "
                "| service level (≤ 20 s) |", "|---|---|---|---|---|---|"]
        for q in s["queues"]:
            out.append(f"| {q.queue} | {q.offered} | {q.answered} | {q.abandoned} | {q.mean_wait_s:.2f} s | "
                       f"{q.service_level:.1%} |")
    if s["series"]:
        out += ["", f"## Every {format_duration(s['interval'])}", "", "| from | calls offered | dispositions | lost |",
                "|---|---|---|---|"]
        for index, counts in s["series"].items():
            out.append(f"| {format_duration(index * s['interval'])} | {counts['offered']} | "
                       f"{counts['dispositions']} | {counts['lost']} |")
    return "\n".join(out) + "\n"


def csv_text(s: dict[str, Any]) -> str:
    """``stats.csv`` from a run's ``statistics``: one row per figure (section, key, value)."""
    rows = ["section,key,value", f"dispositions,total,{s['total']}", f"dispositions,lost,{s['lost']}",
            f"dispositions,lost share low,{s['loss_interval'][0]:.6f}",
            f"dispositions,lost share high,{s['loss_interval'][1]:.6f}"]
    for (path, fate), count in sorted(s["by"].items()):
        rows.append(f"path and fate,{path} {fate},{count}")
    for fate, counts in sorted(s["delays"].items()):
        for label in delay_bin_labels():
            if counts[label]:
                rows.append(f"click minus release,{fate} {label},{counts[label]}")
    for q in s["queues"]:
        rows += [f"queue {q.queue},offered,{q.offered}", f"queue {q.queue},to an agent,{q.answered}",
                 f"queue {q.queue},abandoned,{q.abandoned}", f"queue {q.queue},average speed of answer s,"
                 f"{q.mean_wait_s:.6f}", f"queue {q.queue},service level,{q.service_level:.6f}"]
    for index, counts in s["series"].items():
        for key in ("offered", "dispositions", "lost"):
            rows.append(f"interval {index * s['interval'] // US_PER_SECOND}s,{key},{counts[key]}")
    return "\n".join(rows) + "\n"
