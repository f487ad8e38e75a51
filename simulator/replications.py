"""Replications: the same scenario over N seeds, and the mean and 95% interval of
what it measures.

Each replication is a full run with its own seed (the scenario's, then the next
N-1). Per run tsim measures the dispositions by path and by fate, the share of
them reporting lost, and whether every expectation held; the summary gives each
measure's mean, standard deviation and 95% confidence interval of the mean
(Student's t, so that a handful of replications is honest about its width).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from .errors import InvalidArgument
from .executors import run_all
from .run import run_scenario
from .scenario.loader import LoadedScenario

MAX_REPLICATIONS = 10_000
# two-sided 95% Student t critical values by degrees of freedom (df > 30: the normal 1.96)
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
       11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
       20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048,
       29: 2.045, 30: 2.042}
PATHS = ("userData", "userEvent", "rejected")
FATES = ("reported", "superseded", "lost")


def measures(loaded: LoadedScenario, seed: int) -> dict[str, float]:
    """What one replication measures (from a streamed run's statistics: no journal is kept)."""
    result = run_scenario(loaded, seed=seed, journal="none")
    figures = result.figures
    by = figures["by"]
    total = figures["total"]
    out: dict[str, float] = {"dispositions": float(total)}
    for path in PATHS:
        out[f"path {path}"] = float(sum(count for (p, _), count in by.items() if p == path))
    for fate in FATES:
        out[f"reporting {fate}"] = float(sum(count for (_, f), count in by.items() if f == fate))
    out["share lost"] = out["reporting lost"] / total if total else 0.0
    out["expectations held"] = 1.0 if result.passed else 0.0
    return out


@dataclass(frozen=True)
class Summary:
    name: str
    mean: float
    sd: float
    low: float
    high: float


@dataclass(frozen=True)
class Replications:
    scenario: str
    seeds: tuple[int, ...]
    runs: tuple[dict[str, float], ...]

    def summaries(self) -> list[Summary]:
        out = []
        n = len(self.runs)
        for name in self.runs[0]:
            values = [run[name] for run in self.runs]
            mean = statistics.fmean(values)
            sd = statistics.stdev(values) if n > 1 else 0.0
            half = T95.get(n - 1, 1.96) * sd / math.sqrt(n) if n > 1 else 0.0
            out.append(Summary(name, mean, sd, mean - half, mean + half))
        return out


def _one(args: tuple[LoadedScenario, int]) -> dict[str, float]:
    return measures(*args)


def replicate(loaded: LoadedScenario, count: int, jobs: int | None = None, executor: str = "process",
              scheduler: str | None = None, seed: int | None = None) -> Replications:
    """Run ``count`` replications (seeds: ``seed`` or the scenario's, then the next ones), on
    every core or on ``executor`` (``executors.run_all``)."""
    if not isinstance(count, int) or not 2 <= count <= MAX_REPLICATIONS:
        raise InvalidArgument(f"replications: from 2 to {MAX_REPLICATIONS:,}, not {count!r}"[:200])
    first = loaded.scenario.seed if seed is None else seed
    if first + count > 2**63:
        raise InvalidArgument(f"replications: seeds {first} and the {count - 1} after it go past 2**63-1")
    seeds = tuple(first + i for i in range(count))
    runs = tuple(run_all(_one, [(loaded, seed) for seed in seeds], executor, scheduler, jobs))
    return Replications(loaded.scenario.name, seeds, runs)


def table(replications: Replications) -> str:
    """The summary for the console and ``replications.md``."""
    seeds = replications.seeds
    lines = [f"{replications.scenario}: {len(seeds)} replications (seeds {seeds[0]}–{seeds[-1]})", "",
             f"{'measure':<20} {'mean':>10} {'sd':>10}   95% interval of the mean"]
    for s in replications.summaries():
        lines.append(f"{s.name:<20} {s.mean:>10.4g} {s.sd:>10.4g}   [{s.low:.4g}, {s.high:.4g}]")
    return "\n".join(lines)


def csv_text(replications: Replications) -> str:
    names = list(replications.runs[0])
    rows = [",".join(["seed", *names])]
    for seed, run in zip(replications.seeds, replications.runs, strict=True):
        rows.append(",".join([str(seed), *(f"{run[name]:g}" for name in names)]))
    return "\n".join(rows) + "\n"
