"""Run a scenario: build the world, play the steps, read the outcome off the journal."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import journal as J
from .errors import InvalidArgument, UnknownRequest
from .output import statistics
from .record import DispositionRecord, DispositionRecords
from .records import Leaving, RecordBuilder, named_rows
from .reportdb.icon import history_of
from .reportdb.sqlite import RunTables
from .scenario.expect import CallIds, Checker, ExpectationResult
from .scenario.loader import LoadedScenario, check_model, load_scenario, validate_data
from .scenario.retention import entry_test, record_test
from .scenario.schema import Scenario
from .scenario.steps import NotRun, call_named, schedule_steps
from .timing import TIE_BREAKS
from .traffic import start_traffic
from .world import World, build_world

JOURNAL_MODES = ("full", "records", "none")
"""What a run keeps and writes: ``full``, the whole journal, in memory (every
report and the pictures); ``records``, the disposition records and call rows
written as they are built, no journal; ``none``, only the statistics. The
streamed modes keep memory bounded by the calls in progress.

(A journal is not streamed to disk: an entry is complete only once its
messages have reached every client — T-Library events carry when they arrived
— so it cannot be written when it is made.)"""


@dataclass
class RunResult:
    """Everything a run produced. ``journal`` is the source of all the rest.

    In a streamed run (``journal_mode`` records or none) ``journal``,
    ``dispositions`` and ``calls`` hold only what the expectations and the named
    calls need; ``disposition_count`` and ``call_count`` count them all, and
    ``figures`` are the statistics of every one."""

    scenario: Scenario
    source: Path | None
    seed: int
    tie_break: str
    journal: J.Journal
    calls: list[dict[str, Any]]
    dispositions: DispositionRecords
    expectations: list[ExpectationResult]
    end_time: int
    figures: dict[str, Any] = field(default_factory=dict)
    journal_mode: str = "full"
    disposition_count: int = 0
    call_count: int = 0
    tables: RunTables | None = field(default=None, repr=False, compare=False)  # None: no journal to build from

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.expectations)

    @property
    def streamed(self) -> bool:
        return self.journal_mode != "full"

    def disposition(self, request: str) -> DispositionRecord:
        """The record of the SetCallDisposition request named (or numbered) ``request``.

        Raises ``UnknownRequest`` when no record has that name."""
        for record in self.dispositions:
            if record.request == request:
                return record
        known = ", ".join(r.request for r in self.dispositions) or "none"
        raise UnknownRequest(f"no SetCallDisposition request is named {request!r} (requests: {known})")


@dataclass
class RunSinks:
    """Where a streamed run hands what it makes, as it makes it (the report writer)."""

    record: Callable[[DispositionRecord], object] | None = None  # (what it returns is ignored)
    call: Callable[[dict[str, Any]], None] | None = None
    tables: Path | None = None  # a streamed run writes its reporting tables here (a new SQLite file)


def run_scenario(scenario: LoadedScenario | Scenario | dict[str, Any] | str | Path, seed: int | None = None,
                 tie_break: str | None = None, journal: str = "full", sinks: RunSinks | None = None,
                 reporting_tables: bool = True) -> RunResult:
    """Run a scenario: a loaded one, a file path, a ``Scenario`` model or a mapping
    (checked as a file would be).

    ``seed`` and ``tie_break`` override the scenario's own; ``journal`` is one of
    ``JOURNAL_MODES``; ``sinks`` receive entries, records and call rows as they
    are made; ``reporting_tables`` False: no reporting tables (a run that keeps
    its journal builds them only when asked for). Bad input raises tsim's own errors: ``ScenarioError``,
    ``InvalidArgument``."""
    loaded = _loaded(scenario)
    model = loaded.scenario
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63):
        raise InvalidArgument(f"seed: a whole number from 0 to 2**63-1, not {seed!r}"[:200])
    if tie_break is not None and tie_break not in TIE_BREAKS:
        raise InvalidArgument(f"tie_break: one of {', '.join(TIE_BREAKS)}, not {tie_break!r}"[:200])
    if journal not in JOURNAL_MODES:
        raise InvalidArgument(f"journal: one of {', '.join(JOURNAL_MODES)}, not {journal!r}"[:200])
    seed = model.seed if seed is None else seed

    with no_cyclic_gc():
        world, outputs = start_run(loaded, seed, tie_break, journal, sinks)
        world.env.run()
        return close_run(world, loaded, outputs, reporting_tables)


def start_run(loaded: LoadedScenario, seed: int, tie_break: str | None = None, journal: str = "full",
              sinks: RunSinks | None = None) -> tuple[World, _Outputs]:
    """A world ready to run ``loaded``, with what it makes going to the records, the
    statistics and ``sinks`` as it is made (``journal``: what it keeps, ``JOURNAL_MODES``).
    Run it (``env.run``, or live, up to now), then ``close_run``."""
    attached: list[_Outputs] = []
    world = build_world(loaded.scenario, seed, tie_break, keep_journal=journal == "full",
                        before_login=lambda w: attached.append(_Outputs(w, journal, sinks or RunSinks())))
    schedule_steps(world, lambda i: loaded.line("steps", i))
    start_traffic(world)
    return world, attached[0]


def close_run(world: World, loaded: LoadedScenario, outputs: _Outputs, reporting_tables: bool = True) -> RunResult:
    """The result of a world ``start_run`` made, run as far as it will go: what reporting
    holds, the records still open, the expectations."""
    world.reporting.finish()
    return _result(world, loaded.scenario, loaded.path if loaded.lines else None, world.seed, loaded.line, outputs,
                   reporting_tables)


def _call_uuid(world: World, name: str) -> str | None:
    try:
        return call_named(world, name).call_uuid
    except NotRun:
        return None


class _Outputs:
    """Feeds each journal entry to the record builder, the statistics and the sinks;
    keeps what the run's result holds (all of it, or what the expectations need)."""

    def __init__(self, world: World, mode: str, sinks: RunSinks, attach: bool = True):
        self.mode, self.sinks = mode, sinks
        self.stats = statistics.Accumulator()
        self.records: list[tuple[int, str]] = []  # (request order, the record's JSON line: ``DispositionRecords``)
        self.rows: list[dict[str, Any]] = []
        self.record_count = 0
        self.call_count = 0
        expectations = world.scenario.expect
        self.keep_record = (lambda record: True) if mode == "full" else \
            record_test(expectations, lambda name: _call_uuid(world, name))
        if mode != "full":
            world.journal.retain = entry_test(expectations, lambda name: _call_uuid(world, name))
        named = world.calls.uuids
        self.keep_row = (lambda row: True) if mode == "full" else (lambda row: row["callUuid"] in named)
        ws, rep = world.scenario.web_services, world.scenario.reporting
        self.builder = RecordBuilder(self._record, self._call, ws.fallback_to_user_event,
                                     rep.user_event_data_timeout,
                                     lambda key: history_of(key, rep.attached_data, rep.userdata_history))
        journal = world.journal
        self.tables: RunTables | None = None
        if sinks.tables is not None:
            self.tables = RunTables.streamed(sinks.tables, journal, world.scenario)
        if not attach:
            return
        wants = self.builder.wants()
        for kind, handler in self.builder.handlers().items():
            journal.subscribe(kind, handler, wants.get(kind))
        journal.subscribe(J.TLIB_EVENT, self.stats.add_entry)

    def _record(self, record: DispositionRecord, leaving: Leaving, order: int) -> None:
        self.record_count += 1
        self.stats.add_record(record, leaving)
        if self.sinks.record is not None:
            self.sinks.record(record)
        if self.keep_record(record):
            self.records.append((order, record.to_json_line()))

    def _call(self, row: dict[str, Any]) -> None:
        self.call_count += 1
        if self.sinks.call is not None:
            self.sinks.call(row)
        if self.keep_row(row):
            self.rows.append(row)


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
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a run builds its journal (and,
    from the CLI, while a file is loaded and its reports written).

    A run allocates many small objects it keeps until the end (the journal);
    the collector would rescan them again and again, which costs more than half
    the run time on large scenarios, and 40% of writing a big run's reports.
    Reference counting still frees the rest; what only the collector frees
    (a finished run's world) goes when it is back on, between scenarios. The
    live server keeps it on: it runs for days.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _result(world: World, model: Scenario, source: Path | None, seed: int, line, outputs: _Outputs,
            reporting_tables: bool = True) -> RunResult:
    """Close the records and the call table; check the expectations."""
    outputs.builder.finish()
    names: dict[str, CallIds] = {}
    for step in model.steps:
        if step.call is not None:
            try:
                call = call_named(world, step.call)
            except NotRun:
                continue
            names[step.call] = CallIds(call.conn_id, call.call_uuid)
    records = DispositionRecords([line for _, line in sorted(outputs.records, key=lambda pair: pair[0])])
    tables = outputs.tables
    if tables is None and world.journal.keep and reporting_tables:
        tables = RunTables.from_journal(world.journal, model)
    if tables is not None:
        tables.finish()
    checker = Checker(world.journal, records, names, lambda: tables.for_queries() if tables is not None else None)
    results = [checker.check(i, line("expect", i), e) for i, e in enumerate(model.expect)]
    calls = named_rows(sorted(outputs.rows, key=lambda row: row["firstEventAt"]),
                       {name: ids.conn_id for name, ids in names.items()})
    return RunResult(model, source, seed, world.env.tie_break, world.journal, calls, records, results,
                     world.env.now, outputs.stats.result(world.env.now), outputs.mode, outputs.record_count,
                     outputs.call_count, tables)

