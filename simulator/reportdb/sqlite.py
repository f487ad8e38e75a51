"""A run's reporting tables in SQLite (stdlib ``sqlite3``, no server).

A run that keeps its journal builds them from it, in memory, the first time
someone asks (an ``sql:`` expectation, ``reporting.sqlite``, ``--reporting-db``);
a streamed run builds them as it goes, straight into the ``reporting.sqlite`` of
its staged report folder, so a day of traffic never holds its rows in memory.
Either way the same ``TableBuilder`` reads the same entries in the same order.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import journal as J
from .gim import InfoMart
from .gim import Mapping as UdMapping
from .idb import TableBuilder
from .schema import TABLES
from .writer import RowWriter, open_read_only, ordered_rows

QUERY_BUDGET = 20_000  # progress-handler calls (of 1,000 SQLite instructions each) a query may take


def builder(writer: RowWriter, mapping: UdMapping, timeout_us: int, attached_data: Mapping[str, str] | None = None,
            userdata_history: str = "all") -> TableBuilder:
    return TableBuilder(writer, InfoMart(writer, mapping, timeout_us), attached_data, userdata_history)


def scenario_builder(writer: RowWriter, scenario: Any) -> TableBuilder:
    """A builder under ``scenario``'s settings: its disposition key, propagation rule,
    user-event timeout and ICON's history."""
    reporting = scenario.reporting
    return builder(writer, UdMapping(scenario.web_services.disposition_key, reporting.propagation_rule),
                   reporting.user_event_data_timeout, reporting.attached_data, reporting.userdata_history)


def tables(entries: Iterable[J.Entry], mapping: UdMapping, timeout_us: int,
           attached_data: Mapping[str, str] | None = None, userdata_history: str = "all") -> dict[str, list[tuple]]:
    """Every reporting table's rows (in key order), from a run's journal entries."""
    writer = RowWriter()
    return _all_rows(writer, builder(writer, mapping, timeout_us, attached_data, userdata_history), entries)


def scenario_tables(entries: Iterable[J.Entry], scenario: Any) -> dict[str, list[tuple]]:
    writer = RowWriter()
    return _all_rows(writer, scenario_builder(writer, scenario), entries)


def _all_rows(writer: RowWriter, made: TableBuilder, entries: Iterable[J.Entry]) -> dict[str, list[tuple]]:
    made.feed(entries)
    made.finish()
    return {table.name: list(writer.rows(table.name)) for table in TABLES}


def file_rows(path: Path) -> Callable[[str], Iterator[tuple[Any, ...]]]:
    """A written ``reporting.sqlite``'s rows, table by table, in key order (opened read-only)."""
    connection = open_read_only(path)
    return lambda table: ordered_rows(connection, table)


class RunTables:
    """A run's reporting tables: from its kept journal once, when first asked for
    (``from_journal``), or written as the run goes (``streamed``)."""

    def __init__(self, writer: RowWriter | None, journal: J.Journal | None, scenario: Any):
        self._writer, self._journal, self._scenario = writer, journal, scenario
        self._builder: TableBuilder | None = None
        self._querying = False

    @classmethod
    def from_journal(cls, journal: J.Journal, scenario: Any) -> RunTables:
        return cls(None, journal, scenario)

    @classmethod
    def streamed(cls, path: Path, journal: J.Journal, scenario: Any) -> RunTables:
        """Write the tables to a new database at ``path`` while ``journal`` is made."""
        writer = RowWriter(path)
        tables = cls(writer, None, scenario)
        tables._builder = scenario_builder(writer, scenario)
        tables._builder.listen(journal)
        return tables

    def finish(self) -> None:
        """The run is over (a streamed run: close the calls still open)."""
        if self._builder is not None:
            self._builder.finish()
            self._builder = None

    @property
    def writer(self) -> RowWriter:
        if self._writer is None:
            self._writer = RowWriter()
            made = scenario_builder(self._writer, self._scenario)
            made.feed(self._journal or ())
            made.finish()
        return self._writer

    def rows_of(self, table: str) -> Iterator[tuple[Any, ...]]:
        return self.writer.rows(table)

    @property
    def rows(self) -> dict[str, list[tuple]]:
        """Every table's rows, in memory (a small run's)."""
        return {table.name: list(self.rows_of(table.name)) for table in TABLES}

    def for_queries(self) -> sqlite3.Connection:
        """The database, read-only from now on, for expectations: a query stops after
        ``QUERY_BUDGET`` thousand instructions (a count, not a clock, so a run stays
        deterministic) instead of running for ever."""
        connection = self.writer.connection
        if not self._querying:
            self.writer.flush()
            connection.execute("PRAGMA query_only = ON")
            spent = [0]

            def budget() -> int:
                spent[0] += 1
                return 1 if spent[0] > QUERY_BUDGET else 0

            def reset(*_: object) -> None:
                spent[0] = 0

            connection.set_progress_handler(budget, 1000)
            connection.set_trace_callback(reset)  # each statement starts with the whole budget
            self._querying = True
        return connection

    def database_bytes(self) -> bytes:
        """The database as the bytes of a file (the same run gives the same bytes)."""
        self.writer.flush()
        with tempfile.TemporaryDirectory() as folder:  # (Connection.serialize needs Python 3.11)
            path = Path(folder) / "reporting.sqlite"
            copy = sqlite3.connect(path)
            try:
                self.writer.connection.backup(copy)
            finally:
                copy.close()
            return path.read_bytes()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.connection.close()
