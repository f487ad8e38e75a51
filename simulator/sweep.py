"""Sweeps: run a scenario over a range of one value and find where the outcome changes.

``--vary TARGET=FROM:TO:STEP`` (inclusive) where TARGET is

- ``ID.at`` — the time of a step, named by its ``id``, its gws request
  ``name``, or ``steps[N]``;
- ``latency.NAME`` — one of the six delays (it becomes a fixed delay);
- ``traffic.rate`` — the calls a second of a scenario's traffic (a rate, not a
  duration: ``traffic.rate=2:12:2``);
- ``seed`` — the run's seed (FROM, TO and STEP are whole numbers).

Each variant is a full run. Its **outcome** is, per disposition record: the
path, the T-Server answer, whether a CometD message went out, and what
reporting ends with. A **boundary** is a pair of neighbouring values whose
outcomes differ. A scenario with traffic has too many dispositions, each its
own, to compare one by one: its outcome is a **tally** — how many took each path
and met each fate, read off the run's statistics (the run keeps no journal) —
and the sweep reports the share lost at each value, with its interval. Variants
run in a process pool on every core when there are enough of them; results are
ordered by value whatever finishes first, so a sweep is as deterministic as a run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import journal as J
from .errors import TsimError
from .executors import run_all
from .record import DispositionPath
from .run import run_scenario
from .scenario.loader import LoadedScenario
from .scenario.schema import MAX_TRAFFIC_CALLS, Latency, Scenario
from .scenario.times import resolve_times
from .timeunits import format_delta, format_duration, format_time, parse_duration

MAX_VARIANTS = 10_000
POOL_THRESHOLD = 16  # fewer variants than this run in this process: a pool costs more than it saves
_TARGET = re.compile(r"^(?:(?P<seed>seed)|(?P<rate>traffic\.rate)|latency\.(?P<latency>\w+)|"
                     r"(?P<step>steps\[\d+\]|[A-Za-z0-9][\w.-]*?)\.at)$")
PER_CALL = 1_000_000  # a varied rate is held in millionths of a call a second, as times are in µs


class SweepError(TsimError, ValueError):
    """A --vary or --anchor that cannot be applied to the scenario."""


@dataclass(frozen=True)
class Variation:
    target: str
    kind: str  # "at" | "latency" | "rate" | "seed"
    key: Any  # step index, latency field name, or None
    values: tuple[int, ...]

    @property
    def is_time(self) -> bool:
        return self.kind not in ("seed", "rate")

    def label(self, value: int, anchor: int | None = None) -> str:
        if self.kind == "rate":
            return f"{value / PER_CALL:g}/s"
        if not self.is_time:
            return str(value)
        if anchor is not None:
            return format_delta(value - anchor)
        return format_time(value) if self.kind == "at" else format_duration(value)

    def apply(self, scenario: Scenario, value: int) -> tuple[Scenario, int | None]:
        """The scenario with this value, and the seed to run it with (None: its own)."""
        if self.kind == "seed":
            return scenario, value
        variant = scenario.model_copy(deep=True)
        if self.kind == "latency":
            setattr(variant.switch.latency, self.key, value)
        elif self.kind == "rate":
            assert variant.traffic is not None, "parse_variation checked it"
            variant.traffic.rate = value / PER_CALL
        else:
            variant.steps[self.key].at = value
            variant.steps[self.key].relative = None  # the varied step is placed; steps anchored on it follow
            resolve_times(variant.steps)
        return variant, None


def step_index(scenario: Scenario, ref: str) -> int:
    """A step by ``steps[N]``, its ``id`` or its gws request ``name``."""
    if m := re.fullmatch(r"steps\[(\d+)\]", ref):
        index = int(m.group(1))
        if index >= len(scenario.steps):
            raise SweepError(f"there is no steps[{index}] (the scenario has {len(scenario.steps)} steps)")
        return index
    for index, step in enumerate(scenario.steps):
        if step.id == ref or (step.gws is not None and step.gws.name == ref):
            return index
    known = [s.id for s in scenario.steps if s.id] + [s.gws.name for s in scenario.steps if s.gws and s.gws.name]
    raise SweepError(f"no step has the id or request name {ref!r} (known: {', '.join(known) or 'none'}; "
                     "or write steps[N])")


def parse_variation(text: str, scenario: Scenario) -> Variation:
    target, sep, spec = text.partition("=")
    m = _TARGET.match(target.strip())
    if not sep or m is None:
        raise SweepError(f"--vary {text!r}: write TARGET=FROM:TO:STEP, TARGET being ID.at, steps[N].at, "
                         f"latency.NAME, traffic.rate or seed")
    parts = spec.split(":")
    if len(parts) != 3:
        raise SweepError(f"--vary {text!r}: the range is FROM:TO:STEP, e.g. 266s:266.1s:5ms")
    if m.group("seed"):
        kind, key = "seed", None
        try:
            start, stop, step = (int(p) for p in parts)
        except ValueError:
            raise SweepError(f"--vary {text!r}: seeds are whole numbers") from None
    elif m.group("rate"):
        kind, key = "rate", None
        start, stop, step = _rates(text, parts, scenario)
    else:
        if m.group("latency"):
            kind, key = "latency", m.group("latency")
            if key not in Latency.model_fields:
                raise SweepError(f"--vary {text!r}: no delay {key!r} (delays: {', '.join(Latency.model_fields)})")
        else:
            kind, key = "at", step_index(scenario, m.group("step"))
        try:
            start, stop, step = (parse_duration(p.strip()) for p in parts)
        except ValueError as exc:
            raise SweepError(f"--vary {text!r}: {exc}") from None
    if step <= 0:
        raise SweepError(f"--vary {text!r}: the step must be above zero")
    if stop < start:
        raise SweepError(f"--vary {text!r}: TO is before FROM")
    count = (stop - start) // step + 1
    if count > MAX_VARIANTS:
        raise SweepError(f"--vary {text!r}: {count} variants; at most {MAX_VARIANTS}")
    return Variation(target.strip(), kind, key, tuple(range(start, stop + 1, step)))


def _rates(text: str, parts: list[str], scenario: Scenario) -> tuple[int, int, int]:
    """FROM:TO:STEP of a traffic rate, in millionths of a call a second, checked
    against the scenario's traffic (a rate it has, a day it can run)."""
    traffic = scenario.traffic
    if traffic is None or traffic.rate is None or traffic.duration is None:
        raise SweepError(f"--vary {text!r}: the scenario's traffic has no rate to vary (it needs traffic: "
                         "{rate, duration}, not rates per interval or an arrivals trace)")
    try:
        numbers = [float(p) for p in parts]
        if not all(math.isfinite(n) and abs(n) <= 10_000 for n in numbers):
            raise ValueError
        start, stop, step = (round(n * PER_CALL) for n in numbers)
    except ValueError:
        raise SweepError(f"--vary {text!r}: rates are numbers of calls a second, such as 0.5, at most "
                         "10,000") from None
    if start <= 0:
        raise SweepError(f"--vary {text!r}: a rate is above zero")
    most = stop / PER_CALL * traffic.duration / 1_000_000
    if stop / PER_CALL > 10_000 or most > MAX_TRAFFIC_CALLS:
        raise SweepError(f"--vary {text!r}: at {stop / PER_CALL:g} calls a second the traffic brings {most:,.0f} "
                         f"calls; at most {MAX_TRAFFIC_CALLS:,} in one run (and 10,000 a second)")
    return start, stop, step


def outcome(result) -> tuple[tuple[str, ...], ...]:
    """What a sweep compares: per disposition record, its path and fate."""
    rows = []
    for r in result.dispositions:
        t = r.tserver
        answer = (t.event if t is not None else None) or "no answer"
        if t is not None and answer == "EventError":
            answer = f"EventError {t.errorCode}"
        if r.path is DispositionPath.REJECTED:
            answer = f"statusCode {r.http.statusCode}"
        holds = r.reporting.holds
        rows.append((r.request, r.path.value, answer, "CometD" if r.cometd else "no CometD",
                     r.reporting.outcome.value, "nothing" if holds is None else repr(holds)))
    return tuple(rows)


def tally(result) -> tuple[tuple[str, ...], ...]:
    """What a sweep of traffic compares: (path, fate, how many) for each pair that occurred."""
    return tuple((path, fate, str(count)) for (path, fate), count in sorted(result.figures["by"].items()) if count)


def tally_counts(signature: tuple[tuple[str, ...], ...]) -> tuple[int, int]:
    """(dispositions, lost) of a tally."""
    total = sum(int(count) for _, _, count in signature)
    return total, sum(int(count) for _, fate, count in signature if fate == "lost")


def is_tally(signature: tuple[tuple[str, ...], ...]) -> bool:
    return bool(signature) and len(signature[0]) == 3


def describe_tally(signature: tuple[tuple[str, ...], ...]) -> str:
    total, lost = tally_counts(signature)
    by_path: dict[str, list[str]] = {}
    for path, fate, count in signature:
        by_path.setdefault(path, []).append(f"{count} {fate}")
    share = f" ({lost / total:.1%})" if total else ""
    return f"{total} dispositions, {lost} lost{share}: " + "; ".join(
        f"{path} {', '.join(counts)}" for path, counts in by_path.items())


def describe_outcome(signature: tuple[tuple[str, ...], ...]) -> str:
    if not signature:
        return "no disposition"
    if is_tally(signature):
        return describe_tally(signature)
    many = len(signature) > 1
    return "; ".join((f"{request}: " if many else "") + f"{path} → {answer}, {cometd}, {fate} ({holds})"
                     for request, path, answer, cometd, fate, holds in signature)


@dataclass(frozen=True)
class SweepRow:
    value: int
    label: str
    outcome: tuple[tuple[str, ...], ...]
    passed: bool
    ineffective: tuple[str, ...] = ()  # steps that did not run or had no effect in this variant


@dataclass(frozen=True)
class Boundary:
    before: SweepRow
    after: SweepRow

    def __str__(self) -> str:
        return (f"between {self.before.label} and {self.after.label}: "
                f"{describe_outcome(self.before.outcome)}  ⟶  {describe_outcome(self.after.outcome)}")


@dataclass(frozen=True)
class SweepResult:
    scenario: Scenario
    variation: Variation
    anchor: str | None
    rows: list[SweepRow]
    tally: bool = False  # traffic: each outcome is a tally, and boundaries mean nothing

    @property
    def boundaries(self) -> list[Boundary]:
        if self.tally:
            return []
        return [Boundary(a, b) for a, b in zip(self.rows, self.rows[1:], strict=False) if a.outcome != b.outcome]


def _run_variant(args: tuple[LoadedScenario, int | None, bool]) -> tuple[tuple[tuple[str, ...], ...], bool,
                                                                         tuple[str, ...]]:
    loaded, seed, tallied = args
    if tallied:
        result = run_scenario(loaded, seed=seed, journal="none")
        return tally(result), result.passed, ineffective_steps(result)
    result = run_scenario(loaded, seed=seed)
    return outcome(result), result.passed, ineffective_steps(result)


def ineffective_steps(result) -> tuple[str, ...]:
    """The steps of a run that did not run or had no effect, as ``steps[N] (line L): why``."""
    out = []
    for entry in result.journal.of_kind(J.STEP):
        record = entry.payload
        if record.result and record.result.startswith(("not run", "no effect")):
            out.append(f"steps[{record.index}] (line {record.line}): {record.result}")
    return tuple(out)


def sweep(loaded: LoadedScenario | Scenario, vary: str, anchor: str | None = None, jobs: int | None = None,
          progress: Callable[[Iterator[Any]], Iterator[Any]] | None = None, executor: str = "process",
          scheduler: str | None = None) -> SweepResult:
    """Run every variant of ``vary`` and collect the outcomes, in value order, on
    ``executor`` (``executors.run_all``).

    Returns the result; ``output.sweep_report.write`` writes its files."""
    if not isinstance(loaded, (LoadedScenario, Scenario)):
        raise SweepError(f"loaded: a LoadedScenario or a Scenario, not {type(loaded).__name__}")
    if not isinstance(vary, str):
        raise SweepError(f"vary: a text such as 'dispose.at=266s:266.1s:5ms', not {type(vary).__name__}")
    if anchor is not None and not isinstance(anchor, str):
        raise SweepError(f"anchor: a step's id or request name, not {type(anchor).__name__}")
    scenario = loaded.scenario if isinstance(loaded, LoadedScenario) else loaded
    variation = parse_variation(vary, scenario)
    anchor_at = scenario.steps[step_index(scenario, anchor)].at if anchor else None
    if anchor is not None and not variation.is_time:
        raise SweepError("--anchor needs a time to vary (ID.at or latency.NAME), not the seed")
    source = loaded if isinstance(loaded, LoadedScenario) else LoadedScenario(scenario, Path("<scenario>"), {})
    tallied = scenario.traffic is not None
    tasks = []
    for value in variation.values:  # a variant keeps the file's lines, and may play steps out of order
        variant, seed = variation.apply(scenario, value)
        tasks.append((LoadedScenario(variant, source.path, source.lines), seed, tallied))
    outcomes = run_all(_run_variant, tasks, executor, scheduler, jobs, POOL_THRESHOLD, progress)
    rows = [SweepRow(value, variation.label(value, anchor_at), signature, passed, skipped)
            for value, (signature, passed, skipped) in zip(variation.values, outcomes, strict=True)]
    return SweepResult(scenario, variation, anchor, rows, tallied)
