"""Rows into an SQLite database, in batches, as a run makes them.

The reporting tables of a million-call day do not fit in memory as Python
tuples, so the builders hand each finished row to a ``RowWriter``, which
inserts them ``BATCH`` rows at a time. A streamed run writes straight into its
staged ``reporting.sqlite`` (no rollback journal, no syncs: the staged folder
is thrown away whole if the run fails); a small run writes into memory, and its
file is that database's bytes.

Rows already written are read back only for a user event that names a call
reporting has closed (``lookup``); the indexes that makes quick are made the
first time one is needed, so a run that never needs them never pays for them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .schema import BY_NAME, TABLES, ddl

BATCH = 5_000  # rows held before one insert per table (a few MB: a day keeps its memory target)
LOOKUP_INDEXES = (
    "CREATE INDEX IF NOT EXISTS tsim_g_call_connid ON g_call (connid)",
    "CREATE INDEX IF NOT EXISTS tsim_g_party_callid ON g_party (callid, endpointdn)",
    "CREATE INDEX IF NOT EXISTS tsim_irf_interaction ON interaction_resource_fact (interaction_id)",
)


class RowWriter:
    """The tables in one SQLite database, filled in batches."""

    def __init__(self, path: Path | None = None):
        """``path``: the database file to write; None: a private temporary one, which SQLite
        deletes when the connection closes. Temporary on disk, not in memory: a long run's
        tables are hundreds of megabytes, and only SQLite's page cache of them stays in memory."""
        self.connection = sqlite3.connect("" if path is None else path)
        self.connection.execute("PRAGMA journal_mode = OFF")
        self.connection.execute("PRAGMA synchronous = OFF")
        self.connection.executescript(ddl("sqlite"))
        self._pending: dict[str, list[tuple[Any, ...]]] = {table.name: [] for table in TABLES}
        self._inserts = {table.name: f"INSERT INTO {table.name} VALUES ({', '.join('?' * len(table.columns))})"
                         for table in TABLES}
        self._held = 0
        self._indexed = False

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self._pending[table].append(row)
        self._held += 1
        if self._held >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._held:
            return
        with self.connection:
            for table, rows in self._pending.items():
                if rows:
                    self.connection.executemany(self._inserts[table], rows)
                    rows.clear()
        self._held = 0

    def lookup(self, query: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Rows already written (everything added is flushed first)."""
        self.flush()
        if not self._indexed:
            with self.connection:
                for statement in LOOKUP_INDEXES:
                    self.connection.execute(statement)
            self._indexed = True
        return self.connection.execute(query, parameters).fetchall()

    def close(self) -> None:
        """Write what is held; leave the connection open for reading."""
        self.flush()

    def rows(self, table: str) -> Iterator[tuple[Any, ...]]:
        """A table's rows in the order of its key."""
        self.flush()
        return ordered_rows(self.connection, table)


def ordered_rows(connection: sqlite3.Connection, table: str) -> Iterator[tuple[Any, ...]]:
    """One of the reporting tables' rows, in the order of its key."""
    key = next(c.name for c in BY_NAME[table].columns if c.key)
    return iter(connection.execute(f"SELECT * FROM {table} ORDER BY {key}"))


def open_read_only(path: Path) -> sqlite3.Connection:
    """A written database, opened so that nothing can change it (``mode=ro``)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
