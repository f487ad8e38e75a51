"""Run a scenario: build the world, play the steps, read the outcome off the journal."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import journal as J
from .errors import InvalidArgument, UnknownRequest
from .record import DispositionRecord
from .records import JournalIndex, call_table, disposition_records
from .scenario.expect import CallIds, Checker, ExpectationResult
from .scenario.loader import LoadedScenario, check_model, load_scenario, validate_data
from .scenario.schema import Scenario
from .scenario.steps import NotRun, call_named, schedule_steps
from .timing import TIE_BREAKS
from .traffic import start_traffic
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
    dispositions: list[DispositionRecord]
    expectations: list[ExpectationResult]
    end_time: int

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.expectations)

    def disposition(self, request: str) -> DispositionRecord:
        """The record of the SetCallDisposition request named (or numbered) ``request``.

        Raises ``UnknownRequest`` when no record has that name."""
        for record in self.dispositions:
            if record.request == request:
                return record
        known = ", ".join(r.request for r in self.dispositions) or "none"
        raise UnknownRequest(f"no SetCallDisposition request is named {request!r} (requests: {known})")


def run_scenario(scenario: LoadedScenario | Scenario | dict[str, Any] | str | Path, seed: int | None = None,
                 tie_break: str | None = None) -> RunResult:
    """Run a scenario: a loaded one, a file path, a ``Scenario`` model or a mapping
    (checked as a file would be).

    ``seed`` and ``tie_break`` override the scenario's own. Bad input raises
    tsim's own errors: ``ScenarioError``, ``InvalidArgument``."""
    loaded = _loaded(scenario)
    model, source, line = loaded.scenario, (loaded.path if loaded.lines else None), loaded.line
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63):
        raise InvalidArgument(f"seed: a whole number from 0 to 2**63-1, not {seed!r}"[:200])
    if tie_break is not None and tie_break not in TIE_BREAKS:
        raise InvalidArgument(f"tie_break: one of {', '.join(TIE_BREAKS)}, not {tie_break!r}"[:200])
    seed = model.seed if seed is None else seed

    with _no_cyclic_gc():
        world = build_world(model, seed, tie_break)
        schedule_steps(world, lambda i: line("steps", i))
        start_traffic(world)
        world.env.run()
        world.reporting.finish()
        return _result(world, model, source, seed, line)


def finish_run(world: World, loaded: LoadedScenario) -> RunResult:
    """Close a world that ran as far as it will (live mode stops at "now"): what
    reporting holds, the records, the expectations."""
    world.reporting.finish()
    model = loaded.scenario
    return _result(world, model, loaded.path if loaded.lines else None, world.seed, loaded.line)


def _loaded(scenario: Any) -> LoadedScenario:
    """Whatever ``run_scenario`` was given, as a scenario that passed every check."""
    if isinstance(scenario, LoadedScenario):
        return scenario
    if isinstance(scenario, (str, Path)):
        return load_scenario(scenario)
    if isinstance(scenario, Scenario):
        return check_model(scenario, f"<Scenario {scenario.name}>")
    if isinstance(scenario, dict):
        return validate_data(scenario, {}, "<scenario mapping>")
    raise InvalidArgument(f"scenario: a file path, a mapping, a Scenario or a LoadedScenario, "
                          f"not {type(scenario).__name__}")


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
