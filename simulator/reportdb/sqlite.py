"""Write the reporting tables as an SQLite database (stdlib ``sqlite3``, no server)."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .gim import Mapping as UdMapping
from .gim import build_gim
from .idb import build_idb
from .schema import TABLES, ddl


def tables(entries: Iterable[dict[str, Any]], mapping: UdMapping, timeout_us: int,
           attached_data: Mapping[str, str] | None = None, userdata_history: str = "all") -> dict[str, list[tuple]]:
    """Every reporting table's rows, from a run's journal entries."""
    idb = build_idb(entries, attached_data, userdata_history)
    return {**idb.rows, **build_gim(idb, mapping, timeout_us)}


class RunTables:
    """A run's reporting tables, built from its journal once, when first asked for."""

    def __init__(self, journal: Any, scenario: Any):
        self._journal, self._scenario = journal, scenario
        self._rows: dict[str, list[tuple]] | None = None

    @property
    def rows(self) -> dict[str, list[tuple]]:
        if self._rows is None:
            self._rows = scenario_tables((entry.to_dict() for entry in self._journal), self._scenario)
        return self._rows


def scenario_tables(entries: Iterable[dict[str, Any]], scenario: Any) -> dict[str, list[tuple]]:
    """The tables under ``scenario``'s settings: its disposition key, propagation rule and
    user-event timeout."""
    reporting = scenario.reporting
    return tables(entries, UdMapping(scenario.web_services.disposition_key, reporting.propagation_rule),
                  reporting.user_event_data_timeout, reporting.attached_data, reporting.userdata_history)


def fill(connection: sqlite3.Connection, rows: Mapping[str, list[tuple]]) -> None:
    """Create the tables in ``connection``'s database and insert ``rows``."""
    connection.executescript(ddl("sqlite"))
    for table in TABLES:
        marks = ", ".join("?" * len(table.columns))
        connection.executemany(f"INSERT INTO {table.name} VALUES ({marks})", rows.get(table.name, []))
    connection.commit()


def write(path: Path, rows: Mapping[str, list[tuple]]) -> None:
    """Create the tables at ``path`` (a new file) and insert ``rows``."""
    connection = sqlite3.connect(path)
    try:
        fill(connection, rows)
    finally:
        connection.close()


QUERY_BUDGET = 20_000  # progress-handler calls (of 1,000 SQLite instructions each) a query may take


def in_memory(rows: Mapping[str, list[tuple]]) -> sqlite3.Connection:
    """The tables in an in-memory database, for expectations on them: read-only once
    filled, and a query stops after ``QUERY_BUDGET`` thousand instructions (a count,
    not a clock, so a run stays deterministic) instead of running for ever."""
    connection = sqlite3.connect(":memory:")
    fill(connection, rows)
    connection.execute("PRAGMA query_only = ON")
    spent = [0]

    def budget() -> int:
        spent[0] += 1
        return 1 if spent[0] > QUERY_BUDGET else 0

    def reset(*_: object) -> None:
        spent[0] = 0

    connection.set_progress_handler(budget, 1000)
    connection.set_trace_callback(reset)  # each statement starts with the whole budget
    return connection


def database_bytes(rows: Mapping[str, list[tuple]]) -> bytes:
    """The database as the bytes of a file (the same rows give the same bytes)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reporting.sqlite"
        write(path, rows)
        return path.read_bytes()
