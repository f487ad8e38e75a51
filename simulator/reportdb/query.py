"""Ask a run's ``reporting.sqlite`` a question: read-only, one statement, a table out.

``tsim sql REPORT_DIR "select …"`` runs the statement on the database opened
read-only (``mode=ro``: a query cannot change what a run wrote) and prints the
rows as an aligned text table, or CSV.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path
from typing import Any

from .writer import open_read_only

DATABASE = "reporting.sqlite"
MAX_ROWS = 10_000


class QueryError(Exception):
    """The folder has no database, or SQLite refused the statement: a message for the user."""


def database_of(folder: Path) -> Path:
    path = folder / DATABASE if folder.is_dir() else folder
    if not path.is_file():
        raise QueryError(f"{folder}: no {DATABASE} here (a run's report folder has one, unless it was run with "
                         "--journal none or --no-reporting-tables)")
    return path


def run(folder: Path, statement: str) -> tuple[list[str], list[tuple[Any, ...]], bool]:
    """(column names, rows, whether rows were left out past MAX_ROWS)."""
    path = database_of(folder)
    try:
        connection = open_read_only(path)
    except sqlite3.Error as exc:
        raise QueryError(f"{path}: {exc}") from None
    try:
        cursor = connection.execute(statement)
        names = [d[0] for d in cursor.description or ()]
        rows = cursor.fetchmany(MAX_ROWS + 1)
    except (sqlite3.Error, sqlite3.Warning, ValueError) as exc:
        raise QueryError(f"{path}: {exc}") from None
    finally:
        connection.close()
    return names, rows[:MAX_ROWS], len(rows) > MAX_ROWS


def as_table(names: list[str], rows: list[tuple[Any, ...]]) -> str:
    cells = [names] + [["NULL" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(names))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def as_csv(names: list[str], rows: list[tuple[Any, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(rows)
    return out.getvalue()
