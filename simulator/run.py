"""Run a scenario: build the world, play the steps, read the outcome off the journal."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import journal as J
from .records import JournalIndex, call_table, disposition_records
from .scenario.expect import CallIds, Checker, ExpectationResult
from .scenario.loader import LoadedScenario, load_scenario
from .scenario.schema import Scenario
from .scenario.steps import NotRun, call_named, schedule_steps
from .world import World, build_world


@dataclass
class RunResult:
    """Everything a run produced. ``journal`` is the source of all the rest."""

    scenario: Scenario
    source: Path | None
    seed: int
    tie_break: str
    journal: J.Journal
    calls: list[dict[str, Any]]
    dispositions: list[dict[str, Any]]
    expectations: list[ExpectationResult]
    end_time: int

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.expectations)

    def disposition(self, request: str) -> dict[str, Any]:
        """The record of the SetCallDisposition request named (or numbered) ``request``."""
        return next(r for r in self.dispositions if r["request"] == request)


def run_scenario(scenario: LoadedScenario | Scenario | str | Path, seed: int | None = None,
                 tie_break: str | None = None) -> RunResult:
    """Run a scenario (a loaded one, a ``Scenario`` model, or a file path).

    ``seed`` and ``tie_break`` override the scenario's own."""
    if isinstance(scenario, (str, Path)):
        scenario = load_scenario(scenario)
    if isinstance(scenario, LoadedScenario):
        model, source, line = scenario.scenario, scenario.path, scenario.line
    else:
        model, source, line = scenario, None, (lambda *loc: None)
    seed = model.seed if seed is None else seed

    with _no_cyclic_gc():
        world = build_world(model, seed, tie_break)
        schedule_steps(world, lambda i: line("steps", i))
        world.env.run()
        world.reporting.finish()
        return _result(world, model, source, seed, line)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a run builds its journal.

    A run allocates many small objects it keeps until the end (the journal);
    the collector would rescan them again and again, which costs more than half
    the run time on large scenarios. Reference counting still frees the rest.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _result(world: World, model: Scenario, source: Path | None, seed: int, line) -> RunResult:
    """Read the outcome off the journal: records, the call table, expectations."""
    names: dict[str, CallIds] = {}
    for step in model.steps:
        if step.call is not None:
            try:
                call = call_named(world, step.call)
            except NotRun:
                continue
            names[step.call] = CallIds(call.conn_id, call.call_uuid)
    index = JournalIndex(world.journal)
    records = disposition_records(index)
    checker = Checker(world.journal, records, names)
    results = [checker.check(i, line("expect", i), e) for i, e in enumerate(model.expect)]
    calls = call_table(index, {name: ids.conn_id for name, ids in names.items()})
    return RunResult(model, source, seed, world.env.tie_break, world.journal, calls, records, results,
                     world.env.now)
